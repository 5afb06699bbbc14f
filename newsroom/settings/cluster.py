"""Running as a cluster: a streaming read replica (operations/replica.py); database.py adds it."""

from django.core.exceptions import ImproperlyConfigured

from .base import env

# DATABASE_REPLICA_URL: a PostgreSQL hot standby of DATABASE_URL. Anonymous readers' pages are
# read from it while it has replayed every write they depend on; everyone else reads the primary.
_replica_url = env.str("DATABASE_REPLICA_URL", default="")
REPLICA_DATABASE = env.db_url_config(_replica_url) if _replica_url else None
if REPLICA_DATABASE is not None:
    if REPLICA_DATABASE["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a postgres:// URL.")
    # Persistent connections, no pool: a replica that is down must refuse at once (a pool waits
    # for its timeout). Checked before reuse, so one broken by a restart is replaced.
    REPLICA_DATABASE.update({"CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True})
    # libpq and psycopg take any connect_timeout under 2 seconds as 2: a replica that does not
    # answer costs the request that asks it up to 2 s, once per REPLICA_RETRY_SECONDS per process.
    REPLICA_DATABASE.setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("REPLICA_CONNECT_TIMEOUT", default=1)
    )
    # The test suite reads the replica as the primary (it has no standby).
    REPLICA_DATABASE["TEST"] = {"MIRROR": "default"}
# Seconds of replay lag past which every read goes to the primary.
REPLICA_MAX_LAG = env.float("REPLICA_MAX_LAG", default=5.0)
# How often (seconds) each process asks the replica how far it has replayed.
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=0.5)
# After a failure the replica is left alone this long (seconds): no request waits on it.
REPLICA_RETRY_SECONDS = env.float("REPLICA_RETRY_SECONDS", default=5.0)
# Read-your-writes: after any write (a POST that succeeded) the browser reads the primary this
# long (seconds), whatever the replica says.
REPLICA_STICKY_SECONDS = env.int("REPLICA_STICKY_SECONDS", default=30)
