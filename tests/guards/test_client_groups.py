"""Per-address limits count an IPv6 client by its /64 (a host is given a whole /64 and may use
any address in it) and an IPv4 client by its address: one function, guards.clients.client_group,
for comments, linkbacks, the login throttle, sign-up, password reset, IndieAuth and the API."""

import ipaddress
import re
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from comments.models import Comment
from guards.clients import client_group
from tests.factories import comment_form_data, make_article

ROOT = Path(__file__).resolve().parents[2]
# A /64 that is not ::/64, where IPv4-mapped addresses (IPv4 clients) live.
prefixes = st.integers(min_value=1, max_value=2**64 - 1)
hosts = st.integers(min_value=0, max_value=2**64 - 1)
HYPOTHESIS = hypothesis_settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def within_and_across(count: int):
    """`count` addresses in one /64 (a prefix and hosts), and `count` each in a /64 of its own."""
    return given(
        prefix=prefixes,
        within=st.lists(hosts, min_size=count, max_size=count, unique=True),
        across=st.lists(
            st.tuples(prefixes, hosts), min_size=count, max_size=count, unique_by=lambda p: p[0]
        ),
    )


def ipv6(prefix: int, host: int) -> str:
    return str(ipaddress.IPv6Address(prefix << 64 | host))


def group_of(address: str) -> str:
    return client_group(RequestFactory().get("/", REMOTE_ADDR=address))


def one_client(address: ipaddress.IPv4Address | ipaddress.IPv6Address):
    """Who a limit should count, worked out independently of client_group."""
    if address.version == 6 and address.ipv4_mapped is not None:
        return ("v4", int(address.ipv4_mapped))
    if address.version == 6:
        return ("v6", int(address) >> 64)
    return ("v4", int(address))


@hypothesis_settings(max_examples=300)
@given(st.ip_addresses(), st.ip_addresses())
def test_two_addresses_share_a_group_exactly_when_they_are_one_client(a, b):
    assert (group_of(str(a)) == group_of(str(b))) == (one_client(a) == one_client(b))
    # The group is an address itself (it is stored where an address goes: the login throttle's).
    ipaddress.ip_address(group_of(str(a)))


@pytest.mark.django_db
@HYPOTHESIS
@within_and_across(10)
def test_comments_from_one_64_are_counted_together(client, settings, prefix, within, across):
    settings.COMMENTS_RATE_LIMIT = 5
    cache.clear()
    article = make_article()
    url = reverse("comments:post", kwargs=article.url_kwargs())
    statuses = [
        client.post(url, comment_form_data(article, body=f"c{n}"), REMOTE_ADDR=ipv6(prefix, host))
        for n, host in enumerate(within)
    ]
    assert [r.status_code for r in statuses] == [302] * 5 + [429] * 5
    assert Comment.objects.filter(article=article).count() == 5
    cache.clear()
    others = [
        client.post(url, comment_form_data(article, body=f"o{n}"), REMOTE_ADDR=ipv6(*where))
        for n, where in enumerate(across)
    ]
    assert [r.status_code for r in others] == [302] * 10


@pytest.mark.django_db
@HYPOTHESIS
@within_and_across(8)
def test_failed_logins_from_one_64_are_counted_together(client, prefix, within, across):
    AccessAttempt.objects.all().delete()

    def fail(n, address):
        data = {"login": f"guess{n}", "password": "wrong-password"}
        return client.post("/accounts/login/", data, REMOTE_ADDR=address).status_code

    assert [fail(n, ipv6(prefix, host)) for n, host in enumerate(within)] == [200] * 4 + [429] * 4
    AccessAttempt.objects.all().delete()
    assert [fail(n, ipv6(*where)) for n, where in enumerate(across)] == [200] * 8


def test_every_per_address_limit_counts_by_client_group():
    """No limit keys on the bare address: `client_ip` is for what is stored and shown."""
    tops = [d for d in ROOT.iterdir() if d.is_dir() and d.name[0] not in "._" and d.name != "tests"]
    sources = [path for top in tops for path in top.rglob("*.py")]
    assert len(sources) > 50
    by_address = re.compile(r"f\"ip:\{client_ip\(")
    assert [str(p) for p in sources if by_address.search(p.read_text())] == []
