"""Readable word-level differences between two versions of a story, as escaped HTML."""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# Words, runs of whitespace and single punctuation marks: sentences diff as readers see them.
TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


def diff_html(old: str, new: str) -> SafeString:
    """Mark removed text with <del> and added text with <ins>; everything is escaped."""
    old_tokens, new_tokens = TOKEN.findall(old or ""), TOKEN.findall(new or "")
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    parts = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])
        if op == "equal":
            parts.append(escape(removed))
            continue
        if removed:
            parts.append(format_html("<del>{}</del>", removed))
        if added:
            parts.append(format_html("<ins>{}</ins>", added))
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
