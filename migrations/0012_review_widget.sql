-- Reports and the widget's cross-origin preflight.

-- "Someone reports it" is kept beside thumbs up/down, so the reporter's reason shows in the review
-- queue with the other feedback comments; ratios count only 'up' and 'down'.
ALTER TABLE feedback DROP CONSTRAINT feedback_rating_check;
ALTER TABLE feedback ADD CONSTRAINT feedback_rating_check CHECK (rating IN ('up', 'down', 'report'));

-- A CORS preflight carries the Origin but not the X-Widget-Key header, so it cannot be checked against
-- one key's allow-list. This answers the only question a preflight may ask across tenants: does any
-- live publishable key allow this origin? It returns a boolean and nothing about which tenant.
CREATE FUNCTION widget_origin_allowed(p_origin text)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT EXISTS (
        SELECT 1 FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
        WHERE k.kind = 'publishable'
          AND k.revoked_at IS NULL
          AND (k.expires_at IS NULL OR k.expires_at > now())
          AND t.status = 'active'
          AND p_origin = ANY (k.allowed_origins))
$$;
REVOKE ALL ON FUNCTION widget_origin_allowed(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION widget_origin_allowed(text) TO portal_app;
