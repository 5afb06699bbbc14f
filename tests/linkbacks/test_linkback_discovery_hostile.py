"""Review: a page we tell (any page a story links to) must not hold the worker for minutes.
Finding TrackBack RDF blocks with a lazy `.*?` regex took time quadratic in the number of
unclosed `<rdf:RDF` a page repeats: a 1 MB page (the fetch's cap) cost about ten minutes.
(The standard library's HTMLParser, which reads the rest, has its own quadratic case before
Python 3.13.5, CVE-2025-6069: that is the interpreter's to fix.)"""

import time

from linkbacks.discovery import discover, discover_ping_url, link_header_targets

PAGE = "https://blog.example/post/"


def test_a_page_of_unclosed_rdf_blocks_is_read_in_linear_time():
    hostile = "<rdf:RDF" * 40_000  # 320 KB: over a minute before
    started = time.monotonic()
    assert discover_ping_url(hostile, PAGE) is None
    assert time.monotonic() - started < 1


def test_rdf_blocks_are_still_found_as_before():
    block = (
        '<rdf:RDF xmlns:rdf="x"><rdf:Description rdf:about="{about}" '
        'trackback:ping="{ping}" /></rdf:RDF>'
    )
    html = (
        "<p>text</p><RDF:rdf unclosed "
        + block.format(about="https://other.example/", ping="https://other.example/tb")
        + block.format(about=PAGE, ping="https://blog.example/tb/1")
    )
    assert discover_ping_url(html, PAGE) == "https://blog.example/tb/1"
    single = block.format(about="", ping="/tb/2")
    assert discover_ping_url(single, PAGE) == "/tb/2"
    assert discover_ping_url('<rdf:RDF trackback:ping="/x">no end', PAGE) is None


def test_a_page_of_unclosed_generator_metas_is_not_a_cubic_regex():
    """Telling WordPress apart used `<meta[^>]+name=...generator...[^>]+content=...WordPress`,
    cubic on a page repeating an unclosed `<meta name='generator' `: 23 KB took 27 s."""
    hostile = "<meta name='generator' " * 1000 + "<p>"
    started = time.monotonic()
    assert discover(hostile, {}, PAGE) is None
    assert time.monotonic() - started < 2


def test_wordpress_is_still_told_by_its_generator_meta():
    page = '<html><head><meta name="generator" content="WordPress 6.1.9"></head></html>'
    assert discover(page, {}, PAGE).url == PAGE + "trackback/"
    other = '<html><head><meta name="generator" content="Hugo 0.120"></head></html>'
    assert discover(other, {}, PAGE) is None


def test_a_link_header_of_angle_brackets_is_read_in_linear_time():
    """`<([^>]*)>` scanned to the end of the header from every `<`: quadratic, and the page's
    `Link` headers are joined (up to 100 lines of 64 KB): hours for the worker."""
    hostile = ", ".join(["<" * 60_000] * 4)
    started = time.monotonic()
    assert link_header_targets(hostile, "webmention") == []
    assert time.monotonic() - started < 1
    header = '<https://a.example/wm>; rel="webmention", <https://a.example/x>; rel=other'
    assert link_header_targets(header, "webmention") == ["https://a.example/wm"]
