"""The newsroom's story admin: registered by `story`; the desk counts come from `desk`."""

from . import authors, desk, story

__all__ = ["authors", "desk", "story"]
