"""A small IndieAuth server on 127.0.0.1 for tests, written to the 2024 spec: a profile page
naming its metadata, the metadata document (issuer, PKCE S256), and an authorization endpoint
that approves at once (the person is "logged in" there), answers with `iss`, and later checks
the code, client, redirect URI and PKCE verifier like a real one. Its knobs make it misbehave
as the tests need (an older server, no issuer, no PKCE, a redirect on redemption)."""

import base64
import hashlib
import json
import secrets
import urllib.request
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.http_server import LocalServer


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class IndieAuthServer(LocalServer):
    """`me` is the profile URL the endpoint vouches for (by default, its own home page)."""

    def __init__(self, *, metadata=True, me_path="/"):
        super().__init__()
        self.metadata = metadata
        self.metadata_changes = {}  # keys set (or, with None, removed) in the metadata
        self.redeem_answer = None  # (status, headers, body) answering the code's POST
        self.codes = {}
        self.returned_me = None  # set to answer another `me` than the one asked for
        self.me_path = me_path
        self.routes[me_path] = self._profile
        self.routes["/.well-known/oauth-authorization-server"] = self._metadata
        self.routes["/auth"] = self._auth

    @property
    def me(self):
        return self.url(self.me_path)

    @property
    def issuer(self):
        return self.url("/")

    def _profile(self, method, path, headers, body):
        if self.metadata:
            href = self.url("/.well-known/oauth-authorization-server")
            link = f'<link rel="indieauth-metadata" href="{href}">'
        else:
            link = '<link rel="authorization_endpoint" href="/auth">'
        html = f"<!doctype html><html><head>{link}</head><body>My blog</body></html>"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, html.encode()

    def _metadata(self, method, path, headers, body):
        doc = {
            "issuer": self.issuer,
            "authorization_endpoint": self.url("/auth"),
            "code_challenge_methods_supported": ["S256"],
        }
        doc.update(self.metadata_changes)
        doc = {key: value for key, value in doc.items() if value is not None}
        return 200, {"Content-Type": "application/json"}, json.dumps(doc).encode()

    def _auth(self, method, path, headers, body):
        if method == "GET":  # the person approves the sign-in
            query = {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()}
            if (
                query.get("response_type") != "code"
                or query.get("code_challenge_method") != "S256"
                or not query.get("code_challenge")
                or not query.get("redirect_uri")
            ):  # PKCE S256 is required here
                return 400, {"Content-Type": "text/plain"}, b"invalid_request"
            code = secrets.token_urlsafe(16)
            self.codes[code] = query
            answer = {"code": code, "state": query["state"], "iss": self.issuer}
            location = f"{query['redirect_uri']}?{urlencode(answer)}"
            return 302, {"Location": location}, b""
        if self.redeem_answer is not None:
            return self.redeem_answer
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        asked = self.codes.pop(form.get("code"), None)  # a code works once
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        if (
            asked is None
            or form.get("grant_type") != "authorization_code"
            or form.get("client_id") != asked["client_id"]
            or form.get("redirect_uri") != asked["redirect_uri"]
            or challenge != asked["code_challenge"]
        ):
            return 400, {"Content-Type": "application/json"}, b'{"error": "invalid_grant"}'
        me = self.returned_me or self.me
        return 200, {"Content-Type": "application/json"}, json.dumps({"me": me}).encode()

    def approve(self, authorization_url: str) -> str:
        """What the browser does at the authorization endpoint: the callback URL it is sent to."""
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            opener.open(authorization_url, timeout=5)
        except urllib.error.HTTPError as redirect:
            assert redirect.code == 302
            return redirect.headers["Location"]
        raise AssertionError("the authorization endpoint did not redirect")
