"""Fetching other sites for linkbacks: refusing addresses we must never reach, bounded."""

import socket
import threading
import time

import pytest

from linkbacks.fetching import FetchFailed, FetchRefused, address_allowed, fetch
from tests.linkbacks.pings import html


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "10.0.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "[fd00::1]",
        "[fe80::1]",
        "192.168.1.1",
        "0.0.0.0",
    ],
)
def test_private_addresses_are_refused_without_a_request(article, server, settings, host):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = False
    port = server.httpd.server_address[1]
    with pytest.raises(FetchRefused, match="is not allowed"):
        fetch(f"http://{host}:{port}/post")
    # Refused before connecting: the loopback forms would reach this very server otherwise
    # (the other ranges have no server here; the refusal itself is the evidence for them).
    assert server.requests == []


@pytest.mark.parametrize(
    "target",
    [
        "http://[::1]:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/",
        "http://127.0.0.2:{port}/",
    ],
)
def test_redirect_to_a_private_address_is_refused(server, settings, target):
    """The first hop is allow-listed (a trusted partner); where it redirects is checked anew."""
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = False
    settings.TRACKBACK_SOURCE_ALLOWLIST = ["127.0.0.1/32"]
    port = server.httpd.server_address[1]
    server.routes["/start"] = (302, {"Location": target.format(port=port)}, b"")
    with pytest.raises(FetchRefused):
        fetch(server.url("/start"))
    assert [path for _, path, _, _ in server.requests] == ["/start"]


def test_redirects_are_followed_at_most_three_times(server, settings):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    for i in range(5):
        server.routes[f"/r{i}"] = (302, {"Location": f"/r{i + 1}"}, b"")
    server.routes["/r3"] = html(["x"])
    assert fetch(server.url("/r0")).status == 200
    server.routes["/r3"] = (302, {"Location": "/r4"}, b"")
    with pytest.raises(FetchFailed, match="Too many redirects"):
        fetch(server.url("/r0"))


def test_body_is_capped(server, settings):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    settings.TRACKBACK_FETCH_MAX_BYTES = 1000
    server.routes["/big"] = (200, {}, b"x" * 5000)
    result = fetch(server.url("/big"))
    assert len(result.body) == 1000 and result.truncated


def test_non_web_schemes_are_refused(settings):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = False
    for url in ["ftp://example.com/", "file:///etc/passwd", "gopher://example.com/"]:
        with pytest.raises(FetchRefused):
            fetch(url)


@pytest.mark.parametrize(
    "address",
    [
        "::7f00:1",
        "64:ff9b::a9fe:a9fe",
        "::ffff:0:7f00:1",
        "fec0::1",
        "2002:7f00:1::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    ],
)
def test_ipv6_forms_that_embed_private_ipv4_are_refused(settings, address):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = False
    assert not address_allowed(address)
    assert address_allowed("2606:4700:4700::1111")  # a public address still passes


def test_a_public_address_on_a_non_web_port_is_refused_before_connecting(settings):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = False
    with pytest.raises(FetchRefused, match="Port 22 is not allowed"):
        fetch("http://93.184.216.34:22/")


class DripServer:
    """Answers one byte of headers every half second: a socket timeout alone never fires."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.stop = threading.Event()
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        conn, _ = self.sock.accept()
        conn.recv(65536)
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"x" * 200:
            if self.stop.is_set():
                break
            try:
                conn.sendall(bytes([byte]))
            except OSError:
                break
            time.sleep(0.5)
        conn.close()

    def url(self):
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/post"


def test_a_dripping_server_cannot_hold_a_fetch_past_its_deadline(settings):
    settings.TRACKBACK_ALLOW_PRIVATE_SOURCES = True
    settings.TRACKBACK_FETCH_TIMEOUT = 1.0
    server = DripServer()
    started = time.monotonic()
    try:
        with pytest.raises(FetchFailed, match="took longer than 1 s"):
            fetch(server.url())
    finally:
        server.stop.set()
    assert time.monotonic() - started < 3
