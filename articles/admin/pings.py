"""What each target a story told answered (TrackBack, Pingback, Webmention), and sending again."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html

from articles import services, workflow
from articles.models import TrackbackPing
from guards.params import parse_id


class TrackbackPingInline(admin.TabularInline):
    """The answers, for anyone who may see the story (Editors and Journalists hold the view
    permission); those who may change it can send to one target again."""

    model = TrackbackPing
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
    """The story admin's view that sends to one target again (for ArticleAdmin)."""

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
        ping = TrackbackPing.objects.filter(article=article, pk=pk).first() if pk else None
        if ping is None:
            raise Http404("No such target.")
        if services.trackback_ping_retry(ping=ping, by=request.user):
            self.message_user(request, f"Sending to {ping.target_url} again.")
        else:
            self.message_user(request, "Only a public story can be sent.", messages.WARNING)
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
