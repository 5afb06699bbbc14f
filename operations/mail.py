"""Development mail (`EMAIL_URL=consolemail://`, the default): printed for a person to read.

Django's console backend prints the MIME source: quoted-printable text whose soft line breaks cut
a verification link in two. This one prints the headers, then the text part as written, each
mail in one write so that the server's request lines cannot land inside it.
"""

from django.core.mail.backends.console import EmailBackend

RULE = "-" * 79


def readable_mail(message) -> str:
    """The mail as a person reads it: headers, the text part decoded, what else it carries."""
    headers = {
        "From": message.from_email,
        "To": ", ".join(message.to),
        "Cc": ", ".join(message.cc),
        "Bcc": ", ".join(message.bcc),
        "Reply-To": ", ".join(message.reply_to),
        "Subject": message.subject,
    }
    lines = [f"{RULE}\nMail (development: printed here, not sent)"]
    lines += [f"{name}: {value}" for name, value in headers.items() if value]
    extras = [mimetype for _content, mimetype in getattr(message, "alternatives", [])]
    extras += [_attachment_name(attachment) for attachment in message.attachments]
    if extras:
        lines.append(f"Also in it: {', '.join(extras)}")
    body = message.body if isinstance(message.body, str) else message.body.decode()
    return "\n".join([*lines, "", body.rstrip(), RULE, ""])


def _attachment_name(attachment) -> str:
    filename = getattr(attachment, "filename", None)
    if filename is None and isinstance(attachment, tuple):
        filename = attachment[0]
    return f"attachment {filename or '(unnamed)'}"


class ConsoleEmailBackend(EmailBackend):
    """Writes each mail readable, whole, in one write (Django's backend flushes after it)."""

    def write_message(self, message):
        self.stream.write(readable_mail(message))
