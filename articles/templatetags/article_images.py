from django import template

from articles.images import SPECS, lead_image

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
    return {"image": image, "src": src, "srcset": image.srcset(), "sizes": SIZES[variant],
            "variant": variant, "article": article}  # fmt: skip


@register.simple_tag
def lead_image_url(article, spec="1200x630"):
    """URL of one rendition (e.g. the 1200x630 social card), or "" when there is no image."""
    image = lead_image(article)
    if image is None or spec not in {s.key for s in SPECS}:
        return ""
    return image.renditions[spec].url
