"""What linkbacks add to a story page: its "Trackback(s)" section, rendered only where shown."""

from functools import cache, partial

from django.template.context_processors import csrf
from django.template.loader import render_to_string

from delivery.pagecache import fragment_context


def _trackback_section(request, story) -> str:
    """The approved pings and the auto-discovery block, the same for every reader (kept as a
    fragment under the story's versions), then how a logged-in user pings."""
    fragments = fragment_context(request)
    context = {
        "article": story,
        "user": request.user,
        "request": request,
        **csrf(request),
        "fragment_seconds": fragments["fragment_seconds"],
        "page_version": fragments["page_version"],
    }
    return render_to_string("linkbacks/trackbacks.html", context)


def story_trackbacks(request, story) -> dict:
    """The story page's trackback section, as a callable the template calls where it shows it."""
    return {"trackback_section": cache(partial(_trackback_section, request, story))}
