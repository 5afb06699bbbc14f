"""One rule for control characters in text that comes from outside."""

import re

# C0 controls and DEL: never stored (PostgreSQL refuses NUL) and never valid in XML 1.0.
_CONTROL = "\x00-\x1f\x7f"
# TAB, LF and CR are whitespace in running text, where a caller may want to keep them.
_WHITESPACE_CONTROL = "\t\n\r"

CONTROL_CHARACTERS = re.compile(f"[{_CONTROL}]")
CONTROL_CHARACTERS_BUT_WHITESPACE = re.compile(f"(?![{_WHITESPACE_CONTROL}])[{_CONTROL}]")


def printable(text: str, limit: int | None = None) -> str:
    """Drop every control character (for one-line values: headers, names); cut to `limit`."""
    return CONTROL_CHARACTERS.sub("", text)[:limit]


def without_control_characters(text: str) -> str:
    """Drop control characters but keep TAB, LF and CR (for running text)."""
    return CONTROL_CHARACTERS_BUT_WHITESPACE.sub("", text)
