"""Retries with backoff for background tasks: a passing fault costs a later attempt, not the work.

    @task
    @retry_with_backoff(attempts=5)
    def notify_moderators(comment_id: int) -> None: ...

When the task raises a transient error (OSError: refused or timed-out connections, SMTP errors;
the database's OperationalError or InterfaceError: a lost connection, a restart, a deadlock; or
`TransientError`, raised by a task that judged its own outcome passing), the worker queues
the same task again to run 30 s, 60 s, 120 s... later (capped at `max_delay`; later still when a
`TransientError` carries the wait the other side asked for), and records this
attempt as finished with a note of the error and the next attempt. The last attempt's error is
raised, so it is recorded as FAILED and shows on the admin desk. Any other exception fails at
once. A backend that cannot defer work (the immediate one in tests) gets the error at once too.
"""

import functools
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# The keyword carrying the attempt number between runs (stored with the queued task).
ATTEMPT_KWARG = "retry_attempt"


class TransientError(Exception):
    """Raised by a task whose failure may pass: try it again later (not before `retry_after`
    seconds, when the other side said how long to wait)."""

    def __init__(self, message: str = "", *, retry_after: float = 0):
        super().__init__(message)
        self.retry_after = retry_after


# What may pass by itself: the network, the mail server, the database.
TRANSIENT_ERRORS = (TransientError, OSError, OperationalError, InterfaceError)


def retry_delay(attempt: int, *, base_delay: float, max_delay: float) -> float:
    """Seconds to wait after failed attempt number `attempt` (1, 2, ...): doubling, capped."""
    return min(base_delay * 2 ** (attempt - 1), max_delay)


def retry_with_backoff(
    *,
    attempts: int = 5,
    on: tuple[type[BaseException], ...] = TRANSIENT_ERRORS,
    base_delay: float = 30,
    max_delay: float = 3600,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Make a task function queue itself again after a transient error, up to `attempts` runs."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            attempt = kwargs.pop(ATTEMPT_KWARG, 1)
            try:
                return func(*args, **kwargs)
            except on as error:
                # `@task` wrapped this function under the same name: that Task queues the retry.
                task = import_string(f"{func.__module__}.{func.__qualname__}")
                if attempt >= attempts or not task.get_backend().supports_defer:
                    raise
                delay = retry_delay(attempt, base_delay=base_delay, max_delay=max_delay)
                delay = max(delay, getattr(error, "retry_after", 0))
                run_after = timezone.now() + timedelta(seconds=delay)
                retry = task.using(run_after=run_after).enqueue(
                    *args, **kwargs, **{ATTEMPT_KWARG: attempt + 1}
                )
                logger.warning(
                    "Task %s failed (attempt %s of %s: %s); trying again at %s",
                    task.name,
                    attempt,
                    attempts,
                    error,
                    run_after.isoformat(),
                )
                return {
                    "retried": True,
                    "attempt": attempt,
                    "error": f"{type(error).__name__}: {error}",
                    "next_attempt": retry.id,
                    "run_after": run_after.isoformat(),
                }

        return run

    return decorate
