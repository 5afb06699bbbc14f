"""Discovery against recorded pages: WordPress 6, Movable Type, Webmention receivers, nothing."""

from linkbacks.discovery import (
    PINGBACK,
    TRACKBACK,
    WEBMENTION,
    Endpoint,
    discover,
    link_header_targets,
    wordpress_trackback_url,
)
from tests.linkbacks.pages import recorded

WP_POST = "https://blog.example/2024/05/01/harbour-reopens/"


def found(name, page_url, **header_changes):
    _, headers, body = recorded(name)
    for key, value in header_changes.items():
        if value is None:
            headers.pop(key, None)
        else:
            headers[key] = value
    return discover(body.decode(), headers, page_url)


def test_wordpress_6_offers_pingback_by_header_and_link_but_no_rdf():
    _, headers, body = recorded("wordpress6_post")
    assert b"rdf:RDF" not in body and "x-pingback" in headers
    assert found("wordpress6_post", WP_POST) == Endpoint(
        PINGBACK, "https://blog.example/xmlrpc.php"
    )
    # Without the header (a proxy dropped it), the <link rel="pingback"> is enough.
    assert found("wordpress6_post", WP_POST, **{"x-pingback": None}) == Endpoint(
        PINGBACK, "https://blog.example/xmlrpc.php"
    )


def test_wordpress_without_pingback_gets_a_trackback_at_its_permalink():
    # Reached through its short link: the canonical permalink is where WordPress takes them.
    assert found("wordpress6_pingback_off", "https://blog.example/?p=42") == Endpoint(
        TRACKBACK, "https://blog.example/2024/05/01/harbour-reopens/trackback/"
    )


def test_wordpress_trackback_address_for_pretty_and_plain_permalinks():
    assert wordpress_trackback_url("https://b.example/2024/05/01/post") == (
        "https://b.example/2024/05/01/post/trackback/"
    )
    assert wordpress_trackback_url("https://b.example/blog/?p=42") == (
        "https://b.example/blog/wp-trackback.php?p=42"
    )


def test_movable_type_offers_trackback_by_rdf():
    assert found("movabletype_entry", "https://mt.example/2024/05/harbour-reopens.html") == (
        Endpoint(TRACKBACK, "https://mt.example/cgi-bin/mt/mt-tb.cgi/123")
    )


def test_webmention_by_header_link_and_a_with_relative_urls_resolved():
    page = "https://wm.example/notes/2024/1"
    # The header comes before the <a> in the body, and shares its rel with another relation.
    assert found("webmention_header", page) == Endpoint(
        WEBMENTION, "https://wm.example/endpoint/header?version=1"
    )
    # A <link>, and Webmention before the Pingback server the same page offers.
    assert found("webmention_link", page) == Endpoint(
        WEBMENTION, "https://wm.example/endpoint/link"
    )
    assert found("webmention_a", page) == Endpoint(
        WEBMENTION, "https://wm.example/notes/2024/endpoint/a"
    )
    # Relative to where redirects ended, which is the page_url discovery is given.
    assert found("webmention_link", "https://other.example/moved/here").url == (
        "https://other.example/endpoint/link"
    )


def test_a_page_with_nothing_offers_nothing():
    assert found("nothing", "https://plain.example/page") is None


def test_link_header_values():
    value = (
        '<https://a.example/x>; rel="preload", </wm>; rel="WebMention other", <y>; rel=webmention'
    )
    assert link_header_targets(value, "webmention") == ["/wm", "y"]
    assert link_header_targets("", "webmention") == []
    assert link_header_targets("garbage; rel=", "webmention") == []
