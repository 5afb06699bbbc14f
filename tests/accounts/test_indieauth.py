"""Sign in with your own website (IndieAuth) against a local IndieAuth server."""

import json
import re
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

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
from tests.conftest import reauthenticated
from tests.factories import make_article, make_user
from tests.http_server import LocalServer

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


def onward_url(response):
    """Where the page answering the form sends the browser (its meta refresh, its link), or
    None when the form was answered with errors."""
    page = response.content.decode()
    refresh = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]*)">', page)
    if refresh is None:
        return None
    link = re.search(r'<a id="indieauth-continue" href="([^"]*)">', page)
    assert link is not None and link[1] == refresh[1]
    return unescape(refresh[1])


def sign_in(client, server, typed=None):
    """Type the site's address, approve at its endpoint, come back: the callback's answer."""
    start = client.post(START, {"me": typed or server.me})
    authorization_url = onward_url(start)
    assert start.status_code == 200 and authorization_url, start.content.decode()[-1500:]
    assert authorization_url.startswith(server.url("/auth?"))
    callback = urlsplit(server.approve(authorization_url))
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


def test_the_form_moves_on_by_a_page_not_a_redirect_that_csp_would_block(client, server):
    """CSP's form-action 'self' governs a form's POST and the redirects answering it: a 302 to
    the blogger's authorization server is blocked by browsers. The answer is a page that moves
    on by itself (meta refresh, a link), which form-action does not govern; the policy stays."""
    response = client.post(START, {"me": server.me})
    assert response.status_code == 200 and not response.has_header("Location")
    assert onward_url(response).startswith(server.url("/auth?"))
    assert "form-action 'self'" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "no-store"


def test_servers_without_indieauth_metadata_are_refused(client, local_sites):
    """The older `rel=authorization_endpoint` link says nothing of PKCE or an issuer."""
    with IndieAuthServer(metadata=False) as server:
        response = client.post(START, {"me": server.me})
        assert response.status_code == 200 and onward_url(response) is None
        assert b"publishes no IndieAuth metadata" in response.content
    assert not any(path.startswith("/auth") for _, path, *_ in server.requests)


def test_servers_that_do_not_declare_pkce_s256_are_refused(client, server):
    for methods in (None, [], ["plain"], "S256"):
        server.metadata_changes = {"code_challenge_methods_supported": methods}
        response = client.post(START, {"me": server.me})
        assert onward_url(response) is None, methods
        assert b"does not declare PKCE (S256)" in response.content
    assert not any(path.startswith("/auth") for _, path, *_ in server.requests)


def test_metadata_must_name_an_issuer_its_address_starts_with(client, server):
    for issuer in (
        None,
        "",
        server.url("/elsewhere/"),  # not a prefix of the metadata URL
        server.url("/?tenant=1"),  # a query
        "https://auth.example/",  # another host
        server.url("/").replace("127.0.0.1", "localhost"),  # another spelling, still not a prefix
    ):
        server.metadata_changes = {"issuer": issuer}
        response = client.post(START, {"me": server.me})
        assert onward_url(response) is None, issuer
        assert b"names no valid issuer" in response.content


def test_a_plain_http_issuer_is_refused_unless_it_is_loopback_in_development(
    client, server, settings
):
    from accounts.indieauth import _issuer_valid

    metadata = "http://auth.test/.well-known/oauth-authorization-server"
    assert not _issuer_valid("http://auth.test/", metadata)
    assert _issuer_valid("https://auth.test/", metadata.replace("http:", "https:"))
    assert _issuer_valid(server.issuer, server.url("/.well-known/oauth-authorization-server"))
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = False
    assert not _issuer_valid(server.issuer, server.url("/.well-known/oauth-authorization-server"))


def test_an_issuer_is_a_prefix_of_the_metadata_address_on_its_own_host():
    from accounts.indieauth import _issuer_valid

    assert _issuer_valid("https://example.com", "https://example.com/.well-known/meta")
    assert not _issuer_valid("https://example.com", "https://example.com.evil.net/meta")
    assert not _issuer_valid("https://example.com", "https://example.com:8443/meta")


def test_a_plain_http_sign_in_service_is_refused_outside_development(client, server, settings):
    # The code and its verifier would travel in clear text to a service at an http address.
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = False
    from accounts.indieauth import _secure_or_local

    assert not _secure_or_local(urlsplit("http://auth.example/authorize"))
    assert not _secure_or_local(urlsplit("http://127.0.0.1:9/authorize"))
    assert _secure_or_local(urlsplit("https://auth.example/authorize"))
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    server.metadata_changes = {"authorization_endpoint": "http://auth.example/authorize"}
    response = client.post(START, {"me": server.me})
    assert onward_url(response) is None
    assert b"must be an https address" in response.content


def test_an_answer_without_iss_is_refused(client, server):
    start = client.post(START, {"me": server.me})
    answer = parse_qs(urlsplit(server.approve(onward_url(start))).query)
    response = client.get(
        reverse("accounts:indieauth_callback"),
        {"code": answer["code"][0], "state": answer["state"][0]},
    )
    assert response.status_code == 400 and b"another issuer" in response.content
    assert "_auth_user_id" not in client.session and not VerifiedSite.objects.exists()
    assert not any(method == "POST" for method, *_ in server.requests)  # the code was not used


def test_a_logged_in_reader_adds_a_verified_site_to_their_account(client, server):
    reader = make_user("reader")
    reauthenticated(client, reader)
    assert sign_in(client, server).status_code == 302
    assert VerifiedSite.objects.get().user == reader
    assert get_user_model().objects.count() == 1


def test_a_me_naming_another_authorization_server_is_refused(client, server):
    """An authorization server vouches only for sites that name it: someone else's site (with
    its own server) is not signed in to through this one."""
    with IndieAuthServer() as someone_else:
        server.returned_me = someone_else.me
        response = sign_in(client, server)
    assert response.status_code == 400
    assert b"does not match the website you entered" in response.content
    assert b"another authorization server" in response.content
    assert "_auth_user_id" not in client.session
    assert not VerifiedSite.objects.exists() and not get_user_model().objects.exists()


def test_a_me_the_entered_address_redirects_to_is_accepted(client, server):
    """The spec's "Basic Redirect": what was typed (`www.example.com`, `localhost`) redirects
    to the site, whose server answers with the site's own address; that site declares the same
    authorization server, so it is the one signed in with."""
    with LocalServer() as typed:
        typed.routes["/"] = (301, {"Location": server.me}, b"")
        response = sign_in(client, server, typed=typed.url("/"))
        [asked] = [path for method, path, *_ in server.requests if path.startswith("/auth?")]
        assert parse_qs(urlsplit(asked).query)["me"] == [typed.url("/")]
    assert response.status_code == 302 and response["Location"] == reverse("accounts:home")
    site = VerifiedSite.objects.get()
    assert site.origin == server.me.removesuffix("/")
    assert client.session["_auth_user_id"] == str(site.user.pk)


def test_a_me_on_the_same_site_with_another_endpoint_is_refused(client, local_sites):
    with IndieAuthServer() as server:
        # /bob/ is on the same host but names no endpoint (404): it cannot be vouched for (nor
        # is a page under a site ever a site: see the test below).
        server.returned_me = server.url("/bob/")
        response = sign_in(client, server)
    assert response.status_code == 400 and not VerifiedSite.objects.exists()


def test_an_answer_without_our_state_or_from_another_issuer_is_refused(client, server):
    start = client.post(START, {"me": server.me})
    callback = urlsplit(server.approve(onward_url(start)))
    answer = parse_qs(callback.query)
    forged = client.get(callback.path, {"code": answer["code"][0], "state": "forged"})
    assert forged.status_code == 400 and b"not started here" in forged.content
    # The state is spent by any answer: the real one cannot be replayed after it either.
    replay = client.get(f"{callback.path}?{callback.query}")
    assert replay.status_code == 400

    start = client.post(START, {"me": server.me})
    answer = parse_qs(urlsplit(server.approve(onward_url(start))).query)
    other_issuer = client.get(
        callback.path,
        {"code": answer["code"][0], "state": answer["state"][0], "iss": "https://evil.example/"},
    )
    assert other_issuer.status_code == 400 and b"another issuer" in other_issuer.content
    assert not VerifiedSite.objects.exists()


def test_a_code_the_endpoint_does_not_vouch_for_is_refused(client, server):
    start = client.post(START, {"me": server.me})
    answer = parse_qs(urlsplit(server.approve(onward_url(start))).query)
    server.codes.clear()  # the endpoint forgot it (or never issued it)
    response = client.get(
        reverse("accounts:indieauth_callback"),
        {"code": answer["code"][0], "state": answer["state"][0], "iss": answer["iss"][0]},
    )
    assert response.status_code == 400 and b"refused the sign-in" in response.content
    assert not VerifiedSite.objects.exists()


def test_the_code_is_never_sent_on_by_a_redirect_nor_the_servers_words_shown(client, server):
    """Redeeming the code is a POST carrying the code and the PKCE verifier: a 307 from the
    endpoint to another service (loopback, as under DEBUG) is not followed, and whatever the
    server says is not shown to the person (a generic refusal)."""
    with LocalServer() as other_service:
        other_service.routes["/steal"] = (
            400,
            {"Content-Type": "application/json"},
            json.dumps({"error": "internal: db password is hunter2"}).encode(),
        )
        server.redeem_answer = (307, {"Location": other_service.url("/steal")}, b"")
        response = sign_in(client, server)
        assert other_service.requests == []
    page = response.content.decode()
    assert response.status_code == 400 and "refused the sign-in" in page
    assert "hunter2" not in page and "307" not in page
    server.redeem_answer = (
        400,
        {"Content-Type": "application/json"},
        b'{"error": "invalid_grant", "error_description": "<b>server words</b>"}',
    )
    response = sign_in(client, server)
    assert response.status_code == 400 and b"server words" not in response.content
    assert b"invalid_grant" not in response.content
    assert "_auth_user_id" not in client.session and not VerifiedSite.objects.exists()


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
        if onward_url(start):  # sent to her endpoint, which approves; back here
            callback = urlsplit(mallorys.approve(onward_url(start)))
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
    reauthenticated(client, reader)
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


@pytest.mark.parametrize(
    ("role", "second_factor"),
    [("staff", False), ("staff", True), ("superuser", False), ("superuser", True)],
)
def test_a_newsroom_account_is_never_signed_in_by_its_site(client, server, role, second_factor):
    """Whoever holds a journalist's site would otherwise hold their account: sign in with it,
    add an address, reset the password, enrol their own second factor, and open the admin."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    staff = make_user("journalist", is_staff=True, is_superuser=role == "superuser")
    reauthenticated(client, staff)
    assert sign_in(client, server).status_code == 302  # the site is verified as theirs
    if second_factor:
        TOTP.activate(staff, generate_totp_secret())
    client.logout()
    response = sign_in(client, server)
    assert response.status_code == 400 and b"never with a website" in response.content
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302
    assert VerifiedSite.objects.get().user == staff


def test_adding_an_email_address_asks_for_the_password_again(client, server, mailoutbox):
    """Signed in by one's site (or by anyone holding it), an address cannot be added to the
    account, and a password reset sent there, without the account's password."""
    from allauth.account.models import EmailAddress

    reader = make_user("reader", email="reader@example.com", password="readers-password")
    reauthenticated(client, reader)
    sign_in(client, server)
    client.logout()
    assert sign_in(client, server).status_code == 302 and client.session["_auth_user_id"]
    response = client.post("/accounts/email/", {"email": "taker@example.com", "action_add": ""})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="taker@example.com").exists()
    assert not [m for m in mailoutbox if "taker@example.com" in m.to]
    # With the password given again, the same request goes through.
    client.post(response["Location"], {"password": "readers-password"})
    assert EmailAddress.objects.filter(user=reader, email="taker@example.com").exists()


def test_a_site_made_account_pings_on_its_sites_proof_and_is_never_told_of_a_mail(
    client, server, settings
):
    """An account made by signing in with a site has no address, and no mail was sent: the
    site's proof is enough for its Webmentions (docs/accounts.md)."""
    from comments.models import Comment

    settings.SITE_URL = "http://testserver"
    sign_in(client, server)
    user = VerifiedSite.objects.get().user
    assert user.email == ""
    story = make_article(title="Ferry", slug="ferry")
    response = client.post(
        reverse("linkbacks:webmention", kwargs=story.url_kwargs()),
        urlencode({"source": server.url("/2026/ferry/"), "target": story.permalink}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 202, response.content
    assert b"mailed" not in response.content
    assert Comment.objects.trackbacks().get().user == user


def test_an_account_made_by_its_site_gives_its_site_again_to_add_an_address(client, server):
    """No password, no address, no second factor: the site is the account's one credential, so
    proving it again (and only that site, not one added now) is the reauthentication."""
    from allauth.account.models import EmailAddress

    sign_in(client, server)
    user = get_user_model().objects.get()
    session = client.session  # the sign-in was longer ago than reauthentication allows
    session.pop("accounts.site_proved")
    session.save()
    add = {"email": "me@example.com", "action_add": ""}
    response = client.post("/accounts/email/", add)
    assert response.status_code == 302
    asked = urlsplit(response["Location"])
    assert asked.path == START and parse_qs(asked.query)["next"] == ["/accounts/email/"]
    assert not EmailAddress.objects.exists()
    # Another site proved now does not count.
    with IndieAuthServer() as other:
        sign_in(client, other)
    assert client.post("/accounts/email/", add).status_code == 302
    assert not EmailAddress.objects.exists()
    # The account's own site, proved again from that page, brings the person back to it.
    page = client.get(response["Location"])
    assert b'name="next" value="/accounts/email/"' in page.content
    start = client.post(START, {"me": server.me, "next": "/accounts/email/"})
    callback = urlsplit(server.approve(onward_url(start)))
    back = client.get(f"{callback.path}?{callback.query}")
    assert back["Location"] == "/accounts/email/"
    client.post("/accounts/email/", add)
    assert EmailAddress.objects.get().user == user


def test_a_site_added_in_the_session_is_not_a_reauthentication_when_proved_again(client, server):
    """Whoever holds a signed-in session (not the account's site) adds a site of their own, then
    proves it again: that is not the account's credential given again, so an address still
    cannot be added without the account's own site."""
    from allauth.account.models import EmailAddress

    sign_in(client, server)
    session = client.session  # the sign-in was longer ago than reauthentication allows
    session.pop("accounts.site_proved")
    session.save()
    add = {"email": "taker@example.com", "action_add": ""}
    with IndieAuthServer() as takers:
        sign_in(client, takers)  # added to the account: a new site, no reauthentication
        sign_in(client, takers)  # the same site again
    client.post("/accounts/email/", add)
    assert not EmailAddress.objects.exists()


def test_a_password_account_gives_its_password_again_before_adding_a_site(client, server):
    """A signed-in session that has not just given the password adds no site, by neither door;
    once the password is given again, both work."""
    reader = make_user("reader", password="readers-password")
    client.force_login(reader)
    refused = sign_in(client, server)
    assert refused.status_code == 400 and b"confirm it is you" in refused.content
    assert reverse("account_reauthenticate").encode() in refused.content
    sites = reverse("linkbacks:sites")
    asked = client.post(sites, {"site": "https://mine.example/"})
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    assert not VerifiedSite.objects.exists()
    # The password again: allauth replays the suspended POST, then the callback adds its site.
    client.post(asked["Location"], {"password": "readers-password"})
    assert VerifiedSite.objects.get().origin == "https://mine.example"
    assert sign_in(client, server).status_code == 302
    assert VerifiedSite.objects.filter(user=reader, verified_at__isnull=False).count() == 1
    assert VerifiedSite.objects.count() == 2


def test_an_account_made_by_its_site_proves_that_site_again_to_add_another(client, server):
    """For an account whose one credential is its site, proving that site again is the
    reauthentication that lets it add a new one."""
    sign_in(client, server)
    session = client.session
    session.pop("accounts.site_proved")  # the sign-in was longer ago than allowed
    session.save()
    with IndieAuthServer() as second:
        assert sign_in(client, second).status_code == 400
        assert VerifiedSite.objects.count() == 1
        assert sign_in(client, server).status_code == 302  # its own site again
        assert sign_in(client, second).status_code == 302
    assert VerifiedSite.objects.filter(verified_at__isnull=False).count() == 2
    assert VerifiedSite.objects.values("user").distinct().count() == 1
