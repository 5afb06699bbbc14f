from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from articles import desk

from . import services
from .models import Comment, ModerationRule


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """One moderation queue for reader comments and trackbacks."""

    list_display = [
        "excerpt",
        "kind",
        "name",
        "status",
        "story",
        "sender",
        "verification",
        "verified_at",
        "moderation_reason",
        "ip_address",
        "created_at",
    ]
    list_filter = [
        "status",
        "kind",
        "verification",
        "created_at",
        ("article", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["article", "user", "token"]
    search_fields = ["name", "email", "body", "title", "url", "ip_address"]
    date_hierarchy = "created_at"
    actions = ["approve", "mark_spam", "remove"]  # linkbacks adds "verify_again"
    raw_id_fields = ["article", "parent", "user"]
    readonly_fields = [
        "kind",
        "token",
        "verification",
        "verification_note",
        "verified_at",
        "ip_address",
        "user_agent",
        "moderation_reason",
        "created_at",
        "updated_at",
    ]

    # One click per row (no actions drop-down): the buttons post the list's own form, so its
    # CSRF token goes along, to `<id>/moderate/<status>/`, which calls the same service.
    ONE_CLICK = {
        Comment.Status.APPROVED: ("Approve", "approved"),
        Comment.Status.SPAM: ("Spam", "marked as spam"),
        Comment.Status.REMOVED: ("Remove", "removed"),
    }

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.can_moderate")

    def has_add_permission(self, request):
        return False  # comments come from readers and trackbacks, never from the admin

    def get_urls(self):
        return [
            path(
                "<int:pk>/moderate/<str:status>/",
                self.admin_site.admin_view(require_POST(self.moderate_one_view)),
                name="comments_comment_moderate_one",
            ),
            *super().get_urls(),
        ]

    def moderate_one_view(self, request, pk, status):
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        if status not in self.ONE_CLICK:
            raise Http404("No such decision.")
        comment = get_object_or_404(Comment, pk=pk)
        verb = self.ONE_CLICK[status][1]
        self._moderate(request, Comment.objects.filter(pk=comment.pk), status, verb)
        # Back to the same filtered page of the list (only its query string is carried).
        back = QueryDict(request.GET.get("back", "")).urlencode()
        url = reverse("admin:comments_comment_changelist")
        return HttpResponseRedirect(f"{url}?{back}" if back else url)

    def get_list_display(self, request):
        if not self.has_moderate_permission(request):
            return super().get_list_display(request)
        back = urlencode({"back": request.GET.urlencode()}) if request.GET else ""

        @admin.display(description="Decide")
        def decide(comment):
            buttons = [
                (
                    reverse("admin:comments_comment_moderate_one", args=[comment.pk, status])
                    + (f"?{back}" if back else ""),
                    status,
                    label,
                )
                for status, (label, _) in self.ONE_CLICK.items()
                if comment.status != status
            ]
            return format_html_join(
                " ",
                '<button type="submit" class="button moderate-{}" formaction="{}" '
                "formnovalidate>{}</button>",
                ((s, u, lab) for u, s, lab in buttons),
            )

        return [
            "excerpt",
            decide,
            *[c for c in super().get_list_display(request) if c != "excerpt"],
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_moderate_permission(request):
            fields.append("status")
        return fields

    @admin.display(description="Comment")
    def excerpt(self, comment):
        return Truncator(comment.title or comment.body).chars(80)

    @admin.display(description="Story", ordering="article__title")
    def story(self, comment):
        url = reverse("admin:articles_article_change", args=[comment.article_id])
        return format_html('<a href="{}">{}</a>', url, Truncator(comment.article.title).chars(50))

    @admin.display(description="Sent by")
    def sender(self, comment):
        if comment.user_id is None:
            return "anonymous"
        token = f" (token: {comment.token.name})" if comment.token_id else ""
        return f"{comment.user}{token}"

    def _moderate(self, request, queryset, status, verb):
        count = services.comments_moderate(comments=queryset, status=status, moderator=request.user)
        self.message_user(request, f"{count} {verb}.", messages.SUCCESS)

    @admin.action(description="Approve selected", permissions=["moderate"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.APPROVED, "approved")

    @admin.action(description="Mark selected as spam", permissions=["moderate"])
    def mark_spam(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.SPAM, "marked as spam")

    @admin.action(description="Remove selected", permissions=["moderate"])
    def remove(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.REMOVED, "removed")


def moderation_queue(request):
    """The comments and trackbacks waiting for a moderator, on the admin index."""
    if not request.user.has_perm("comments.can_moderate"):
        return None
    url = reverse("admin:comments_comment_changelist") + "?status__exact=pending"
    return desk.DeskItem(
        "Comments and trackbacks awaiting moderation", Comment.objects.in_moderation().count(), url
    )


@admin.register(ModerationRule)
class ModerationRuleAdmin(admin.ModelAdmin):
    list_display = ["value", "kind", "note", "created_at"]
    list_filter = ["kind"]
    search_fields = ["value", "note"]
