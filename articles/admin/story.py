"""The story admin: list, change form, permissions; writes go through `articles.services`."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from articles import drafting, images, services, workflow
from articles.models import Article, Category
from articles.presence import presence_touch
from articles.revisions import latest_revision, user_text, when_text
from articles.textstats import WORDS_PER_MINUTE, text_stats
from guards.params import parse_id

from .actions import WorkflowActionsMixin
from .corrections import CorrectionInline, CorrectionViewsMixin
from .drafts import DraftViewsMixin
from .forms import BUTTON_LABELS, TRANSITION_BUTTONS, ArticleAdminForm
from .revisions import RevisionViewsMixin


class WriteRefused(Exception):
    """A service refused the change form's write; carries its ValidationError."""

    def __init__(self, error: ValidationError):
        super().__init__(error)
        self.error = error


class PublicationFilter(admin.SimpleListFilter):
    title = "publication"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"),
            ("review", "In review"),
            ("scheduled", "Scheduled"),
            ("embargoed", "Under embargo"),
            ("live", "Live"),
            ("unpublished", "Unpublished"),
            ("returned", "Returned to me"),
            ("pending", "Live, with pending changes"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "draft":
                return queryset.filter(status=Article.Status.DRAFT)
            case "review":
                return queryset.in_review()
            case "scheduled":
                return queryset.scheduled()
            case "embargoed":
                return queryset.embargoed()
            case "live":
                return queryset.published()
            case "unpublished":
                return queryset.filter(status=Article.Status.UNPUBLISHED)
            case "returned":
                return queryset.returned_to(request.user)
            case "pending":
                return queryset.with_pending_changes()
        return queryset


def list_when(moment) -> str:
    """A moment as the story list shows it: short, one format for every date column."""
    return date_format(timezone.localtime(moment), "j M Y, H:i")


class AuthorFilter(admin.SimpleListFilter):
    """Authors by their names, as the rest of the newsroom names them."""

    title = "author"
    parameter_name = "author__id__exact"

    def lookups(self, request, model_admin):
        authors = get_user_model().objects.filter(articles__isnull=False).distinct()
        return sorted(((a.pk, user_text(a)) for a in authors), key=lambda pair: pair[1].lower())

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(author_id=parse_id(self.value()))  # not a number: nobody


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(
    DraftViewsMixin,
    WorkflowActionsMixin,
    CorrectionViewsMixin,
    RevisionViewsMixin,
    admin.ModelAdmin,
):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = [
        "title",
        "status_column",
        "category",
        "author_column",
        "publication_column",
        "updated_column",
    ]
    list_filter = [PublicationFilter, "category", AuthorFilter]
    list_select_related = ["category", "author"]
    search_fields = ["title", "standfirst", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["category", "author"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "standfirst", "body", "text_length"]}),
        (
            "Lead image",
            {
                "fields": [
                    "image",
                    "image_preview",
                    "image_alt",
                    "image_caption",
                    "image_credit",
                    ("image_focal_x", "image_focal_y"),
                ]
            },
        ),
        ("Publication", {"fields": ["status_display", "published_at", "author", "byline"]}),
        (
            "Discussion",
            {
                "fields": [
                    "comments_open",
                    "trackbacks_open",
                    "trackback_targets",
                    "notify_linked_pages",
                ]
            },
        ),
    ]
    inlines = [CorrectionInline]  # linkbacks adds the pings sent

    class Media:
        css = {"all": ["articles/admin/article_form.css", "articles/admin/editor.css"]}
        js = ["articles/admin/article_form.js", "articles/admin/editor.js"]

    # Permissions: the model permissions, narrowed story by story by the workflow rules.

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        # The author of a live story may open its form to keep pending changes (see below).
        return obj is None or workflow.can_propose(request.user, obj)

    def proposes_only(self, request, obj) -> bool:
        """The author of a live story: may keep pending changes, not save or publish it."""
        return obj is not None and not workflow.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or workflow.can_edit(request.user, obj)

    def has_publish_permission(self, request, obj=None):
        return workflow.can_publish(request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id:
            article = self.get_object(request, unquote(object_id))
            refused = not self.has_change_permission(request, article) or (
                self.proposes_only(request, article) and "_pending" not in request.POST
            )
            if article is not None and self.has_view_permission(request, article) and refused:
                return self._kept_text_response(request, article)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except WriteRefused as refused:
            # The service said no and the transaction rolled back: show the same form again,
            # its reasons as form errors and every typed word kept (see ArticleAdminForm).
            request.article_refusal = refused.error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def _kept_text_response(self, request, article):
        """A save the user may no longer make (the story moved on): refuse, keep every word."""
        latest = latest_revision(article)
        typed = [
            (label, request.POST.get(name, ""))
            for name, label in (("title", "Title"), ("standfirst", "Standfirst"), ("body", "Body"))
        ]
        context = self._context(
            request,
            article,
            "Your changes were not saved",
            typed=typed,
            status=workflow.status_label(article).lower(),
            changed_by=user_text(latest.history_user) if latest else "someone",
            changed_at=latest.history_date if latest else None,
        )
        return TemplateResponse(
            request, "admin/articles/article/kept_text.html", context, status=409
        )

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        in_transaction = transaction.get_connection().in_atomic_block
        if obj is not None and request.method == "POST" and in_transaction:
            # Two saves of one story queue here, so the second sees the first's revision.
            obj = Article.objects.select_for_update().get(pk=obj.pk)
        return obj

    def get_inlines(self, request, obj):
        # The inlines are read-only records (corrections, pings sent): none yet, no table; an
        # empty one is a grid of blank headers (axe: `empty-table-header`) telling nothing.
        if obj is None:
            return []
        inlines = super().get_inlines(request, obj)
        return [i for i in inlines if i.model._default_manager.filter(article=obj).exists()]

    def get_readonly_fields(self, request, obj=None):
        fields = ["text_length", "image_preview", "status_display"]
        if not workflow.can_publish(request.user):
            fields += ["published_at", "author_name"]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if workflow.can_publish(request.user):
            return fieldsets
        # Read-only for journalists, and named plainly: a link to the user admin would be a 403.
        return [
            (
                name,
                {
                    **options,
                    "fields": ["author_name" if f == "author" else f for f in options["fields"]],
                },
            )
            for name, options in fieldsets
        ]

    @admin.display(description="Author")
    def author_name(self, obj):
        author = obj.author if obj is not None and obj.author_id else None
        return (author.get_full_name() or author.get_username()) if author else "You, once saved"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        locked = (
            ("status",)
            if workflow.can_publish(request.user)
            else ("status", "published_at", "author")
        )
        return type(form.__name__, (form,), {"request": request, "locked_fields": locked})

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        try:
            if "_pending" in request.POST and change:
                drafting.pending_save(
                    article=obj, by=request.user, seen=request.POST.get("pending_seen")
                )
            elif form.transition:
                services.article_apply(
                    article=obj,
                    by=request.user,
                    transition=form.transition,
                    at=form.cleaned_data.get("published_at"),
                )
                self.message_user(request, f"“{obj}”: {workflow.status_label(obj).lower()}.")
            else:
                services.article_save(article=obj, by=request.user)
        except ValidationError as error:
            raise WriteRefused(error) from error

    def delete_model(self, request, obj):
        services.article_delete(article=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for article in queryset:
                services.article_delete(article=article, by=request.user)

    # The change form: workflow buttons, presence, conflict and links.

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        article = obj or Article()
        can_change = add or self.has_change_permission(request, obj)
        context["workflow_buttons"] = [
            (name, BUTTON_LABELS[transition])
            for name, transition in TRANSITION_BUTTONS.items()
            if can_change and transition in workflow.transitions_allowed(request.user, article)
        ]
        context["workflow_status"] = self.status_display(obj)
        if obj is not None:
            context["others_here"] = presence_touch(article_id=obj.pk, user=request.user)
            context.update(self.drafts_context(request, obj, can_change))
            if self.proposes_only(request, obj):
                # Only "Save as pending changes": an editor saves, publishes or deletes.
                context.update(
                    show_save=False,
                    show_save_and_continue=False,
                    show_save_and_add_another=False,
                    show_delete=False,
                    show_delete_link=False,
                )
            context["can_preview"] = can_change and (not obj.is_public or context["pending"])
            context["can_correct"] = obj.is_public and workflow.can_publish(request.user)
            context["embargo_until"] = obj.embargo_until if obj.under_embargo else None
        else:
            context.update(self.new_drafts_context(request))
        response = super().render_change_form(request, context, add, change, form_url, obj)
        if obj is not None and obj.pk and request.method == "POST":
            # A refused save: the heading and breadcrumb name the story as saved, not as typed.
            stored = Article.objects.filter(pk=obj.pk).first() or obj
            response.context_data.update(original=stored, subtitle=str(stored))
        return response

    @admin.display(description="Length")
    def text_length(self, obj):
        return format_html(
            '<span class="article-text-stats" data-words-per-minute="{}">{}</span>',
            WORDS_PER_MINUTE,
            text_stats(obj.body if obj else ""),
        )

    @admin.display(description="Current image")
    def image_preview(self, obj):
        image = images.lead_image(obj) if obj else None
        if image is None:
            return "No image yet."
        return format_html(
            '<div class="focal-picker" data-x="{}" data-y="{}"><img src="{}" alt="{}" '
            'width="{}"><span class="focal-marker" aria-hidden="true"></span></div>'
            '<p class="help">Click the image to set the focal point.</p>',
            obj.image_focal_x,
            obj.image_focal_y,
            obj.image.url,
            obj.image_alt,
            400,
        )

    @admin.display(description="Status")
    def status_display(self, obj):
        if obj is None or obj.pk is None:
            return "Draft (new)"
        if obj.is_public:
            return f"Published {when_text(obj.published_at)}"
        if obj.published_at is None:
            return workflow.status_label(obj)
        return self.publication_column(obj, when_format=when_text)

    # The list.

    @admin.display(description="Status", ordering="status")
    def status_column(self, obj):
        return workflow.status_label(obj)

    @admin.display(description="Author", ordering="author__username")
    def author_column(self, obj):
        return user_text(obj.author) if obj.author_id else "—"  # full names, as on revisions

    @admin.display(description="Updated", ordering="updated_at")
    def updated_column(self, obj):
        return list_when(obj.updated_at)  # the same format as the publication column

    @admin.display(description="Published or scheduled", ordering="published_at")
    def publication_column(self, obj, when_format=None):
        if obj.published_at is None:
            return "—"
        when = (when_format or list_when)(obj.published_at)
        if obj.status == Article.Status.PUBLISHED and obj.under_embargo:
            return f"Embargoed until {when}"
        if obj.status == Article.Status.PUBLISHED:
            return when if obj.is_public else f"Scheduled for {when}"
        if obj.status == Article.Status.UNPUBLISHED:
            return f"Unpublished (was {when})"
        return f"Planned for {when}"

    def changelist_view(self, request, extra_context=None):
        # The list is the desk's working surface: it gets the whole width (the sidebar of
        # every model is one click away in the breadcrumbs), so no column hides off-screen.
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def get_list_display(self, request):
        # The link column depends on the user, so it is made per request (admins are shared).
        @admin.display(description="Page")
        def page_link(obj):
            if obj.is_public:
                return format_html('<a href="{}">View on site</a>', obj.get_absolute_url())
            if workflow.can_edit(request.user, obj):
                url = reverse("admin:articles_article_preview", args=[obj.pk])
                return format_html('<a href="{}">Preview</a>', url)
            return ""

        return [*super().get_list_display(request), page_link]

    def view_on_site(self, obj):
        # Only public stories have a page; others would 404 (they get "Preview").
        return obj.get_absolute_url() if obj.is_public else None
