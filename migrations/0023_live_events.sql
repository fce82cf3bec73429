-- Live pages: a change to a document's status or to a review item is announced on the portal_events channel, with
-- {tenantId, kind, id, status, knowledgeBaseId}. Any process may change the row (a web node, a worker); every web node
-- listens and relays each event to the circuits of that tenant only. NOTIFY is sent at commit, so a rolled-back
-- change announces nothing; the payload names rows, never their content.
CREATE FUNCTION notify_portal_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed record;
BEGIN
    IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
    PERFORM pg_notify('portal_events', json_build_object(
        'tenantId', changed.tenant_id,
        'kind', TG_ARGV[0],
        'id', changed.id,
        'status', CASE WHEN TG_OP = 'DELETE' THEN 'Deleted' ELSE changed.status END,
        'knowledgeBaseId', changed.knowledge_base_id)::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER documents_notify AFTER INSERT OR DELETE OR UPDATE OF status ON documents
    FOR EACH ROW EXECUTE FUNCTION notify_portal_event('document');

CREATE TRIGGER review_items_notify AFTER INSERT OR DELETE OR UPDATE ON review_items
    FOR EACH ROW EXECUTE FUNCTION notify_portal_event('review');
