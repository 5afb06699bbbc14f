"""One rule for control characters in text that comes from outside, and in text that is stored."""

import re

# C0 controls, DEL and the C1 controls (U+0080-U+009F): never stored (PostgreSQL refuses NUL),
# never valid in XML 1.0 (C0) nor in HTML (C1, "forbidden code points" to the Nu checker).
_CONTROL = "\x00-\x1f\x7f-\x9f"
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


def stored_text_clean(sender, instance, raw=False, **kwargs) -> None:
    """Drop control characters from every text column of a row about to be saved (pre_save).

    Whatever door writes the row (form, admin, service, command, shell), no title, name or body
    carries them: one-line fields lose them all, long text keeps TAB, LF and CR. Password hashes
    and rows loaded from fixtures (`raw`) are left as they are.
    """
    if raw:
        return
    for field in instance._meta.concrete_fields:
        internal = field.get_internal_type()
        if internal not in _TEXT_TYPES or field.name == "password":
            continue
        value = getattr(instance, field.attname)
        if not isinstance(value, str):
            continue
        if internal == "TextField":
            cleaned = CONTROL_CHARACTERS_BUT_WHITESPACE.sub("", value)
        else:
            cleaned = CONTROL_CHARACTERS.sub("", value)
        if cleaned != value:
            setattr(instance, field.attname, cleaned)


_TEXT_TYPES = frozenset({"CharField", "TextField", "SlugField", "EmailField", "URLField"})
