"""The articles app's models, by subject: stories, the desk's rows, writers' pages."""

from .authors import BYLINE_JOIN, AuthorProfile
from .desk import BodyImage, DraftRevision, ReviewNote, StoryRedirect
from .stories import AppendOnly, Article, Category, Correction, title_when_published

__all__ = [
    "BYLINE_JOIN",
    "AppendOnly",
    "Article",
    "AuthorProfile",
    "BodyImage",
    "Category",
    "Correction",
    "DraftRevision",
    "ReviewNote",
    "StoryRedirect",
    "title_when_published",
]
