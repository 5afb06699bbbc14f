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

Mail waits for its server for days, not minutes (`retry_mail`: MAIL_RETRY_DAYS, with delays
capped at MAIL_RETRY_MAX_DELAY seconds), and every run of one job (a retry, or the same task
queued again after its worker died) sends the same `Message-ID` (`job_message_id`): where the
worker cannot know whether the server took a message, mail systems drop the copy.
"""

import functools
import logging
import smtplib
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import make_msgid
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# The keyword carrying the attempt number between runs (stored with the queued task).
ATTEMPT_KWARG = "retry_attempt"
# Carried by the retries of a task that retries for a time (`give_up_after`): the first attempt's
# task id (the job's identity: its mail's Message-ID) and when it ran (the job's deadline).
JOB_KWARG = "retry_of"
SINCE_KWARG = "retry_since"

# The task this worker runs now (its result's id), and the job it belongs to.
_running_task_id: ContextVar[str | None] = ContextVar("running_task_id", default=None)
_running_job_id: ContextVar[str | None] = ContextVar("running_job_id", default=None)


def task_started_note(sender, task_result, **kwargs) -> None:
    """Connected to `task_started`: remember which task runs (its mail's identity)."""
    _running_task_id.set(str(task_result.id))


def task_finished_note(sender, task_result, **kwargs) -> None:
    """Connected to `task_finished`: no task runs any more."""
    _running_task_id.set(None)


def job_message_id(part: int = 0) -> str:
    """The `Message-ID` of mail number `part` sent by the running job: the same on every run of
    it (a retry, the task queued again, any worker). Outside a task, a new one."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    if ":" in domain:  # an IPv6 literal is written in brackets (RFC 5322's no-fold-literal)
        domain = f"[{domain}]"
    job = _running_job_id.get() or _running_task_id.get()
    if job is None:
        return make_msgid(domain=domain)
    return f"<{job}.{part}@{domain}>"


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


def _value(setting: float | Callable[[], float]) -> float:
    return setting() if callable(setting) else setting


def retry_with_backoff(
    *,
    attempts: int | None = 5,
    on: tuple[type[BaseException], ...] = TRANSIENT_ERRORS,
    base_delay: float = 30,
    max_delay: float | Callable[[], float] = 3600,
    give_up_after: float | Callable[[], float] | None = None,
    final: Callable[[BaseException], bool] = lambda error: False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Make a task function queue itself again after a transient error, up to `attempts` runs,
    or (with `give_up_after`, in seconds) while the next run is due within that time of the
    first. `max_delay` and `give_up_after` may be functions, read at each run (settings).
    `final(error)` marks errors of those kinds that no retry can mend (a mail server's 5xx)."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            attempt = kwargs.pop(ATTEMPT_KWARG, 1)
            job = kwargs.pop(JOB_KWARG, None) or _running_task_id.get()
            since = kwargs.pop(SINCE_KWARG, None) or timezone.now().isoformat()
            running_job = _running_job_id.set(job)
            try:
                return func(*args, **kwargs)
            except on as error:
                # `@task` wrapped this function under the same name: that Task queues the retry.
                task = import_string(f"{func.__module__}.{func.__qualname__}")
                delay = retry_delay(attempt, base_delay=base_delay, max_delay=_value(max_delay))
                delay = max(delay, getattr(error, "retry_after", 0))
                run_after = timezone.now() + timedelta(seconds=delay)
                if give_up_after is None:
                    last = attempt >= attempts
                    carried = {}
                else:
                    deadline = datetime.fromisoformat(since) + timedelta(
                        seconds=_value(give_up_after)
                    )
                    last = run_after > deadline
                    carried = {JOB_KWARG: job, SINCE_KWARG: since}
                if last or final(error) or not task.get_backend().supports_defer:
                    raise
                retry = task.using(run_after=run_after).enqueue(
                    *args, **kwargs, **{ATTEMPT_KWARG: attempt + 1}, **carried
                )
                logger.warning(
                    "Task %s failed (attempt %s%s: %s); trying again at %s",
                    task.name,
                    attempt,
                    "" if attempts is None else f" of {attempts}",
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
            finally:
                _running_job_id.reset(running_job)

        return run

    return decorate


def mail_refused_for_good(error: BaseException) -> bool:
    """A 5xx from the mail server refuses this message for good (RFC 5321 4.2.1): a mailbox that
    does not exist, a message it will not take. Its login refused stays worth retrying: that is
    the site's configuration, which an operator mends while the mail waits."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return False
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def retry_mail(func: Callable[..., Any]) -> Callable[..., Any]:
    """For a task that sends mail: it waits for the mail server for MAIL_RETRY_DAYS, trying again
    at most every MAIL_RETRY_MAX_DELAY seconds; only then, or at once when the server refuses
    the message for good (a 5xx), does it fail (shown on the desk)."""
    return retry_with_backoff(
        attempts=None,
        max_delay=lambda: settings.MAIL_RETRY_MAX_DELAY,
        give_up_after=lambda: settings.MAIL_RETRY_DAYS * 86400,
        final=mail_refused_for_good,
    )(func)
