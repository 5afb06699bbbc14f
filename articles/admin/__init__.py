"""The newsroom's story admin: registered by `story`; the desk counts come from `desk`."""

from . import desk, story

__all__ = ["desk", "story"]
