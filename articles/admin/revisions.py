"""The story's extra admin pages: preview, revisions (list, compare, restore) and presence."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from articles import services, workflow
from articles.diffs import version_diffs
from articles.presence import presence_touch
from articles.revisions import REVISION_FIELDS, category_names, revision_values
from guards.params import parse_id


class RevisionViewsMixin:
    """Extra views of one story for ArticleAdmin, each behind the admin's own permissions."""

    def get_urls(self):
        def view(func, name):
            return path(
                f"<path:object_id>/{name}/",
                self.admin_site.admin_view(func),
                name=f"articles_article_{name.replace('/', '_')}",
            )

        return [
            view(self.preview_view, "preview"),
            view(self.revisions_view, "revisions"),
            view(self.compare_view, "revisions/compare"),
            path(
                "<path:object_id>/revisions/<int:revision_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="articles_article_restore",
            ),
            view(self.presence_view, "presence"),
            *super().get_urls(),
        ]

    def _article_or_404(self, request, object_id, *, change=False):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such story.")
        allowed = (
            self.has_change_permission(request, article)
            if change
            else self.has_view_or_change_permission(request, article)
        )
        if not allowed:
            raise PermissionDenied
        return article

    def preview_view(self, request, object_id):
        """Render the story with the public template, for those who may change it."""
        article = self._article_or_404(request, object_id, change=True)
        response = TemplateResponse(
            request,
            "articles/article_preview.html",
            {
                "article": article,
                "object": article,
                "preview": True,
                "preview_status": "Pending changes to the live story"
                if getattr(request, "draft_shown", None)
                else self.status_display(article),
                "change_url": reverse("admin:articles_article_change", args=[article.pk]),
            },
        )
        # admin_view already sends "private, no-store"; robots get told twice (header + meta).
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def _context(self, request, article, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": title,
            "subtitle": str(article),
            "has_view_permission": self.has_view_permission(request, article),
            "can_change": workflow.can_edit(request.user, article),
            **extra,
        }

    def revisions_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        revisions = article.history.select_related("history_user").order_by("-history_id")
        page = Paginator(revisions, 50).get_page(request.GET.get("page"))
        latest = revisions.first()
        context = self._context(
            request,
            article,
            "Revisions",
            page=page,
            latest_id=latest.history_id if latest else None,
        )
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    def compare_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        ids = [parse_id(request.GET.get("from")), parse_id(request.GET.get("to"))]
        if None in ids:
            raise Http404("Choose two revisions to compare.")
        found = {
            r.history_id: r
            for r in article.history.select_related("history_user").filter(history_id__in=ids)
        }
        if len(found) != len(set(ids)):
            raise Http404("No such revision of this story.")
        old, new = sorted((found[ids[0]], found[ids[1]]), key=lambda r: r.history_id)
        categories = category_names(old, new)
        diffs = version_diffs(
            revision_values(old, categories), revision_values(new, categories), REVISION_FIELDS
        )
        context = self._context(
            request, article, "Compare revisions", old=old, new=new, diffs=diffs
        )
        return TemplateResponse(request, "admin/articles/article/revision_compare.html", context)

    def restore_view(self, request, object_id, revision_id):
        article = self._article_or_404(request, object_id, change=True)
        revision = (
            article.history.select_related("history_user").filter(history_id=revision_id).first()
        )
        if revision is None:
            raise Http404("No such revision of this story.")
        if request.method == "POST":
            try:
                services.article_revision_restore(
                    article=article, revision_id=revision_id, by=request.user
                )
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                self.message_user(
                    request, f"Restored revision {revision_id}; the restore is a new revision."
                )
                return HttpResponseRedirect(
                    reverse("admin:articles_article_change", args=[article.pk])
                )
        categories = category_names(revision, article)
        restorable = {
            name: REVISION_FIELDS[name]
            for name in ("title", "standfirst", "body", "category", "byline")
        }
        diffs = version_diffs(
            revision_values(article, categories), revision_values(revision, categories), restorable
        )
        context = self._context(
            request, article, "Restore a revision", revision=revision, diffs=diffs
        )
        return TemplateResponse(request, "admin/articles/article/revision_restore.html", context)

    def presence_view(self, request, object_id):
        return require_POST(self._presence)(request, object_id)

    def _presence(self, request, object_id):
        article = self._article_or_404(request, object_id)
        others = presence_touch(article_id=article.pk, user=request.user)
        return JsonResponse(
            {"others": [{"name": p.name, "seen_at": p.seen_at.isoformat()} for p in others]}
        )
