from .models import Category


def navigation(request):
    """Sections for the masthead; a lazy queryset, so pages that don't show it don't query."""
    return {"navigation_categories": Category.objects.all()}
