"""Template tags of comments' own templates: links under a story."""

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def story_url(name: str, article, **extra):
    """Reverse a URL under a story's path: `{% story_url "comments:post" article %}`."""
    return reverse(name, kwargs={**article.url_kwargs(), **extra})
