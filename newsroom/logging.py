import logging
import re

PERSONAL_PING_URL = re.compile(r"(/trackback/)[^/\s\"'?#]+")


class RedactTrackbackTokens(logging.Filter):
    """Personal ping URLs carry a secret token: never write it to a log in clear."""

    def filter(self, record):
        message = record.getMessage()
        redacted = PERSONAL_PING_URL.sub(r"\1[redacted]", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
