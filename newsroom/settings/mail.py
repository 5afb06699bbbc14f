"""Outgoing mail, configured by one EMAIL_URL."""

from .base import DEBUG, env

# Django 6.1 configures mail as MAILERS; EMAIL_URL (smtp://, smtp+tls://, consolemail://, ...)
# is read by django-environ and translated to the matching backend's options.
_mail = env.email_url("EMAIL_URL", default="consolemail://")
_mail_options = {
    "host": _mail.get("EMAIL_HOST"),
    "port": _mail.get("EMAIL_PORT"),
    "username": _mail.get("EMAIL_HOST_USER"),
    "password": _mail.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _mail.get("EMAIL_USE_TLS"),
    "use_ssl": _mail.get("EMAIL_USE_SSL"),
    "file_path": _mail.get("EMAIL_FILE_PATH"),
}
_mail_backend = _mail["EMAIL_BACKEND"]
# With DEBUG, printed readable (decoded, links whole); without it, Django's own backend, which
# the deploy check names as development-only (mail.E001).
if DEBUG and _mail_backend == "django.core.mail.backends.console.EmailBackend":
    _mail_backend = "operations.mail.ConsoleEmailBackend"
if not _mail_backend.endswith("smtp.EmailBackend"):
    _mail_options = (
        {"file_path": _mail_options["file_path"]} if "filebased" in _mail_backend else {}
    )
MAILERS = {
    "default": {
        "BACKEND": _mail_backend,
        "OPTIONS": {key: value for key, value in _mail_options.items() if value not in (None, "")}
        # A silent mail server costs the worker this long, never a reader's request.
        | (
            {"timeout": env.float("EMAIL_TIMEOUT", default=10)}
            if _mail_backend.endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="newsroom@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Mail waits for its server this many days (trying again at most every MAIL_RETRY_MAX_DELAY
# seconds) before it fails for good, on the desk.
MAIL_RETRY_DAYS = env.float("MAIL_RETRY_DAYS", default=3)
MAIL_RETRY_MAX_DELAY = env.float("MAIL_RETRY_MAX_DELAY", default=600)
