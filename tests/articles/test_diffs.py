from articles import diffs
from articles.diffs import diff_html


def test_only_the_changed_words_of_a_changed_paragraph_are_marked():
    old = "First paragraph stays.\n\nThe minister met the envoy on Friday.\n\nLast one stays."
    new = "First paragraph stays.\n\nThe minister met the envoy on Sunday.\n\nLast one stays."
    html = diff_html(old, new)
    assert "<del>Friday</del><ins>Sunday</ins>" in html
    assert "First paragraph stays." in html and "<del>First" not in html


def test_markup_in_a_story_is_escaped_in_the_diff():
    html = diff_html("<b>bold</b>", "<script>alert(1)</script>")
    assert "<script" not in html and "<b>" not in html
    assert html.startswith("&lt;") and "<ins>script</ins>&gt;" in html


def test_a_passage_too_long_for_a_word_diff_is_shown_whole(monkeypatch):
    monkeypatch.setattr(diffs, "MAX_WORD_DIFF_TOKENS", 10)
    old = "one two three four five six seven"
    new = "one two three four five six eight"
    assert str(diff_html(old, new)) == f"<del>{old}</del><ins>{new}</ins>"
