"""The newsroom's story admin: registered by `story`; the desk counts come from `desk`."""

from . import authors, desk, desk_rows, story, tasks

__all__ = ["authors", "desk", "desk_rows", "story", "tasks"]
