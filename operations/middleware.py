"""A database outage answers 503 with Retry-After instead of a 500, logged in one line."""

import logging
import sys

from django.db import InterfaceError, OperationalError

from .errors import error_page

logger = logging.getLogger(__name__)

# How long crawlers and clients are asked to wait before retrying during a database outage.
DATABASE_RETRY_AFTER = 30


def database_outage(exception: BaseException | None) -> bool:
    return isinstance(exception, OperationalError | InterfaceError)


# A statement cancelled by statement_timeout, or a deadlock: the database answered, and the
# query or the locking is what to mend, so these keep their traceback in the log.
STATEMENT_FAILURES = {"57014", "40P01"}


def outage_page(exception: BaseException):
    """The 503 of a database outage, and its one log line (no traceback: every request of the
    outage comes here)."""
    if getattr(exception.__cause__, "sqlstate", None) in STATEMENT_FAILURES:
        logger.error("Database statement failed, answered 503", exc_info=exception)
    else:
        logger.error("Database unavailable, answered 503: %s", str(exception).strip())
    response = error_page(503, retry_after=DATABASE_RETRY_AFTER)
    response._has_been_logged = True  # Django's own "Service Unavailable" line would be a second
    return response


class DatabaseOutageMiddleware:
    """Answer 503 with Retry-After when a view cannot reach the database, instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return outage_page(exception) if database_outage(exception) else None


def server_error(request):
    """handler500: a middleware that met the outage (sessions, the admin's second factor, any
    reading `request.user`) raised outside the views' reach; that is a 503 too, not a 500."""
    exception = sys.exc_info()[1]
    if database_outage(exception):
        return outage_page(exception)
    return error_page(500)
