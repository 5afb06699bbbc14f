"""Facts about readers' discussions that other apps react to, sent by this app.

Listeners connect in their own `AppConfig.ready()` and run inside the writer's transaction, so
anything that must wait for the commit goes through `transaction.on_commit`.
"""

from django.dispatch import Signal

# The discussion under these stories changed: a comment or a received ping (trackback,
# pingback, webmention) was stored, changed state or was deleted, through any door (posting,
# the admin, moderation, a person leaving, a ping verified). Arguments: `story_ids` (a set of
# Article ids) and `stories` (those of the stories already read, so listeners need not read
# them again; may be empty). Listeners: delivery/invalidation.py.
discussion_changed = Signal()
