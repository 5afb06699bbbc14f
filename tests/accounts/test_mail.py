"""Account mail: every message the site sends has a plain-text and an HTML body, and is written
by the worker (the request queues ids, never a link)."""

import pytest
from django.template.loader import get_template

from accounts.mail import render_account_mail

PREFIXES = [
    "account/email/email_confirmation",
    "account/email/email_confirmation_signup",
    "account/email/password_reset_key",
    "account/email/account_already_exists",
]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_account_mail_has_text_and_html(prefix):
    for part in ("subject.txt", "message.txt", "message.html"):
        get_template(f"{prefix}_{part}")
    mail = render_account_mail(prefix, "ana@example.com", {
        "activate_url": "http://testserver/accounts/confirm-email/KEY/",
        "password_reset_url": "http://testserver/accounts/password/reset/key/1-KEY/",
    })  # fmt: skip
    assert mail.subject.startswith("[Newsroom] ") and "\n" not in mail.subject
    assert mail.to == ["ana@example.com"]
    [(html, mimetype)] = mail.alternatives
    assert mimetype == "text/html" and html.startswith("<!doctype html>")
    assert "http://testserver/accounts/" in mail.body and "http://testserver/accounts/" in html


def test_a_mail_without_an_html_template_still_goes_out_as_text(tmp_path, settings, caplog):
    folder = tmp_path / "templates" / "x"
    folder.mkdir(parents=True)
    (folder / "note_subject.txt").write_text("Note")
    (folder / "note_message.txt").write_text("Plain only.")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates"]}]
    mail = render_account_mail("x/note", "ana@example.com", {})
    assert mail.body == "Plain only." and mail.alternatives == []
    assert "no HTML template" in caplog.text
