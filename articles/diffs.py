"""Readable word-level differences between two versions of a story, as escaped HTML."""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# Words, runs of whitespace and single punctuation marks: sentences diff as readers see them.
TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
# Word diffs cost about the square of their length: beyond this many tokens in one changed
# passage, the passage is shown as removed and added whole.
MAX_WORD_DIFF_TOKENS = 3000


def _word_diff(old: str, new: str) -> list[str]:
    old_tokens, new_tokens = TOKEN.findall(old), TOKEN.findall(new)
    if len(old_tokens) + len(new_tokens) > MAX_WORD_DIFF_TOKENS:
        return _marked(old, new)
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    parts = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])
        parts.extend([escape(removed)] if op == "equal" else _marked(removed, added))
    return parts


def _marked(removed: str, added: str) -> list[str]:
    parts = []
    if removed:
        parts.append(format_html("<del>{}</del>", removed))
    if added:
        parts.append(format_html("<ins>{}</ins>", added))
    return parts


def diff_html(old: str, new: str) -> SafeString:
    """Mark removed text with <del> and added text with <ins>; everything is escaped.

    Paragraphs are matched first and words only inside the paragraphs that changed, so a long
    story costs about its length, not its length squared.
    """
    old_lines = (old or "").splitlines(keepends=True)
    new_lines = (new or "").splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    parts = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        if op == "equal":
            parts.append(escape(removed))
        else:
            parts.extend(_word_diff(removed, added))
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above


@dataclass(frozen=True)
class FieldDiff:
    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new

    @property
    def html(self) -> SafeString:
        return diff_html(self.old, self.new)


def version_diffs(old: dict[str, str], new: dict[str, str], labels: dict[str, str]):
    """One FieldDiff per labelled field, in the labels' order."""
    return [
        FieldDiff(label, old.get(name, ""), new.get(name, "")) for name, label in labels.items()
    ]
