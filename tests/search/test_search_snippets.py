"""Search snippets cut in Python from the stored excerpt (search.query.Highlighter): the words
PostgreSQL matched are the words marked, around the most matches, escaped."""

import re

import pytest
from django.db import connection
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from search.query import (
    HIGHLIGHT,
    SNIPPET_CHARS,
    Highlighter,
    mark_snippet,
    parse_websearch,
    positive_query,
    tsquery_lexemes,
)
from tests.factories import make_article
from tests.search.test_search import search

START, STOP = HIGHLIGHT
MARKED = re.compile(f"{START}(.*?){STOP}")
# Inflected forms, the three words Porter2 changes in their first letters, and near misses.
WORDS = [
    "vehicle",
    "vehicles",
    "Vehicle's",
    "electric",
    "electrical",
    "electricity",
    "running",
    "runs",
    "ran",
    "dying",
    "die",
    "lying",
    "lies",
    "tying",
    "ties",
    "happily",
    "happiness",
    "happy",
    "generations",
    "generate",
    "Harbour",
    "harbours",
    "council",
    "councils",
    "the",
    "tariff-free",
    "Budget",
    "budgeted",
    "ÉLAN",
    "élan",
    "naïve",
    "x",
    "2024",
    "e-mail",
    "co_op",
]


def marked_words(snippet: str) -> list[str]:
    return MARKED.findall(snippet)


def test_the_window_holds_the_most_matches_and_says_where_it_was_cut():
    text = (
        "Opening words about nothing in particular. " * 6
        + "A lone harbour here. "
        + "Filler filler filler filler filler. " * 8
        + "The harbour pilots and harbour master met harbour staff. "
        + "Closing words that say nothing. " * 6
    )
    snippet = Highlighter(frozenset({"harbour"}))(text)
    assert len(marked_words(snippet)) == 3  # the dense passage, not the lone mention
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert len(snippet) <= SNIPPET_CHARS + 4
    body = snippet.removeprefix("… ").removesuffix(" …").replace(START, "").replace(STOP, "")
    assert body in text and text.index(body) > 0  # whole words, from the text itself
    assert text[text.index(body) - 1] == " "


def test_letters_that_lower_to_two_characters_keep_the_marks_in_place():
    snippet = Highlighter(frozenset({"harbour"}))("İİİ İzmir HARBOUR and İstanbul harbours.")
    assert marked_words(snippet) == ["HARBOUR", "harbours"]


def test_without_a_match_the_opening_words_are_shown():
    text = "First words of the story. " + "More words. " * 40
    snippet = Highlighter(frozenset({"estuari"}))(text)
    assert snippet.startswith("First words of the story.") and snippet.endswith(" …")
    assert START not in snippet
    assert Highlighter(frozenset({"estuari"}))("Short.") == "Short."
    # The marker characters themselves, typed into a story, mark nothing.
    typed = Highlighter(frozenset({"estuari"}))(f"An {START}estuary{STOP} {STOP}walk.")
    assert marked_words(typed) == ["estuary"] and str(mark_snippet(typed)).count("<mark>") == 1
    assert Highlighter(frozenset())("") == ""


def test_what_the_query_asks_for_leaves_out_its_exclusions():
    assert positive_query(parse_websearch('harbour -council "electric car" -"old port"')) == (
        '"harbour" OR "electric car"'
    )
    assert positive_query(parse_websearch("-council")) == ""
    assert tsquery_lexemes("'harbour' & !'council' | 'o''brien' <-> 'car'") == {
        "harbour",
        "council",
        "o'brien",
        "car",
    }


@given(
    words=st.lists(st.sampled_from([*WORDS, "<b>", "&amp;", "\u00a0", "…"]), max_size=120),
    lexemes=st.frozensets(st.sampled_from(["vehicl", "die", "run", "happi", "x", "é"])),
)
@hypothesis_settings(max_examples=200, deadline=None)
def test_a_snippet_is_a_marked_slice_of_the_text(words, lexemes):
    text = " ".join(words)
    snippet = Highlighter(lexemes)(text)
    # Markers come in pairs around whole words that stem to a lexeme; nothing else is added.
    assert snippet.count(START) == snippet.count(STOP) == len(marked_words(snippet))
    plain = snippet.removeprefix("… ").removesuffix(" …").replace(START, "").replace(STOP, "")
    assert plain in text
    assert len(plain) <= SNIPPET_CHARS
    html = str(mark_snippet(snippet))
    assert "<b>" not in html and html.count("<mark>") == len(marked_words(snippet))


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own stemming")
@given(
    words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=15),
    query=st.sampled_from(
        [
            "vehicle",
            "electric",
            "run",
            "die",
            "lie OR tie",
            "happy",
            "generation",
            "harbour -council",
            '"tariff free"',
            "budget",
            "élan",
            "naive",
            "the vehicle",
            "x",
            "2024",
            "email",
            "co_op",
        ]
    ),
)
@example(words=["lying", "ties", "tying", "lies"], query="lie OR tie")
@example(words=["dying", "die"], query="die")
@example(words=["co_op", "e-mail", "2024"], query="co_op OR mail")
@example(
    words=["See", "news.example.com,", "v2.1.3", "3.14", "User@Example.com", "/usr/bin"],
    query="news.example.com OR 3.14 OR user@example.com OR v2.1.3 OR /usr/bin",
)
@example(words=["Vehicle's", "vehicles", "happily", "happiness"], query="the vehicle OR happy")
@hypothesis_settings(max_examples=150, deadline=None)
def test_the_words_marked_are_the_words_postgresql_matches(words, query):
    """Every word that PostgreSQL's own headline marks (HighlightAll: the whole text) is marked
    by the snippet, and no other."""
    text, asked = " ".join(words), positive_query(parse_websearch(query))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT websearch_to_tsquery('english', %s)::text, ts_headline('english', %s,"
            " websearch_to_tsquery('english', %s), %s)",
            [asked, text, asked, f"HighlightAll=true, StartSel={START}, StopSel={STOP}"],
        )
        lexemes_text, headline = cursor.fetchone()
    assert len(text) <= SNIPPET_CHARS  # the snippet is the whole text
    snippet = Highlighter(tsquery_lexemes(lexemes_text))(text)
    assert sorted(w.lower() for w in marked_words(snippet)) == sorted(
        w.lower() for w in marked_words(headline)
    )


@pytest.mark.django_db
def test_a_search_page_marks_inflected_forms_in_the_excerpt(client):
    make_article(
        title="Fleet news",
        body="Opening words. The council bought electric vehicles for the harbour crews.",
    )
    html = search(client, "vehicle").content.decode()
    [snippet] = re.findall(r'<p class="snippet">(.*?)</p>', html, re.S)
    assert "<mark>vehicles</mark>" in snippet
    html = search(client, "harbour -budget").content.decode()
    [snippet] = re.findall(r'<p class="snippet">(.*?)</p>', html, re.S)
    assert "<mark>harbour</mark>" in snippet and "<mark>" not in snippet.replace(
        "<mark>harbour</mark>", ""
    )


def test_a_capital_dotted_i_lowercases_as_postgresql_lowercases_it():
    # PostgreSQL reads "İstanbul" as the lexeme 'istanbul'; Python's lower() adds a dot to it.
    snippet = Highlighter(frozenset({"istanbul"}))("Ferries from İstanbul and ISTANBUL.")
    assert marked_words(snippet) == ["İstanbul", "ISTANBUL"]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own stemming")
def test_postgresql_marks_the_capital_dotted_i_too():
    text = "Ferries from İstanbul and ISTANBUL."
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT websearch_to_tsquery('english', 'istanbul')::text, ts_headline('english', %s,"
            " websearch_to_tsquery('english', 'istanbul'), %s)",
            [text, f"HighlightAll=true, StartSel={START}, StopSel={STOP}"],
        )
        lexemes_text, headline = cursor.fetchone()
    snippet = Highlighter(tsquery_lexemes(lexemes_text))(text)
    assert marked_words(snippet) == marked_words(headline)


def test_hosts_addresses_paths_and_numbers_are_marked_whole():
    # One lexeme each to PostgreSQL's parser, never stemmed; ts_headline marks them.
    lexemes = frozenset({"news.example.com", "3.14", "user@example.com", "/usr/bin", "v2.1.3"})
    text = "See news.example.com, v2.1.3, 3.14 and 3.145, User@Example.com or /usr/bin/env, 3.14.2"
    assert marked_words(Highlighter(lexemes)(text)) == [
        "news.example.com",
        "v2.1.3",
        "3.14",
        "User@Example.com",
    ]


def test_a_very_long_word_before_the_match_does_not_push_it_out():
    text = "Intro " + "x" * 300 + " harbour pilots"
    snippet = Highlighter(frozenset({"harbour"}))(text)
    assert marked_words(snippet) == ["harbour"] and snippet.startswith("… ")
    assert snippet.removeprefix("… ").replace(START, "").replace(STOP, "") in text
