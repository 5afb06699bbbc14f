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
    mail = render_account_mail(
        prefix,
        "ana@example.com",
        {
            "activate_url": "http://testserver/accounts/confirm-email/KEY/",
            "password_reset_url": "http://testserver/accounts/password/reset/key/1-KEY/",
        },
    )
    assert mail.subject.startswith("[Newsroom] ") and "\n" not in mail.subject
    assert mail.to == ["ana@example.com"]
    [(html, mimetype)] = mail.alternatives
    assert mimetype == "text/html" and html.startswith("<!doctype html>")
    assert "http://testserver/accounts/" in mail.body and "http://testserver/accounts/" in html


def test_allauths_text_only_notices_get_the_sites_html_layout():
    mail = render_account_mail(
        "mfa/email/totp_activated",
        "ana@example.com",
        {
            "ip": "203.0.113.5",
            "user_agent": "Firefox",
            "timestamp": "2026-11-30 10:00 UTC",
        },
    )
    [(html, _)] = mail.alternatives
    assert "203.0.113.5" in mail.body and "203.0.113.5" in html
    assert html.startswith("<!doctype html>") and "Newsroom" in html
