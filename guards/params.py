"""Reading ids from query strings and forms without trusting them."""

import re

_ID = re.compile(r"[0-9]{1,18}")  # ASCII digits only ("²".isdigit() is True) that fit a bigint


def parse_id(value: str | None) -> int | None:
    """The id in `value`, or None when it is not a plain positive database id."""
    if value and _ID.fullmatch(value):
        return int(value)
    return None
