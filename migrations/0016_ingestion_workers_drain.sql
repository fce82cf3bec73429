-- Ingestion jobs drain the queue: a job that finishes its document claims the next queued one itself
-- instead of ending and leaving it to a new job (a scheduler fire, its lock and several round trips per
-- document). See docs/adr/0002-jobs-on-quartz-clustered-in-postgresql.md.
--
-- A document a running job claimed names that job's fire (qrtz_fired_triggers.entry_id, which Quartz
-- keeps while the job runs and removes when it ends or when the cluster recovers a dead node's jobs).
-- When the claimant's fire is gone the claim is void: the next claim takes the document again, whether it
-- was still Queued or mid-step (a node killed mid-document), and starts it over from Queued.
ALTER TABLE documents ADD COLUMN claimed_by text;
CREATE INDEX ix_documents_claimed ON documents(claimed_by)
    WHERE claimed_by IS NOT NULL AND status IN ('Queued', 'Parsing', 'Chunking', 'Indexing');

DROP FUNCTION claim_queued_documents(integer, interval);

-- p_claimant: the claiming job's fire instance id, or NULL for the dispatcher (its claims are recovered by
-- Quartz through the job it schedules, and by p_redispatch_after when that job is never scheduled).
CREATE FUNCTION claim_queued_documents(p_limit integer, p_redispatch_after interval, p_claimant text)
RETURNS TABLE (tenant_id uuid, document_id uuid, version integer, attempt integer)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    WITH orphaned AS (
        SELECT d.id FROM documents d
        WHERE d.claimed_by IS NOT NULL AND d.status IN ('Parsing', 'Chunking', 'Indexing')
          AND NOT EXISTS (SELECT 1 FROM qrtz_fired_triggers f WHERE f.entry_id = d.claimed_by)
        LIMIT least(greatest(p_limit, 1), 500)
        FOR UPDATE SKIP LOCKED
    ), due AS (
        SELECT d.id FROM documents d
        WHERE d.status = 'Queued' AND d.next_attempt_at <= now()
          AND (d.dispatched_at IS NULL OR d.dispatched_at < now() - p_redispatch_after
               OR (d.claimed_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM qrtz_fired_triggers f WHERE f.entry_id = d.claimed_by)))
        ORDER BY d.next_attempt_at, d.created_at
        LIMIT least(greatest(p_limit, 1), 500)
        FOR UPDATE SKIP LOCKED
    ), picked AS (
        SELECT id FROM (SELECT id, 0 AS o FROM orphaned UNION ALL SELECT id, 1 FROM due) x
        ORDER BY o LIMIT least(greatest(p_limit, 1), 500)
    )
    UPDATE documents d SET dispatched_at = now(), claimed_by = p_claimant, status = 'Queued'
    FROM picked WHERE d.id = picked.id
    RETURNING d.tenant_id, d.id, d.building_version, d.attempts
$$;
REVOKE ALL ON FUNCTION claim_queued_documents(integer, interval, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION claim_queued_documents(integer, interval, text) TO portal_app;

-- How many queued documents were handed to jobs that have not started them yet, across tenants: the
-- recurring dispatch adds a job for a busy cluster only when every job it added before has started.
CREATE FUNCTION dispatched_documents_waiting(p_redispatch_after interval)
RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT count(*) FROM documents d
    WHERE d.status = 'Queued' AND d.claimed_by IS NULL AND d.dispatched_at >= now() - p_redispatch_after
$$;
REVOKE ALL ON FUNCTION dispatched_documents_waiting(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION dispatched_documents_waiting(interval) TO portal_app;
