"""Log filters: secrets in URLs never reach a log in clear, and noise stays one line."""

import logging
import re
from urllib.parse import unquote

SECRETS_IN_URLS = [
    # allauth's reset links: /accounts/password/reset/key/<uidb36>-<key>/ (after the first visit
    # the key is swapped for the constant `set-password`, as Django does).
    (
        re.compile(
            r"(/password/reset/key/[^/\s\"'?#-]+-)(?!set-password(?:[/\s\"'?#]|$))[^/\s\"'?#]+"
        ),
        r"\1[redacted]",
    ),
    # Personal ping URLs: <story>/trackback/<token>/.
    (re.compile(r"(/trackback/)[^/\s\"'?#]+", re.IGNORECASE), r"\1[redacted]"),
    # Password-reset links: /accounts/reset/<uidb64>/<token>/. Django swaps the token for the
    # constant `set-password` after the first visit; that form carries no secret and stays.
    (
        re.compile(r"(/reset/(?!key/)[^/\s\"'?#]+/)(?!set-password(?:[/\s\"'?#]|$))[^/\s\"'?#]+"),
        r"\1[redacted]",
    ),
    # Email verification links: /accounts/confirm-email/<key>/.
    (re.compile(r"(/confirm-email/)[^/\s\"'?#]+"), r"\1[redacted]"),
    # IndieAuth's answer: /accounts/indieauth/callback/?code=...&state=...
    (re.compile(r"([?&](?:code|state)=)[^&\s\"'#]+"), r"\1[redacted]"),
    # A personal token's own shape, wherever it appears (a header, a percent-encoded path).
    (re.compile(r"\btb_[0-9a-f]{40}", re.IGNORECASE), "tb_[redacted]"),
]


# Kept encoded when a line is decoded: a %0A must not start a forged log line.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def redact_secrets(message: str) -> str:
    """Replace the secret part of every personal ping or password-reset URL in `message`."""
    redacted = _redact(message)
    if "%" in redacted:
        # Django routes the decoded path (/%74rackback%2F<token>/ is a ping URL), so look there
        # too; a line hiding a secret that way is logged decoded.
        decoded = unquote(redacted)
        if _redact(decoded) != decoded:
            decoded = CONTROL_CHARACTERS.sub(lambda m: f"%{ord(m.group()):02X}", decoded)
            return _redact(decoded)
    return redacted


def _redact(text: str) -> str:
    for pattern, replacement in SECRETS_IN_URLS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """Personal ping URLs and password-reset links carry secrets: never log them in clear."""

    def filter(self, record):
        message = record.getMessage()
        redacted = redact_secrets(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


class OneLine(logging.Filter):
    """Drop the traceback: a refusal every scanner on the internet triggers is one line."""

    def filter(self, record):
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True
