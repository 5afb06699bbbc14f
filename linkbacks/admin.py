"""The linkbacks in the admin: what each target a story told answered (and sending again, on the
story's page), personal tokens, verified sites, and checking a received ping's source again."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html

from articles import workflow
from articles.admin.story import ArticleAdmin
from articles.models import Article
from comments.admin import CommentAdmin
from comments.models import Comment
from guards.params import parse_id

from .models import SentLinkback, TrackbackToken, VerifiedSite
from .services import sent_linkback_retry
from .tasks import verify_trackback
from .tokens import trackback_token_create, trackback_tokens_revoke


class SentLinkbackInline(admin.TabularInline):
    """The answers, for anyone who may see the story (Editors and Journalists hold the view
    permission); those who may change it can send to one target again."""

    model = SentLinkback
    extra = 0
    can_delete = False
    verbose_name = "linkback sent"
    verbose_name_plural = "trackbacks sent (TrackBack, Pingback, Webmention)"
    template = "admin/edit_inline/read_only_tabular.html"  # a header for every column
    FIELDS = [
        "target_url",
        "protocol",
        "ping_url",
        "status",
        "message",
        "attempts",
        "last_attempt_at",
    ]

    def get_fields(self, request, obj=None):
        if obj is not None and self.parent_admin_can_change(request, obj):
            return [*self.FIELDS, "send_again"]
        return self.FIELDS

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def parent_admin_can_change(self, request, obj):
        # Opening the form is not enough: the author of a live story may open it to keep pending
        # changes, but only who may edit it (as the service checks) sends again.
        parent = self.admin_site.get_model_admin(obj.__class__)
        return parent.has_change_permission(request, obj) and workflow.can_edit(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # answers are written by the sending, never by hand

    @admin.display(description="again")  # a header with no text is one screen readers skip
    def send_again(self, ping):
        if ping.pk is None:
            return ""
        url = reverse("admin:articles_article_resend_ping", args=[ping.article_id])
        # A button of the story's form (forms cannot nest), sent to its own address.
        return format_html(
            '<button type="submit" class="button" formaction="{}" name="ping" value="{}">'
            "Send again</button>",
            url,
            ping.pk,
        )


class PingResendMixin:
    """The story admin's view that sends to one target again."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/pings/resend/",
                self.admin_site.admin_view(self.resend_ping_view),
                name="articles_article_resend_ping",
            ),
            *super().get_urls(),
        ]

    def resend_ping_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such story.")
        if not self.has_change_permission(request, article) or not workflow.can_edit(
            request.user, article
        ):
            raise PermissionDenied
        pk = parse_id(request.POST.get("ping", ""))
        ping = SentLinkback.objects.filter(article=article, pk=pk).first() if pk else None
        if ping is None:
            raise Http404("No such target.")
        if sent_linkback_retry(ping=ping, by=request.user):
            self.message_user(request, f"Sending to {ping.target_url} again.")
        else:
            self.message_user(request, "Only a public story can be sent.", messages.WARNING)
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))


# The story admin with its pings sent (the articles app knows nothing of linkbacks).
admin.site.unregister(Article)


@admin.register(Article)
class StoryWithLinkbacksAdmin(PingResendMixin, ArticleAdmin):
    inlines = [*ArticleAdmin.inlines, SentLinkbackInline]


# The moderation queue, with the check of a received ping's source.
admin.site.unregister(Comment)


@admin.register(Comment)
class CommentWithSourcesAdmin(CommentAdmin):
    actions = [*CommentAdmin.actions, "verify_again"]

    @admin.action(
        description="Check the source of selected trackbacks again", permissions=["moderate"]
    )
    def verify_again(self, request, queryset):
        trackbacks = queryset.filter(kind=Comment.Kind.TRACKBACK).select_related("article")
        for trackback in trackbacks:
            verify_trackback.enqueue(trackback.pk, recheck=True)
        self.message_user(request, f"Checking {len(trackbacks)} trackback(s) again.")


@admin.register(TrackbackToken)
class TrackbackTokenAdmin(admin.ModelAdmin):
    """Editors see every token and revoke leaked ones; only superusers make tokens for others.

    Revocation is final: a revoked token is never brought back (make a new one).
    """

    list_display = ["name", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    list_select_related = ["user"]
    search_fields = ["name", "user__username", "user__email"]
    raw_id_fields = ["user"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name"] if request.user.is_superuser else ["name"]
        return ["user", "name", "created_at", "last_used_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["user", "created_at", "last_used_at", "revoked_at"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        owner = obj.user if request.user.is_superuser and obj.user_id else request.user
        token, value = trackback_token_create(user=owner, name=obj.name)
        obj.pk, obj.user = token.pk, owner
        self.message_user(
            request,
            f"Token for {owner}: {value} (copy it now; it is not listed here).",
            messages.WARNING,
        )

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        count = trackback_tokens_revoke(tokens=queryset)
        self.message_user(request, f"{count} token(s) revoked.", messages.SUCCESS)


@admin.register(VerifiedSite)
class VerifiedSiteAdmin(admin.ModelAdmin):
    """The sites users proved are theirs; their Webmentions and Pingbacks count as the users'."""

    list_display = ["origin", "user", "verified_at", "checked_at", "check_note"]
    list_filter = [("verified_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["origin", "user__username"]
    fields = readonly_fields = [
        "origin",
        "user",
        "created_at",
        "checked_at",
        "check_note",
        "verified_at",
    ]

    def has_add_permission(self, request):
        return False  # registered by their owners, on their token page
