"""Search published stories with web-search syntax, on PostgreSQL or SQLite.

Both databases understand the same query language, the one of PostgreSQL's
`websearch_to_tsquery`: words are ANDed, "quoted phrases" match in order, -word excludes and OR
separates alternatives. PostgreSQL parses it itself; for SQLite it is translated here into an FTS5
expression made only of quoted strings and operators, so user input is never FTS5 syntax.
Finding and ranking stories is the search backends' work (articles/search_backends/).
"""

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_CHARS = 200
MAX_TERMS = 16
# Highlight markers that cannot come from HTML escaping; swapped for <mark> after escaping.
_START, _STOP = HIGHLIGHT = "\ue000", "\ue001"
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_SEARCHABLE = re.compile(r"\w")
# FTS5 snippets come from the Markdown source: headings and quote or list markers read as noise.
_MARKDOWN_MARKERS = re.compile(r"(^|\s)[#>*]+(?=\s)")


@dataclass(frozen=True)
class Term:
    text: str
    negated: bool = False


def clean_query(raw: str) -> str:
    """Make a reader's query safe to handle: no control characters (NUL), bounded length."""
    text = "".join(ch if ch.isprintable() else " " for ch in raw[: MAX_QUERY_CHARS * 2])
    text = text.replace(_START, " ").replace(_STOP, " ")
    return " ".join(text.split())[:MAX_QUERY_CHARS].strip()


def parse_websearch(text: str) -> list[list[Term]]:
    """Split a query into OR-alternatives, each a list of terms that must all (not) match."""
    groups: list[list[Term]] = [[]]
    count = 0
    for match in _TOKEN.finditer(text):
        minus_phrase, phrase, minus_word, word = match.groups()
        if word is not None and not minus_word and word.lower() == "or":
            if groups[-1]:
                groups.append([])
            continue
        term_text = phrase if phrase is not None else word
        if not _SEARCHABLE.search(term_text):
            continue  # punctuation alone matches nothing and would upset FTS5
        groups[-1].append(Term(" ".join(term_text.split()), bool(minus_phrase or minus_word)))
        count += 1
        if count == MAX_TERMS:
            break
    return [group for group in groups if group]


def _fts5_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts5_expression(groups: list[list[Term]]) -> str | None:
    """An FTS5 MATCH expression for the parsed query; None when nothing positive is asked.

    FTS5's NOT needs something to subtract from, so an alternative made only of exclusions
    (which PostgreSQL reads as "everything but") is dropped.
    """
    alternatives = []
    for group in groups:
        wanted = [_fts5_string(t.text) for t in group if not t.negated]
        if not wanted:
            continue
        expression = " AND ".join(wanted)
        unwanted = [_fts5_string(t.text) for t in group if t.negated]
        if unwanted:
            expression = f"({expression}) NOT ({' OR '.join(unwanted)})"
        alternatives.append(f"({expression})")
    return " OR ".join(alternatives) or None


def mark_snippet(text: str) -> SafeString:
    """Escape a highlighted excerpt, then turn the highlight markers into <mark> elements."""
    text = _MARKDOWN_MARKERS.sub(r"\1", text).replace("**", "").replace("`", "")
    html = escape(" ".join(text.split())).replace(_START, "<mark>").replace(_STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped just above; only <mark> is added
