"""Sign in with your own website (IndieAuth) against a local IndieAuth server."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.indieauth import IndieAuthError, canonical_me
from accounts.models import Profile
from linkbacks.models import VerifiedSite
from linkbacks.verify import verified_site_for
from tests.accounts.indieauth_server import IndieAuthServer
from tests.factories import make_user

pytestmark = pytest.mark.django_db

START = "/accounts/indieauth/"


@pytest.fixture
def local_sites(settings):
    """Fetching 127.0.0.1 (and profile URLs with a port) is allowed, as in development."""
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True


@pytest.fixture
def server(local_sites):
    with IndieAuthServer() as running:
        yield running


def sign_in(client, server, typed=None):
    """Type the site's address, approve at its endpoint, come back: the callback's answer."""
    start = client.post(START, {"me": typed or server.me})
    assert start.status_code == 302, start.content.decode()[-1500:]
    assert start["Location"].startswith(server.url("/auth?"))
    callback = urlsplit(server.approve(start["Location"]))
    assert callback.netloc == "testserver" and callback.path == reverse(
        "accounts:indieauth_callback"
    )
    return client.get(f"{callback.path}?{callback.query}")


# `me` canonicalisation (IndieAuth §3.2-3.4) --------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("example.com", "https://example.com/"),
        ("  Example.COM  ", "https://example.com/"),
        ("HTTP://Example.com", "http://example.com/"),
        ("https://example.com/~alice", "https://example.com/~alice"),
        ("https://example.com/users/alice/", "https://example.com/users/alice/"),
        ("https://example.com/?u=alice", "https://example.com/?u=alice"),
        ("https://bücher.example/", "https://xn--bcher-kva.example/"),
        ("https://example.com./", "https://example.com/"),
    ],
)
def test_profile_urls_are_canonicalised(typed, canonical):
    assert canonical_me(typed) == canonical


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "ftp://example.com/",
        "javascript:alert(1)",
        "https://user:pw@example.com/",
        "https://example.com/#me",
        "https://example.com:8443/",
        "https://127.0.0.1/",
        "https://[::1]/",
        "https://localhost/",
        "https://example.com/a/../b",
        "https://example.com/./",
        "https://exa mple.com/",
        "https://" + "a" * 600 + ".com/",
        "․0",
        "https://a..b/",
        "https://-a.example/",
        "https://a_b.example/",
    ],
)
def test_what_is_not_a_profile_url_is_refused(typed):
    with pytest.raises(IndieAuthError):
        canonical_me(typed)


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    typed=st.one_of(
        st.text(max_size=80),
        st.from_regex(
            r"(https?://)?[a-zA-Z0-9.-]{1,30}"
            r"(:[0-9]{1,5})?(/[^#\s]{0,20})?"
        ),
    )
)
def test_canonical_profile_urls_are_stable_and_clean(typed):
    try:
        me = canonical_me(typed)
    except IndieAuthError:
        return
    assert canonical_me(me) == me
    parts = urlsplit(me)
    assert parts.scheme in ("http", "https") and parts.path.startswith("/")
    assert parts.port is None and not parts.fragment and parts.username is None
    assert parts.hostname == parts.hostname.lower() and "." in parts.hostname


# The sign-in ----------------------------------------------------------------------------------


def test_a_blogger_signs_in_with_their_site_and_gets_an_account_tied_to_it(client, server):
    response = sign_in(client, server)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:home")
    site = VerifiedSite.objects.get()
    assert site.origin == server.me.removesuffix("/") and site.is_verified
    user = site.user
    assert client.session["_auth_user_id"] == str(user.pk)
    assert not user.has_usable_password() and user.email == ""
    assert Profile.objects.get(user=user).blog_url == server.me
    # The request asked for PKCE S256 and named this site as the client.
    asked = parse_qs(urlsplit(server.requests[-2][1]).query)
    assert asked["client_id"] == ["http://testserver/"]
    assert asked["code_challenge_method"] == ["S256"] and asked["me"] == [server.me]
    page = client.get(reverse("accounts:home")).content.decode()
    assert server.me in page and "Verified sites" in page

    # Signing in again finds the same account.
    client.post(reverse("account_logout"))
    sign_in(client, server)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert get_user_model().objects.count() == 1


def test_the_address_may_be_typed_without_its_path(client, server):
    typed = server.me.removesuffix("/")
    assert sign_in(client, server, typed=typed).status_code == 302
    assert VerifiedSite.objects.get().origin == server.me.removesuffix("/")


def test_the_older_authorization_endpoint_link_works_too(client, local_sites):
    with IndieAuthServer(metadata=False) as server:
        assert sign_in(client, server).status_code == 302
    assert VerifiedSite.objects.get().origin == server.me.removesuffix("/")


def test_a_logged_in_reader_adds_a_verified_site_to_their_account(client, server):
    reader = make_user("reader")
    client.force_login(reader)
    assert sign_in(client, server).status_code == 302
    assert VerifiedSite.objects.get().user == reader
    assert get_user_model().objects.count() == 1


def test_a_mismatched_me_is_refused(client, server):
    server.returned_me = "https://someone-else.example/"
    response = sign_in(client, server)
    assert response.status_code == 400
    assert b"does not match the website you entered" in response.content
    assert "_auth_user_id" not in client.session
    assert not VerifiedSite.objects.exists() and not get_user_model().objects.exists()


def test_a_me_on_the_same_site_with_another_endpoint_is_refused(client, local_sites):
    with IndieAuthServer() as server:
        # /bob/ is on the same host but names no endpoint (404): it cannot be vouched for (nor
        # is a page under a site ever a site: see the test below).
        server.returned_me = server.url("/bob/")
        response = sign_in(client, server)
    assert response.status_code == 400 and not VerifiedSite.objects.exists()


def test_an_answer_without_our_state_or_from_another_issuer_is_refused(client, server):
    start = client.post(START, {"me": server.me})
    callback = urlsplit(server.approve(start["Location"]))
    answer = parse_qs(callback.query)
    forged = client.get(callback.path, {"code": answer["code"][0], "state": "forged"})
    assert forged.status_code == 400 and b"not started here" in forged.content
    # The state is spent by any answer: the real one cannot be replayed after it either.
    replay = client.get(f"{callback.path}?{callback.query}")
    assert replay.status_code == 400

    start = client.post(START, {"me": server.me})
    answer = parse_qs(urlsplit(server.approve(start["Location"])).query)
    other_issuer = client.get(
        callback.path,
        {"code": answer["code"][0], "state": answer["state"][0], "iss": "https://evil.example/"},
    )
    assert other_issuer.status_code == 400 and b"another issuer" in other_issuer.content
    assert not VerifiedSite.objects.exists()


def test_a_code_the_endpoint_does_not_vouch_for_is_refused(client, server):
    start = client.post(START, {"me": server.me})
    answer = parse_qs(urlsplit(server.approve(start["Location"])).query)
    server.codes.clear()  # the endpoint forgot it (or never issued it)
    response = client.get(
        reverse("accounts:indieauth_callback"),
        {"code": answer["code"][0], "state": answer["state"][0], "iss": answer["iss"][0]},
    )
    assert response.status_code == 400 and b"refused the sign-in" in response.content
    assert not VerifiedSite.objects.exists()


def test_sites_that_name_no_endpoint_or_cannot_be_reached_are_form_errors(client, server):
    server.routes["/"] = (200, {"Content-Type": "text/html"}, b"<p>no links</p>")
    response = client.post(START, {"me": server.url("/")})
    assert response.status_code == 200 and b"does not name an IndieAuth" in response.content
    del server.routes["/"]
    response = client.post(START, {"me": server.url("/")})
    assert response.status_code == 200 and b"answered HTTP 404" in response.content


def test_private_addresses_are_refused_in_production(client, settings):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = False
    with IndieAuthServer() as server:
        response = client.post(START, {"me": server.me})
    assert response.status_code == 200 and b"cannot contain a port" in response.content
    assert server.requests == []  # never fetched


def test_a_site_proved_by_indieauth_vouches_for_its_pages(client, server):
    """The verified-site rule of the linkbacks: pages on the proved site are its owner's."""
    sign_in(client, server)
    owner = VerifiedSite.objects.get().user
    assert verified_site_for(server.url("/2026/a-post/")).user == owner
    assert verified_site_for("https://elsewhere.example/post/") is None


def test_proving_a_page_under_a_site_does_not_sign_in_as_the_sites_owner(local_sites):
    """Accounts and verified sites are per origin: proving https://host/~mallory/ (a page on a
    shared host, with its own endpoint) must not open the account that proved the host."""
    from django.test import Client

    with IndieAuthServer() as host, IndieAuthServer() as mallorys:
        alice_client, mallory_client = Client(), Client()
        sign_in(alice_client, host)
        alice = get_user_model().objects.get()
        # Mallory's page on the shared host names her own authorization endpoint.
        host.routes["/~mallory/"] = mallorys._profile
        mallorys.returned_me = host.url("/~mallory/")
        start = mallory_client.post(START, {"me": host.url("/~mallory/")})
        if start.status_code == 302:  # sent to her endpoint, which approves; back here
            callback = urlsplit(mallorys.approve(start["Location"]))
            mallory_client.get(f"{callback.path}?{callback.query}")
        assert mallory_client.session.get("_auth_user_id") != str(alice.pk)
        assert b"home page" in mallory_client.post(START, {"me": host.url("/~mallory/")}).content
        assert (
            not VerifiedSite.objects.exclude(user=alice)
            .filter(origin=host.url("/").removesuffix("/"))
            .exists()
        )


def test_an_account_with_a_second_factor_is_not_opened_by_its_site_alone(client, server):
    """Signing in with one's site replaces the password, never the second factor: an account
    that enrolled one logs in with its password and code (the site stays verified)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    reader = make_user("reader")
    client.force_login(reader)
    assert sign_in(client, server).status_code == 302  # adds the site to the account
    TOTP.activate(reader, generate_totp_secret())
    client.logout()
    response = sign_in(client, server)
    assert "_auth_user_id" not in client.session
    assert response.status_code == 400 and b"second factor" in response.content
    assert VerifiedSite.objects.get().user == reader


def test_closed_sign_up_makes_no_account_through_indieauth_either(client, server, settings):
    """ACCOUNTS_SIGNUP_OPEN off closes every way to a new account; existing ones still sign in."""
    settings.ACCOUNTS_SIGNUP_OPEN = False
    response = sign_in(client, server)
    assert response.status_code == 400 and b"Sign-up is closed" in response.content
    assert not get_user_model().objects.exists() and not VerifiedSite.objects.exists()
    assert "_auth_user_id" not in client.session
    settings.ACCOUNTS_SIGNUP_OPEN = True
    assert sign_in(client, server).status_code == 302
    client.post(reverse("account_logout"))
    settings.ACCOUNTS_SIGNUP_OPEN = False
    assert sign_in(client, server).status_code == 302 and "_auth_user_id" in client.session


def test_an_unverified_account_plants_no_way_back_in(client, server):
    """Pre-hijacking: someone signs up with another person's address (unverified), adds their
    own site, a token or a site to check; the owner later takes the account over by a password
    reset. Nothing that opens the account, or speaks for it, may be added before the address is
    verified."""
    from linkbacks.models import TrackbackToken

    squatter = make_user("squatter", email="victim@example.com", email_verified=False)
    client.force_login(squatter)
    response = sign_in(client, server)
    assert response.status_code == 400 and b"Verify your email first" in response.content
    client.post(reverse("accounts:tokens"), {"name": "mine"})
    client.post(reverse("linkbacks:sites"), {"site": "https://squatter.example/"})
    assert not VerifiedSite.objects.exists() and not TrackbackToken.objects.exists()
