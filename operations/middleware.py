"""A database outage answers 503 with Retry-After instead of a 500."""

import logging

from django.db import InterfaceError, OperationalError

from .errors import error_page

logger = logging.getLogger(__name__)

# How long crawlers and clients are asked to wait before retrying during a database outage.
DATABASE_RETRY_AFTER = 30


class DatabaseOutageMiddleware:
    """Answer 503 with Retry-After when the database cannot be reached, instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        # One line, no traceback: during an outage every request comes through here.
        logger.error("Database unavailable, answered 503: %s", str(exception).strip())
        return error_page(503, retry_after=DATABASE_RETRY_AFTER)
