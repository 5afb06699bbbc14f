"""The database: the connection, its pool, and how soon an outage is given up on."""

from .base import BASE_DIR, env
from .cluster import REPLICA_DATABASE

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.postgresql":
    # psycopg 3's pool replaces persistent connections (Django refuses CONN_MAX_AGE with a pool).
    _db["CONN_MAX_AGE"] = 0
    _db.setdefault("OPTIONS", {}).setdefault(
        "pool", {"min_size": env.int("DB_POOL_MIN", 1), "max_size": env.int("DB_POOL_MAX", 10)}
    )
elif _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside a writer; IMMEDIATE makes writers queue (up to `timeout`)
    # instead of failing with "database is locked" when a read transaction upgrades.
    _db.setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# --- Outages: the database ---------------------------------------------------------------
# An unreachable PostgreSQL answers 503 within seconds (operations.middleware) instead of holding
# a worker for psycopg_pool's default 30 s; pooled connections are checked before use, so one
# broken by an outage is replaced rather than failing a request after the database returns.
if _db["ENGINE"] == "django.db.backends.postgresql":
    _db["CONN_HEALTH_CHECKS"] = True
    _db["OPTIONS"].setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=3))
    if isinstance(_db["OPTIONS"]["pool"], dict):
        _db["OPTIONS"]["pool"].setdefault("timeout", env.float("DB_POOL_TIMEOUT", default=3.0))
        # Give up on one reconnection attempt soon: the next request starts a fresh one, instead
        # of the pool's backoff (up to minutes) delaying recovery after the database returns.
        _db["OPTIONS"]["pool"].setdefault("reconnect_timeout", 5.0)
# ---------------------------------------------------------------------------------------------

# A streaming read replica (cluster.py, operations/replica.py) routes anonymous readers' reads.
DATABASE_ROUTERS = []
if REPLICA_DATABASE is not None:
    DATABASES["replica"] = REPLICA_DATABASE
    DATABASE_ROUTERS = ["operations.replica.ReplicaRouter"]
