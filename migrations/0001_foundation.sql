-- Foundation: tenants, people, memberships, invitations, API keys, audit log.
-- Runs as portal_owner. Roles and the database itself are created by the bootstrap
-- (deploy/postgres/README.md), because creating roles needs a superuser.

CREATE EXTENSION IF NOT EXISTS vector;
CREATE EXTENSION IF NOT EXISTS citext;

-- Every tenant-owned table uses this predicate. An unset or empty app.tenant_id
-- yields NULL, which matches no row, so a forgotten set_config reads nothing.
CREATE FUNCTION current_tenant_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;

CREATE TABLE tenants (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Identity: people exist outside any tenant; what they may see is decided by memberships.
CREATE TABLE users (
    id                      uuid PRIMARY KEY,
    user_name               varchar(256),
    normalized_user_name    varchar(256) UNIQUE,
    email                   varchar(256),
    normalized_email        varchar(256) UNIQUE,
    email_confirmed         boolean NOT NULL DEFAULT false,
    password_hash           text,
    security_stamp          text,
    concurrency_stamp       text,
    phone_number            text,
    phone_number_confirmed  boolean NOT NULL DEFAULT false,
    two_factor_enabled      boolean NOT NULL DEFAULT false,
    lockout_end             timestamptz,
    lockout_enabled         boolean NOT NULL DEFAULT true,
    access_failed_count     integer NOT NULL DEFAULT 0,
    display_name            text,
    created_at              timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE user_claims (
    id          serial PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    claim_type  text,
    claim_value text
);
CREATE INDEX ix_user_claims_user_id ON user_claims(user_id);

CREATE TABLE user_logins (
    login_provider        text NOT NULL,
    provider_key          text NOT NULL,
    provider_display_name text,
    user_id               uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (login_provider, provider_key)
);
CREATE INDEX ix_user_logins_user_id ON user_logins(user_id);

CREATE TABLE user_tokens (
    user_id        uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    login_provider text NOT NULL,
    name           text NOT NULL,
    value          text,
    PRIMARY KEY (user_id, login_provider, name)
);

CREATE TABLE memberships (
    tenant_id   uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id     uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role        text NOT NULL CHECK (role IN ('Owner', 'Admin', 'Editor', 'Viewer')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX ix_memberships_user_id ON memberships(user_id);

CREATE TABLE invitations (
    id           uuid PRIMARY KEY,
    tenant_id    uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    email        citext NOT NULL,
    role         text NOT NULL CHECK (role IN ('Owner', 'Admin', 'Editor', 'Viewer')),
    invited_by   uuid REFERENCES users(id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    accepted_at  timestamptz,
    revoked_at   timestamptz
);
CREATE UNIQUE INDEX ux_invitations_pending ON invitations(tenant_id, email)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;
CREATE INDEX ix_invitations_email ON invitations(email);

CREATE TABLE api_keys (
    id               uuid PRIMARY KEY,
    tenant_id        uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind             text NOT NULL CHECK (kind IN ('secret', 'publishable')),
    prefix           text NOT NULL,
    secret_hash      bytea NOT NULL UNIQUE CHECK (length(secret_hash) = 32),
    allowed_origins  text[] NOT NULL DEFAULT '{}',
    created_by       uuid REFERENCES users(id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz,
    last_used_at     timestamptz,
    revoked_at       timestamptz
);
CREATE INDEX ix_api_keys_tenant ON api_keys(tenant_id);

CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    actor       text NOT NULL,
    action      text NOT NULL,
    target      text,
    details     jsonb NOT NULL DEFAULT '{}',
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_audit_log_tenant_at ON audit_log(tenant_id, at DESC);

-- Row-level security. FORCE applies the policies to the table owner too.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants
    USING (id = current_tenant_id()) WITH CHECK (id = current_tenant_id());

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['memberships', 'invitations', 'api_keys', 'audit_log'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_tenant_id()) '
                       'WITH CHECK (tenant_id = current_tenant_id())', t);
    END LOOP;
END $$;

-- Cross-tenant lookups that exist by design. They run as portal_owner through the
-- SECURITY DEFINER functions below, which read only what each lookup needs.
CREATE POLICY definer_lookup ON tenants FOR SELECT TO portal_owner USING (true);
CREATE POLICY definer_lookup ON memberships FOR ALL TO portal_owner USING (true) WITH CHECK (true);
CREATE POLICY definer_lookup ON invitations FOR ALL TO portal_owner USING (true) WITH CHECK (true);
CREATE POLICY definer_lookup ON api_keys FOR ALL TO portal_owner USING (true) WITH CHECK (true);

-- Resolves a presented key hash to its tenant. Unknown, revoked and expired keys,
-- keys of suspended tenants and keys whose creator left the tenant all return no row.
CREATE FUNCTION resolve_api_key(p_hash bytea)
RETURNS TABLE (key_id uuid, tenant_id uuid, kind text, allowed_origins text[], created_by uuid)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    UPDATE api_keys k SET last_used_at = now()
    FROM tenants t
    WHERE k.secret_hash = p_hash
      AND t.id = k.tenant_id
      AND t.status = 'active'
      AND k.revoked_at IS NULL
      AND (k.expires_at IS NULL OR k.expires_at > now())
      AND EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = k.tenant_id AND m.user_id = k.created_by)
    RETURNING k.id, k.tenant_id, k.kind, k.allowed_origins, k.created_by
$$;

CREATE FUNCTION user_tenants(p_user_id uuid)
RETURNS TABLE (tenant_id uuid, tenant_name text, role text, status text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT t.id, t.name, m.role, t.status
    FROM memberships m JOIN tenants t ON t.id = m.tenant_id
    WHERE m.user_id = p_user_id
    ORDER BY t.name, t.id
$$;

CREATE FUNCTION pending_invitations(p_email text)
RETURNS TABLE (invitation_id uuid, tenant_id uuid, tenant_name text, role text, expires_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT i.id, t.id, t.name, i.role, i.expires_at
    FROM invitations i JOIN tenants t ON t.id = i.tenant_id
    WHERE i.email = p_email::citext AND i.accepted_at IS NULL AND i.revoked_at IS NULL
      AND i.expires_at > now() AND t.status = 'active'
    ORDER BY i.created_at
$$;

-- Accepts an invitation addressed to the caller's own email. Returns the tenant joined,
-- or no row when the invitation is not the caller's, expired, used or revoked.
CREATE FUNCTION accept_invitation(p_invitation_id uuid, p_user_id uuid, p_email text)
RETURNS TABLE (tenant_id uuid, role text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE inv invitations%ROWTYPE;
BEGIN
    SELECT * INTO inv FROM invitations i
    WHERE i.id = p_invitation_id AND i.email = p_email::citext
      AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()
    FOR UPDATE;
    IF NOT FOUND THEN RETURN; END IF;
    UPDATE invitations SET accepted_at = now() WHERE id = inv.id;
    INSERT INTO memberships (tenant_id, user_id, role) VALUES (inv.tenant_id, p_user_id, inv.role)
    ON CONFLICT ON CONSTRAINT memberships_pkey DO NOTHING;
    RETURN QUERY SELECT inv.tenant_id, inv.role;
END
$$;

REVOKE ALL ON FUNCTION resolve_api_key(bytea), user_tenants(uuid), pending_invitations(text),
    accept_invitation(uuid, uuid, text) FROM PUBLIC;

-- portal_app: DML only. Default privileges cover tables that later migrations add.
GRANT USAGE ON SCHEMA public TO portal_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO portal_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO portal_app;
-- The app may see which migrations ran (for /readyz) but never change that history.
REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM portal_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO portal_app;
ALTER DEFAULT PRIVILEGES FOR ROLE portal_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO portal_app;
ALTER DEFAULT PRIVILEGES FOR ROLE portal_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO portal_app;
ALTER DEFAULT PRIVILEGES FOR ROLE portal_owner IN SCHEMA public
    GRANT EXECUTE ON FUNCTIONS TO portal_app;
