from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

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
        "moderation_reason",
        "ip_address",
        "created_at",
    ]
    list_filter = ["status", "kind", "created_at", ("article", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["article"]
    search_fields = ["name", "email", "body", "title", "url", "ip_address"]
    date_hierarchy = "created_at"
    actions = ["approve", "mark_spam", "remove"]
    raw_id_fields = ["article", "parent", "user"]
    readonly_fields = [
        "kind",
        "ip_address",
        "user_agent",
        "moderation_reason",
        "created_at",
        "updated_at",
    ]

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.can_moderate")

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


@admin.register(ModerationRule)
class ModerationRuleAdmin(admin.ModelAdmin):
    list_display = ["value", "kind", "note", "created_at"]
    list_filter = ["kind"]
    search_fields = ["value", "note"]
