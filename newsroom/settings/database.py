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
# A server that stops answering holds no thread for long either (operations/database.py):
# TCP keepalives and tcp_user_timeout drop a peer gone from the network, statement_timeout stops
# a statement the server takes too long over, and the client gives up on a connection that does
# not answer its check within DB_CHECK_TIMEOUT, or any query within DATABASE_ANSWER_TIMEOUT.
# The statement limit is the web's: newsroom/gunicorn.conf.py sets 30 s for the web processes,
# while migrate (an index build, an ALTER waiting for a lock), the worker and other commands
# run with none unless DB_STATEMENT_TIMEOUT says so.
DB_STATEMENT_TIMEOUT = env.float("DB_STATEMENT_TIMEOUT", default=0)  # seconds; 0: none
DB_CHECK_TIMEOUT = env.float("DB_CHECK_TIMEOUT", default=1.0)
_connect_timeout = env.int("DB_CONNECT_TIMEOUT", default=3)
DATABASE_ANSWER_TIMEOUT = DB_STATEMENT_TIMEOUT + _connect_timeout if DB_STATEMENT_TIMEOUT else None
CONNECTION_LIMITS = {
    "connect_timeout": _connect_timeout,
    "keepalives": 1,
    "keepalives_idle": env.int("DB_KEEPALIVES_IDLE", default=30),
    "keepalives_interval": env.int("DB_KEEPALIVES_INTERVAL", default=10),
    "keepalives_count": env.int("DB_KEEPALIVES_COUNT", default=3),
    "tcp_user_timeout": env.int("DB_TCP_USER_TIMEOUT", default=10) * 1000,  # libpq: milliseconds
}
if DB_STATEMENT_TIMEOUT:
    CONNECTION_LIMITS["options"] = f"-c statement_timeout={int(DB_STATEMENT_TIMEOUT * 1000)}"
if _db["ENGINE"] == "django.db.backends.postgresql":
    _db["CONN_HEALTH_CHECKS"] = True
    for _name, _value in CONNECTION_LIMITS.items():
        _db["OPTIONS"].setdefault(_name, _value)
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
    for _name, _value in CONNECTION_LIMITS.items():
        REPLICA_DATABASE["OPTIONS"].setdefault(_name, _value)
    DATABASE_ROUTERS = ["operations.replica.ReplicaRouter"]
