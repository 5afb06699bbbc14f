"""Health for load balancers: /healthz (the process answers) and /readyz (it can serve)."""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db import DatabaseBackend

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    """Answer 200 while the process serves requests: no database, no cache."""
    return JsonResponse({"status": "ok"})


def _database() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return None


def _cache() -> str | None:
    key, value = "newsroom:readyz", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    return None if cache.get(key) == value else "the cache did not keep a value"


def _worker() -> str | None:
    if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        return None  # tasks run on the spot: there is no worker to wait for
    max_age = settings.WORKER_HEARTBEAT_MAX_AGE
    if WorkerHeartbeat.objects.fresh(max_age=max_age).exists():
        return None
    return f"no task worker heartbeat in the last {max_age:g} s"


CHECKS = {"database": _database, "cache": _cache, "worker": _worker}
# Pages are served without the cache (delivery.cache): its outage is reported, never a 503 that
# would take every app server out of the balancer at once.
DEGRADED_WITHOUT = {"cache"}
_last_problems: list[str] = []  # this process's last answer: log changes, not every probe


@never_cache
@require_safe
def readyz(request):
    """Answer 200 when the database and a task worker work, else 503 naming why.

    The cache is checked and reported too, but serving goes on without it.
    """
    checks, failed, degraded = {}, [], []
    for name, check in CHECKS.items():
        if name == "worker" and "database" in failed:
            checks[name] = "not checked: the database failed"
            failed.append(name)
            continue
        try:
            problem = check()
        except Exception as error:  # a failing dependency is an answer, not a 500
            # The body is public: the error's class only; its text (hosts, ports) goes to the log.
            logger.warning("Readiness check %s failed: %s", name, error)
            problem = f"error ({type(error).__name__})"
        if problem and name in DEGRADED_WITHOUT:
            checks[name] = "unavailable (degraded)"
            degraded.append(name)
        else:
            checks[name] = problem or "ok"
            if problem:
                failed.append(name)
    if failed + degraded != _last_problems:
        if failed:
            logger.warning("Not ready: %s", "; ".join(f"{n}: {checks[n]}" for n in failed))
        if degraded:
            logger.warning("Ready, degraded: %s unavailable", ", ".join(degraded))
        if not failed and not degraded:
            logger.info("Ready again")
        _last_problems[:] = failed + degraded
    if failed:
        body = {"status": "unavailable", "failed": failed, "checks": checks}
        return JsonResponse(body, status=503)
    return JsonResponse({"status": "degraded" if degraded else "ok", "checks": checks})
