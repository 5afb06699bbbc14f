import re
import time

import pytest
from django.core import mail

from tests.factories import make_article


@pytest.fixture
def article(db):
    return make_article(title="Harbour reopens", slug="harbour-reopens")


def signup_data(**fields):
    """What the sign-up form sends, rendered long enough ago to pass the timing check."""
    from accounts.forms import signup_stamp

    return {
        "display_name": "Ana Blogger",
        "email": "ana@example.com",
        "username": "ana",
        "password1": "a-long-passphrase-9",
        "password2": "a-long-passphrase-9",
        "blog_url": "https://ana.example/",
        "website": "",
        "rendered": signup_stamp(at=time.time() - 10),
        **fields,
    }


def link_in(message, pattern=r"http://testserver(/accounts/\S+?/)(?=\s|$)"):
    """The first site link in a mail's plain text, as a path."""
    return re.search(pattern, message.body, re.MULTILINE)[1]


def outbox_to(address):
    return [m for m in mail.outbox if address in m.to]
