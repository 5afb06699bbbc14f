"""What a real WordPress 6.1.9 served and answered (recorded on this machine from Debian's
`wordpress` package, tests/linkbacks/fixtures/wordpress-6.1.9/), read as the newsroom reads it."""

import pytest

from linkbacks import pingback, trackback
from linkbacks.answers import SendOutcome
from linkbacks.discovery import PINGBACK, Endpoint, discover
from linkbacks.fetching import FetchResult
from tests.linkbacks.pages import recorded


def answer(name):
    status, headers, body = recorded(f"wordpress-6.1.9/{name}")
    return FetchResult(url="https://blog.example/", status=status, headers=headers, body=body)


def test_a_real_wordpress_post_offers_pingback_and_no_rdf():
    _, headers, body = recorded("wordpress-6.1.9/post")
    assert b"rdf:RDF" not in body
    post = "https://blog.example/2026/11/30/the-budget-seen-from-the-harbour/"
    assert discover(body.decode(), headers, post) == Endpoint(
        PINGBACK, "https://blog.example/xmlrpc.php"
    )
    del headers["x-pingback"]
    assert discover(body.decode(), headers, post).url == "https://blog.example/xmlrpc.php"


@pytest.mark.parametrize(
    ("name", "outcome", "message"),
    [
        (
            "pingback_accepted",
            SendOutcome.SENT,
            "Pingback from https://news.example/2026/11/30/lights-and-nights/ to "
            "https://blog.example/2026/11/30/harbour-lights/ registered. Keep the web talking! :-)",
        ),
        # WordPress hides why it refuses a pingback (the source does not link to the post, say).
        ("pingback_fault_0", SendOutcome.REFUSED, "fault 0: "),
        (
            "pingback_fault_48",
            SendOutcome.SENT,
            "fault 48: The pingback has already been registered.",
        ),
        (
            "pingback_fault_429",
            SendOutcome.UNREACHABLE,
            "fault 429: You are posting comments too quickly. Slow down.",
        ),
    ],
)
def test_real_wordpress_pingback_answers(name, outcome, message):
    assert pingback.read_answer(answer(name)) == (outcome, message)


@pytest.mark.parametrize(
    ("name", "outcome", "message"),
    [
        ("trackback_accepted", SendOutcome.SENT, ""),
        (
            "trackback_already",
            SendOutcome.REFUSED,
            "There is already a ping from that URL for this post.",
        ),
        # HTTP 429 and a wp_die <error> document, no Retry-After: tried again later.
        (
            "trackback_429",
            SendOutcome.UNREACHABLE,
            "HTTP 429: You are posting comments too quickly. Slow down.",
        ),
    ],
)
def test_real_wordpress_trackback_answers(name, outcome, message):
    assert trackback.read_answer(answer(name)) == (outcome, message)
