"""Operations: logging, background tasks and their worker, backups."""

from .base import BASE_DIR, env

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_secrets": {"()": "operations.logging.RedactSecrets"},
        "one_line": {"()": "operations.logging.OneLine"},
    },
    "formatters": {
        "server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
        "server": {
            "class": "logging.StreamHandler",
            "filters": ["redact_secrets"],
            "formatter": "server",
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # A request naming a host not in ALLOWED_HOSTS (scanners send thousands): one line each.
        "django.security.DisallowedHost": {
            "handlers": ["console"],
            "filters": ["one_line"],
            "level": "INFO",
            "propagate": False,
        },
    },
}

# --- Serving: background work (mail, trackback checks, outgoing pings) is queued in the
# database and run by the worker (`manage.py db_worker`; `make run` and `make serve` start it),
# never inside a reader's request. The tests run tasks on the spot (tests/conftest.py).
TASKS = {
    "default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}
}
# The worker records a heartbeat this often; /readyz fails when the newest is older than
# WORKER_HEARTBEAT_MAX_AGE seconds.
WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=10)
WORKER_HEARTBEAT_MAX_AGE = env.float("WORKER_HEARTBEAT_MAX_AGE", default=60)
# Every this many seconds (and at start) a worker queues again the tasks of workers that died.
WORKER_REQUEUE_SECONDS = env.float("WORKER_REQUEUE_SECONDS", default=300)
# Where `manage.py backup` writes (and `make backup`).
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "backups")
# --- end serving
