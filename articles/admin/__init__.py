"""The newsroom's story admin: registered by `story`; the desk counts come from `desk`."""

from . import desk, desk_rows, story

__all__ = ["desk", "desk_rows", "story"]
