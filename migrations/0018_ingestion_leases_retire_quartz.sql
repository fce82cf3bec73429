-- Ingestion claims are leases of Portal's own instead of Quartz fires. A running ingestion job holds
-- one lease row and renews its heartbeat while it lives; every document it claims names that lease
-- (documents.claimed_by). A document whose lease stopped beating (its node died) is taken over by the
-- next claim anywhere, whether it was still Queued or mid-step, and starts over from Queued.
-- Quartz.NET is retired: its tables go. See docs/adr/0009-jobs-on-hangfire.md.
CREATE TABLE ingestion_leases (
    claimant     text PRIMARY KEY,
    node         text NOT NULL,
    acquired_at  timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now()
);
-- Scheduling state, not tenant data (no tenant_id): no row-level security.

-- Documents in flight, for the claim's look for orphans on every dispatch poll.
CREATE INDEX ix_documents_in_flight ON documents(claimed_by) WHERE status IN ('Parsing', 'Chunking', 'Indexing');

-- Ingestion jobs carry no documents: each claims the next due document itself, in the name of its lease, until
-- none is left. A dispatch only enqueues jobs (at most as many as there are ingest workers) while claimable
-- documents exist, so there is no state between "claimed" and "started" that a dead node could leave behind.
DROP FUNCTION claim_queued_documents(integer, interval, text);
DROP FUNCTION dispatched_documents_waiting(interval);

CREATE FUNCTION claim_queued_documents(p_limit integer, p_claimant text, p_lease_timeout interval)
RETURNS TABLE (tenant_id uuid, document_id uuid, version integer, attempt integer)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    WITH orphaned AS (
        SELECT d.id FROM documents d
        WHERE d.status IN ('Parsing', 'Chunking', 'Indexing')
          AND NOT EXISTS (SELECT 1 FROM ingestion_leases l
                          WHERE l.claimant = d.claimed_by AND l.heartbeat_at > now() - p_lease_timeout)
        LIMIT least(greatest(p_limit, 1), 500)
        FOR UPDATE SKIP LOCKED
    ), due AS (
        SELECT d.id FROM documents d
        WHERE d.status = 'Queued' AND d.next_attempt_at <= now()
          AND NOT EXISTS (SELECT 1 FROM ingestion_leases l
                          WHERE l.claimant = d.claimed_by AND l.heartbeat_at > now() - p_lease_timeout)
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
REVOKE ALL ON FUNCTION claim_queued_documents(integer, text, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION claim_queued_documents(integer, text, interval) TO portal_app;

-- How many documents a claim would take now, up to p_limit, across tenants: a dispatch enqueues that many jobs at
-- most. Ids never leave the function.
CREATE FUNCTION claimable_documents(p_limit integer, p_lease_timeout interval)
RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT count(*) FROM (
        SELECT 1 FROM documents d
        WHERE (d.status IN ('Parsing', 'Chunking', 'Indexing') OR (d.status = 'Queued' AND d.next_attempt_at <= now()))
          AND NOT EXISTS (SELECT 1 FROM ingestion_leases l
                          WHERE l.claimant = d.claimed_by AND l.heartbeat_at > now() - p_lease_timeout)
        LIMIT least(greatest(p_limit, 1), 500)
    ) x
$$;
REVOKE ALL ON FUNCTION claimable_documents(integer, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION claimable_documents(integer, interval) TO portal_app;

DROP TABLE IF EXISTS qrtz_fired_triggers, qrtz_paused_trigger_grps, qrtz_paused_job_grps, qrtz_scheduler_state,
    qrtz_locks, qrtz_simple_triggers, qrtz_cron_triggers, qrtz_simprop_triggers, qrtz_blob_triggers, qrtz_triggers,
    qrtz_job_details, qrtz_calendars, qrtz_execution_history, qrtz_misfire_history, qrtz_job_status CASCADE;
