from django import template

from articles.images import lead_image

register = template.Library()

SIZES = {
    # The story column is at most about 46rem wide; lists show a thumbnail column.
    "page": "(min-width: 50rem) 46rem, 100vw",
    "list": "(min-width: 40rem) 240px, 40vw",
}


@register.inclusion_tag("includes/lead_image.html")
def lead_image_figure(article, variant="page"):
    """The lead image as a responsive <img> with `srcset`, or nothing when there is none."""
    image = lead_image(article)
    if image is None:
        return {"image": None}
    src = image.renditions["800w" if variant == "page" else "400w"]
    return {
        "image": image,
        "src": src,
        "srcset": image.srcset(),
        "sizes": SIZES[variant],
        "variant": variant,
        "article": article,
    }
