-- Creates Portal's roles and database. Run once per cluster as a superuser:
--   psql -v db=portal -f deploy/postgres/bootstrap.sql
-- Development passwords are set here; production sets its own with ALTER ROLE.
-- portal_owner owns the schema and runs migrations; portal_app is what the app and jobs
-- use: DML only, never owner, never superuser, never BYPASSRLS.
SELECT format('CREATE ROLE portal_owner LOGIN PASSWORD %L NOSUPERUSER NOBYPASSRLS', 'portal_owner_dev')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portal_owner') \gexec
SELECT format('CREATE ROLE portal_app LOGIN PASSWORD %L NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', 'portal_app_dev')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portal_app') \gexec
SELECT format('CREATE DATABASE %I OWNER portal_owner', :'db')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
\connect :db
CREATE EXTENSION IF NOT EXISTS vector;
CREATE EXTENSION IF NOT EXISTS citext;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO portal_owner;
