"""Search published stories with web-search syntax, on PostgreSQL or SQLite.

Both databases understand the same query language, the one of PostgreSQL's
`websearch_to_tsquery`: words are ANDed, "quoted phrases" match in order, -word excludes and OR
separates alternatives. PostgreSQL parses it itself; for SQLite it is translated here into an FTS5
expression made only of quoted strings and operators, so user input is never FTS5 syntax.
Finding and ranking stories is the search backends' work (search/backends/).
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import Stemmer
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_CHARS = 200
MAX_TERMS = 16
# Highlight markers that cannot come from HTML escaping; swapped for <mark> after escaping.
_START, _STOP = HIGHLIGHT = "\ue000", "\ue001"
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_SEARCHABLE = re.compile(r"\w")
# A snippet: about this many characters of the stored excerpt (some 35 words), opening a few
# words before the matches.
SNIPPET_CHARS = 220
SNIPPET_LEAD = 30
# A lexeme in PostgreSQL's text form of a tsquery: 'word', a quote inside doubled.
_LEXEME = re.compile(r"'((?:[^']|'')*)'")
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
    """mark_plain_snippet for a snippet cut from Markdown (FTS5's, Tantivy's): its markers and
    runs of spaces dropped first."""
    text = _MARKDOWN_MARKERS.sub(r"\1", text).replace("**", "").replace("`", "")
    return mark_plain_snippet(" ".join(text.split()))


def mark_plain_snippet(text: str) -> SafeString:
    """Escape a highlighted excerpt, then turn the highlight markers into <mark> elements."""
    html = escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped just above; only <mark> is added


# Where PostgreSQL's websearch_to_tsquery may read a "-" as NOT: wherever it does not follow a
# letter or digit (a space, "(", a quote, another "-", the start...). It reads "harbour - council"
# and "harbour (-council)" so, and a seventeenth term past MAX_TERMS too, where parse_websearch
# sees no exclusion; "tariff-free" is one word to both.
_MAY_NEGATE = re.compile(r"(?:^|[\W_])-")


def may_exclude(query: str) -> bool:
    """Whether PostgreSQL may read an exclusion in the query (when in doubt, yes)."""
    return _MAY_NEGATE.search(query) is not None


def positive_query(groups: list[list[Term]]) -> str:
    """The words and phrases a query asks for, without its exclusions: what snippets mark."""
    return " OR ".join(f'"{term.text}"' for group in groups for term in group if not term.negated)


def tsquery_lexemes(tsquery_text: str) -> frozenset[str]:
    """The lexemes of PostgreSQL's text form of a tsquery ('budget' | 'tariff')."""
    return frozenset(match.replace("''", "'") for match in _LEXEME.findall(tsquery_text) if match)


class Highlighter:
    """Cuts snippets for one page of results: about SNIPPET_CHARS of a text around the most
    matches, each matching word between the highlight markers (mark_plain_snippet makes them
    <mark>);
    the opening words when none match.

    In Python rather than PostgreSQL's ts_headline, which parses every shown excerpt again on
    every search (2 ms of a page of 20). A word is stemmed, with the Snowball English stemmer of
    PostgreSQL's `english` configuration, only when it begins as one of the query's lexemes.
    """

    def __init__(self, lexemes: frozenset[str]):
        self.lexemes = lexemes
        self.candidates = _candidates(lexemes) if lexemes else None
        self.stemmer = Stemmer.Stemmer("english")  # one per page: stemmers are not thread-safe
        self.stems: dict[str, str] = {}

    def _matches(self, text: str) -> list[tuple[int, int]]:
        if self.candidates is None:
            return []
        matches, stems = [], self.stems
        # Lowercased as PostgreSQL's lower() does: Python makes "İ" two characters ("i" and a
        # combining dot; the only letter it lowers to two), and "İstanbul" would stem to no
        # lexeme. So the lowered text keeps the original's offsets.
        lowered = text.replace("İ", "i").lower()
        for word in self.candidates.finditer(lowered):
            begin = word.start()
            if begin and text[begin - 1].isalnum():  # inside a word, not at its beginning
                continue
            token = word.group()
            if _WHOLE_TOKEN.search(token):  # a host, address, path, number: no stem of its own
                if token in self.lexemes:
                    matches.append(word.span())
                continue
            if token not in stems:
                stems[token] = self.stemmer.stemWord(token)
            if stems[token] in self.lexemes:
                matches.append(word.span())
        return matches

    def __call__(self, text: str) -> str:
        # A story's own marker characters would become stray <mark>s: spaces instead.
        text = text.replace(_START, " ").replace(_STOP, " ")
        matches = self._matches(text)
        start = 0
        if matches:
            # The window with the most matches, each window opening a little before a match.
            firsts, best, low, high = [first for first, _ in matches], 0, 0, 0
            for first in firsts:
                candidate = max(0, first - SNIPPET_LEAD)
                while firsts[low] < candidate:  # both edges only move forward
                    low += 1
                while high < len(firsts) and firsts[high] < candidate + SNIPPET_CHARS:
                    high += 1
                if high - low > best:
                    start, best = candidate, high - low
            if start:  # from a word's beginning, unless a very long word would push the
                # matches out of the snippet (a long address): then from inside it
                space = text.rfind(" ", 0, start)
                start = space + 1 if start - space <= SNIPPET_LEAD else start
        stop = len(text)
        if stop - start > SNIPPET_CHARS:
            stop = max(text.rfind(" ", start, start + SNIPPET_CHARS), start + SNIPPET_CHARS // 2)
        parts, position = [], start
        for first, last in matches:
            if start <= first and last <= stop:
                parts += [text[position:first], _START, text[first:last], _STOP]
                position = last
        parts.append(text[position:stop])
        # Cut text is shown as cut, as FTS5's snippets show it.
        lead, tail = "… " if start else "", " …" if stop < len(text) else ""
        return lead + "".join(parts).strip() + tail


# What a lexeme holds only when PostgreSQL's parser read a host, address, path or number.
_WHOLE_TOKEN = re.compile(r"[./@]")
# Porter2 changes only a word's ending: a stem but its last two letters begins the word (checked
# over the 83,000 distinct words of Python's and this project's packages' sources), but for these
# three.
_STEM_EXCEPTIONS = {"die": "dying", "lie": "lying", "tie": "tying"}


@lru_cache(maxsize=256)
def _candidates(lexemes: frozenset[str]) -> re.Pattern:
    """Words (of a lowered text) that may stem to one of the lexemes: those that begin as it
    does, but for its last two letters (at least its first two); and hosts, addresses, paths and
    numbers whole."""
    words = {lexeme for lexeme in lexemes if not _WHOLE_TOKEN.search(lexeme)}
    beginnings = sorted({re.escape(lexeme[: max(2, len(lexeme) - 2)]) for lexeme in words})
    beginnings += sorted(_STEM_EXCEPTIONS[lexeme] for lexeme in lexemes & _STEM_EXCEPTIONS.keys())
    # Host names, e-mail addresses, paths, numbers with decimals and versions are one lexeme
    # each (news.example.com, 3.14, v2.1.3), not stemmed: found as they are, longest first.
    whole = sorted(
        (re.escape(lexeme) for lexeme in lexemes - words),
        key=len,
        reverse=True,
    )
    # ...and not as the start of a longer one (/usr/bin in /usr/bin/env, 3.14 in 3.14.2).
    alternatives = [rf"{lexeme}(?![^\W_]|[-./@][^\W_])" for lexeme in whole]
    if beginnings:
        alternatives.append(rf"(?:{'|'.join(beginnings)})[^\W_]*")
    # Letters and digits: PostgreSQL's parser splits words at an underscore, as at a space.
    # (Where a word begins is checked by the caller: a look-behind here would make the regex
    # engine try every position of the text instead of skipping to a candidate's letters.)
    return re.compile(rf"(?:{'|'.join(alternatives)})")
