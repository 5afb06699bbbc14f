"""Length and reading time of a story, as the change form shows them."""

import math
import re
from dataclasses import dataclass

WORDS_PER_MINUTE = 230  # a common figure for adults reading news on screen
WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")


@dataclass(frozen=True)
class TextStats:
    characters: int
    words: int

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE)) if self.words else 0

    def __str__(self) -> str:
        minutes = f"{self.minutes} min read" if self.minutes else "nothing to read yet"
        return f"{self.characters:,} characters · {self.words:,} words · {minutes}"


def text_stats(text: str) -> TextStats:
    """Count characters (without surrounding space) and words in `text`."""
    return TextStats(characters=len(text.strip()), words=len(WORD.findall(text)))


def reading_minutes(text: str) -> int:
    """Minutes an average reader needs for `text` (at least one), as the change form counts."""
    return max(1, text_stats(text).minutes)
