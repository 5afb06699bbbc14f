"""What the API reads and how a story looks in JSON: stable field names, one query per list."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from articles.images import lead_image
from articles.models import Article, Category, Correction
from articles.seo import modified_at
from comments.models import Comment
from delivery.site import absolute_url


def _approved_count(comments: QuerySet) -> Coalesce:
    """How many approved rows of `comments` each story has, as a subquery (no extra query)."""
    counted = (
        comments.approved()
        .filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def stories() -> QuerySet:
    """Published stories with everything the API shows: two queries for any number of them."""
    return (
        Article.objects.published()
        .for_listing()
        .annotate(
            comment_count=_approved_count(Comment.objects.comments()),
            trackback_count=_approved_count(Comment.objects.trackbacks()),
        )
        .prefetch_related(
            Prefetch("corrections", queryset=Correction.objects.order_by("created_at", "pk"))
        )
    )


def section_data(category: Category) -> dict:
    return {
        "id": category.pk,
        "name": category.name,
        "slug": category.slug,
        "url": absolute_url(category.get_absolute_url()),
    }


def _image_data(article: Article) -> dict | None:
    image = lead_image(article)
    if image is None:
        return None
    return {
        "alt": image.alt,
        "caption": image.caption,
        "credit": image.credit,
        "width": article.image_width,
        "height": article.image_height,
        "renditions": [
            {"name": key, "url": absolute_url(r.url), "width": r.width, "height": r.height}
            for key, r in image.renditions.items()
        ],
    }


def correction_data(correction: Correction, story_url: str) -> dict:
    return {
        "id": correction.pk,
        "wrong": correction.wrong,
        "right": correction.right,
        "created_at": correction.created_at,
        "url": f"{story_url}#correction-{correction.pk}",
    }


def story_data(article: Article) -> dict:
    """One story as the API shows it (see the Story schema in api/openapi.py)."""
    url = article.permalink
    return {
        "id": article.pk,
        "title": article.title,
        "slug": article.slug,
        "url": url,
        "api_url": absolute_url(reverse("api:story", kwargs={"pk": article.pk})),
        "standfirst": article.standfirst,
        "body_html": str(article.body_html),
        "byline": article.byline_text,
        "section": section_data(article.category),
        "published_at": article.published_at,
        "updated_at": modified_at(article),
        "image": _image_data(article),
        "corrections": [correction_data(c, url) for c in article.corrections.all()],
        "comment_count": article.comment_count,
        "trackback_count": article.trackback_count,
    }
