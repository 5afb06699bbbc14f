#!/bin/sh
# Run once by the postgres image on a new primary: a role for the replica's streaming
# connection, and pg_hba's permission for it (passwords checked, never trust).
set -eu
# The password goes in as a psql variable, quoted by psql (:'password'), never pasted into SQL.
psql -v ON_ERROR_STOP=1 -v password="$REPLICATION_PASSWORD" --username "$POSTGRES_USER" \
    --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'password';
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
