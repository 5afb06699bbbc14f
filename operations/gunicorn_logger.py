"""gunicorn's logs, with secrets in URLs redacted as in Django's own logs."""

from gunicorn.glogging import Logger

from .logging import RedactSecrets


class RedactingLogger(Logger):
    """gunicorn's logger whose access and error logs pass through RedactSecrets."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            if not any(isinstance(f, RedactSecrets) for f in log.filters):
                log.addFilter(RedactSecrets())
