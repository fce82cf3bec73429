#!/bin/sh
# Runs once, when the pgvector/pgvector container initialises an empty data directory.
set -e
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d postgres -v db=portal -f /portal/bootstrap.sql
