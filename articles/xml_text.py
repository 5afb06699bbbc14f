"""Text that goes into XML (feeds and sitemaps)."""

import re

from guards.text import without_control_characters

# Beside control characters, XML 1.0 cannot carry these two; one pasted vertical tab must not
# take a whole feed down.
_XML_NONCHARACTERS = re.compile("[\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Drop the characters XML 1.0 forbids (feeds and sitemaps are XML)."""
    return _XML_NONCHARACTERS.sub("", without_control_characters(text))
