"""gunicorn for `make serve` (python -m operations.serve); GUNICORN_CMD_ARGS overrides any of it."""

import multiprocessing
import os

wsgi_app = "newsroom.wsgi:application"
# A web request waits at most this long for one statement (newsroom/settings/database.py); the
# release step's migrate and the worker, started otherwise, are not cut short by it.
os.environ.setdefault("DB_STATEMENT_TIMEOUT", "30")
# Loopback: TLS is a proxy's job (nginx, caddy) on this machine. GUNICORN_CMD_ARGS=--bind=...
# listens elsewhere.
bind = [f"127.0.0.1:{os.environ.get('PORT', '8000')}"]
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "gthread"
threads = 4
timeout = 30
graceful_timeout = 10
# A worker process is renewed now and then, so a slow leak never grows for long.
max_requests = 2000
max_requests_jitter = 200
# No control socket: it lives in the home folder, where two instances would share one.
control_socket_disable = True
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

# Secrets in URLs redacted as in Django's own logs.
logger_class = "operations.gunicorn_logger.RedactingLogger"
