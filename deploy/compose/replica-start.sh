#!/bin/sh
# The replica's entrypoint: the first time, copy the primary (pg_basebackup -R writes
# standby.signal and primary_conninfo, so it starts as a streaming hot standby); then run it.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -h db -U replicator -q; do sleep 1; done
  gosu postgres pg_basebackup -h db -U replicator -D "$PGDATA" -R -X stream -c fast
  chmod 700 "$PGDATA"
fi
exec gosu postgres postgres -c hot_standby=on
