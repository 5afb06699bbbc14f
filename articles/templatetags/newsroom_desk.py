from django import template

from articles.desk import desk_items

register = template.Library()


@register.inclusion_tag("admin/includes/newsroom_desk.html", takes_context=True)
def newsroom_desk(context):
    """Show the counts of work waiting that the logged-in user may act on."""
    return {"items": desk_items(context["request"])}
