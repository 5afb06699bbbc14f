"""Generated bodies skip Python-Markdown: their HTML must be what render_markdown would store."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.rendering import render_markdown
from comments.load_data import PLAIN_WORD, VOCABULARY_SEED, _Text, paragraphs_html


def test_generated_bodies_render_as_render_markdown_does():
    vocabulary = _Text(random.Random(VOCABULARY_SEED))
    assert vocabulary.plain  # else every body goes through render_markdown, and this tests little
    for seed in range(300):
        text = _Text(random.Random(seed), random.Random(VOCABULARY_SEED))
        for _ in range(3):
            body, html = text.body()
            assert html == render_markdown(body), seed


plain_words = st.from_regex(PLAIN_WORD, fullmatch=True)
# Two words at least, as generated sentences have (8 to 20): "1." alone would start a list.
sentences = st.lists(plain_words, min_size=2, max_size=12).map(
    lambda words: " ".join(words).capitalize() + "."
)
paragraphs = st.lists(sentences, min_size=1, max_size=4).map(" ".join)


@given(st.lists(paragraphs, min_size=1, max_size=5))
def test_any_sentences_of_plain_words_render_as_render_markdown_does(body_paragraphs):
    markdown = "\n\n".join(body_paragraphs)
    assert paragraphs_html(body_paragraphs) == render_markdown(markdown)


@pytest.mark.parametrize(
    "word", ["*", "_x_", "<b>", "a&b", "`x`", "#", "-", "1.", "[x]", "x!", ":"]
)
def test_markdown_or_html_syntax_is_no_plain_word(word):
    assert not PLAIN_WORD.fullmatch(word)


def test_a_vocabulary_with_syntax_in_it_renders_through_markdown(monkeypatch):
    monkeypatch.setattr("comments.load_data.NEWS_WORDS", ["**bold**"])
    text = _Text(random.Random(VOCABULARY_SEED))
    assert not text.plain
    body, html = text.body()
    assert html == render_markdown(body)
