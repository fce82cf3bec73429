-- Background jobs run on Hangfire with its PostgreSQL storage, in this database under the schema
-- "hangfire". The schema is created here, by portal_owner; Hangfire's own tables are installed into it
-- right after the migrations, by the same owner connection (MigrationRunner), never by the app at
-- start-up. Job state, not tenant data: job arguments carry ids only, so no row-level security.
-- See docs/adr/0009-jobs-on-hangfire.md.
CREATE SCHEMA IF NOT EXISTS hangfire AUTHORIZATION portal_owner;
REVOKE ALL ON SCHEMA hangfire FROM PUBLIC;

-- portal_app enqueues, fetches and updates jobs: DML and sequences, nothing else (no DDL, no ownership).
GRANT USAGE ON SCHEMA hangfire TO portal_app;
ALTER DEFAULT PRIVILEGES FOR ROLE portal_owner IN SCHEMA hangfire
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO portal_app;
ALTER DEFAULT PRIVILEGES FOR ROLE portal_owner IN SCHEMA hangfire
    GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO portal_app;
ALTER DEFAULT PRIVILEGES FOR ROLE portal_owner IN SCHEMA hangfire
    GRANT EXECUTE ON FUNCTIONS TO portal_app;
