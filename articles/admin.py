from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from PIL import Image

from newsroom import desk
from newsroom.params import parse_id

from . import images, services, workflow
from .diffs import version_diffs
from .models import Article, Category, TrackbackPing
from .presence import presence_touch
from .textstats import WORDS_PER_MINUTE, text_stats
from .workflow import Transition

# Submit buttons on the change form: each saves the form and applies one transition.
TRANSITION_BUTTONS = {
    "_submit_review": Transition.SUBMIT,
    "_publish": Transition.PUBLISH,
    "_schedule": Transition.SCHEDULE,
    "_unpublish": Transition.UNPUBLISH,
}
BUTTON_LABELS = {
    Transition.SUBMIT: "Save and submit for review",
    Transition.PUBLISH: "Save and publish now",
    Transition.SCHEDULE: "Save and schedule",
    Transition.UNPUBLISH: "Save and unpublish",
}
# What a revision shows and compares, with the label readers of the diff see.
REVISION_FIELDS = {
    "title": "Title",
    "standfirst": "Standfirst",
    "body": "Body",
    "category": "Section",
    "byline": "Byline",
    "status": "Status",
    "published_at": "Publication time",
}


def when_text(moment) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def user_text(user) -> str:
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()


def latest_revision(article: Article):
    return article.history.select_related("history_user").order_by("-history_id").first()


def revision_values(revision, categories: dict[int, str]) -> dict[str, str]:
    """A revision (or a story) as the strings a diff compares."""
    status = Article(status=revision.status, published_at=revision.published_at)
    return {
        "title": revision.title,
        "standfirst": revision.standfirst,
        "body": revision.body,
        "category": categories.get(revision.category_id, "(a section since deleted)"),
        "byline": revision.byline,
        "status": workflow.status_label(status),
        "published_at": when_text(revision.published_at) if revision.published_at else "",
    }


def category_names(*records) -> dict[int, str]:
    ids = {record.category_id for record in records if record is not None}
    return dict(Category.objects.filter(pk__in=ids).values_list("pk", "name"))


class LeadImageField(forms.ImageField):
    """An upload checked by `images.image_inspect`, renamed so no uploaded name is ever stored."""

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        info = images.image_inspect(upload)
        upload.name = f"image.{info.extension}"
        upload.content_type = Image.MIME[info.format]
        upload.image_info = info
        return upload

    def widget_attrs(self, widget):
        attrs = forms.FileField.widget_attrs(self, widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = "image/jpeg,image/png,image/webp"
        return attrs


class ProseField(forms.CharField):
    """Text as browsers send it (CRLF) stored as LF, so an untouched field diffs as unchanged."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")


class ArticleAdminForm(forms.ModelForm):
    # The revision the editor started from: a save on top of a newer one is refused.
    base_revision = forms.CharField(required=False, widget=forms.HiddenInput)

    # Set per request by ArticleAdmin.get_form.
    request = None
    locked_fields: tuple[str, ...] = ()

    class Meta:
        field_classes = {"image": LeadImageField, "body": ProseField, "standfirst": ProseField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = None
        self.conflict = None
        if not self.is_bound and self.instance.pk:
            latest = latest_revision(self.instance)
            self.initial["base_revision"] = latest.history_id if latest else ""

    @property
    def changed_data(self):
        # The revision marker is bookkeeping, not an edit worth a line in the admin's log.
        return [name for name in super().changed_data if name != "base_revision"]

    def clean(self):
        cleaned = super().clean()
        self._refuse_locked_fields()
        self._check_conflict(cleaned)
        self._check_transition(cleaned)
        self._check_publication_time(cleaned)
        if cleaned.get("image") and not (cleaned.get("image_alt") or "").strip():
            self.add_error(
                "image_alt", "Describe the image for readers who cannot see it (alt text)."
            )
        return cleaned

    def _refuse_locked_fields(self):
        """A browser never sends fields shown read-only: such a value is a crafted request."""
        data, instance = self.data, self.instance
        sent = []
        if "status" in self.locked_fields and data.get("status") not in (None, "", instance.status):
            sent.append("status")
        if "published_at" in self.locked_fields and any(
            data.get(key) for key in ("published_at", "published_at_0", "published_at_1")
        ):
            sent.append("publication time")
        author = str(instance.author_id or self.request.user.pk)
        if "author" in self.locked_fields and data.get("author") not in (None, "", author):
            sent.append("author")
        if sent:
            raise ValidationError(
                "You cannot set the %(fields)s of a story here; status changes only through "
                "the workflow buttons, and only editors publish or schedule.",
                code="locked",
                params={"fields": ", ".join(sent)},
            )

    def _check_conflict(self, cleaned):
        if self.instance.pk is None:
            return
        latest = latest_revision(self.instance)
        base = cleaned.get("base_revision") or ""
        if latest is None or base == str(latest.history_id):
            return
        base_record = None
        if (base_id := parse_id(base)) is not None:
            base_record = self.instance.history.filter(history_id=base_id).first()
        categories = category_names(base_record, latest)
        before = revision_values(base_record, categories) if base_record else {}
        self.conflict = {
            "by": user_text(latest.history_user),
            "at": latest.history_date,
            "diffs": [
                d
                for d in version_diffs(before, revision_values(latest, categories), REVISION_FIELDS)
                if d.changed
            ],
        }
        # Saving again after reading the difference is a deliberate choice: allow it.
        self.data = self.data.copy()
        self.data["base_revision"] = str(latest.history_id)
        raise ValidationError(
            "%(who)s changed this story on %(when)s, after you opened it. Nothing was saved: "
            "your text is still in the form below. Check their changes (shown above), then save "
            "again to replace them with yours.",
            code="conflict",
            params={"who": self.conflict["by"], "when": when_text(latest.history_date)},
        )

    def _check_transition(self, cleaned):
        names = [name for name in TRANSITION_BUTTONS if name in self.data]
        if not names:
            return
        self.transition = TRANSITION_BUTTONS[names[0]]
        try:
            # PermissionDenied passes through: a crafted button is a 403, not a form error.
            workflow.transition_check(self.request.user, self.instance, self.transition)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
        if self.transition is Transition.SCHEDULE:
            at = cleaned.get("published_at")
            if at is None or at <= timezone.now():
                self.add_error("published_at", "Choose a time in the future to schedule the story.")

    def _check_publication_time(self, cleaned):
        if self.transition or "published_at" not in cleaned:
            return
        if self.instance.status != Article.Status.PUBLISHED:
            return
        at = cleaned["published_at"]
        if at is None:
            self.add_error(
                "published_at", "A published story needs a time; use Unpublish to withdraw it."
            )
        elif at != self.instance.published_at and at > timezone.now() and self.instance.is_public:
            self.add_error(
                "published_at", "To move a live story into the future, unpublish it, then schedule."
            )


class PublicationFilter(admin.SimpleListFilter):
    title = "publication"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"),
            ("review", "In review"),
            ("scheduled", "Scheduled"),
            ("live", "Live"),
            ("unpublished", "Unpublished"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "draft":
                return queryset.filter(status=Article.Status.DRAFT)
            case "review":
                return queryset.in_review()
            case "scheduled":
                return queryset.scheduled()
            case "live":
                return queryset.published()
            case "unpublished":
                return queryset.filter(status=Article.Status.UNPUBLISHED)
        return queryset


class ScheduleForm(forms.Form):
    at = forms.SplitDateTimeField(label="Go public at", widget=AdminSplitDateTime)

    def clean_at(self):
        at = self.cleaned_data["at"]
        if at <= timezone.now():
            raise ValidationError("Choose a time in the future.")
        return at


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class TrackbackPingInline(admin.TabularInline):
    """What each "send trackbacks to" target answered."""

    model = TrackbackPing
    extra = 0
    can_delete = False
    fields = readonly_fields = [
        "target_url",
        "ping_url",
        "status",
        "message",
        "attempts",
        "last_attempt_at",
    ]
    verbose_name = "trackback sent"
    verbose_name_plural = "trackbacks sent"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = ["title", "status_column", "category", "author", "publication_column",
                    "updated_at"]  # fmt: skip
    list_filter = [PublicationFilter, "category", "author"]
    list_select_related = ["category", "author"]
    search_fields = ["title", "standfirst", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["category", "author"]
    actions = ["submit_for_review", "publish_now", "schedule", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "standfirst", "body", "text_length"]}),
        ("Lead image", {"fields": ["image", "image_preview", "image_alt", "image_caption",
                                   "image_credit", ("image_focal_x", "image_focal_y")]}),
        ("Publication", {"fields": ["status_display", "published_at", "author", "byline"]}),
        ("Discussion", {"fields": ["comments_open", "trackbacks_open", "trackback_targets"]}),
    ]  # fmt: skip
    inlines = [TrackbackPingInline]

    class Media:
        css = {"all": ["articles/admin/article_form.css"]}
        js = ["articles/admin/article_form.js"]

    # Permissions: the model permissions, narrowed story by story by the workflow rules.

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or workflow.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or workflow.can_edit(request.user, obj)

    def has_publish_permission(self, request, obj=None):
        return workflow.can_publish(request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id:
            article = self.get_object(request, unquote(object_id))
            if (
                article is not None
                and self.has_view_permission(request, article)
                and not self.has_change_permission(request, article)
            ):
                return self._kept_text_response(request, article)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _kept_text_response(self, request, article):
        """A save the user may no longer make (the story moved on): refuse, keep every word."""
        latest = latest_revision(article)
        typed = [(label, request.POST.get(name, ""))
                 for name, label in (("title", "Title"), ("standfirst", "Standfirst"),
                                     ("body", "Body"))]  # fmt: skip
        context = self._context(
            request, article, "Your changes were not saved",
            typed=typed, status=workflow.status_label(article).lower(),
            changed_by=user_text(latest.history_user) if latest else "someone",
            changed_at=latest.history_date if latest else None,
        )  # fmt: skip
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

    def get_readonly_fields(self, request, obj=None):
        fields = ["text_length", "image_preview", "status_display"]
        if not workflow.can_publish(request.user):
            fields += ["published_at", "author"]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        locked = ("status",) if workflow.can_publish(request.user) else (
            "status", "published_at", "author")  # fmt: skip
        return type(form.__name__, (form,), {"request": request, "locked_fields": locked})

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        initial_image = form.initial.get("image")
        old_image = initial_image.name if initial_image else ""
        info = getattr(form.cleaned_data.get("image"), "image_info", None)
        if info is not None:
            obj.image_width, obj.image_height = info.width, info.height
        elif not obj.image:
            obj.image_width = obj.image_height = None
        if form.transition:
            services.article_apply(
                article=obj, by=request.user, transition=form.transition,
                at=form.cleaned_data.get("published_at"),
            )  # fmt: skip
            self.message_user(request, f"“{obj}”: {workflow.status_label(obj).lower()}.")
        else:
            services.article_save(article=obj, by=request.user)
        self._queue_trackbacks(request, obj)
        if obj.image:
            images.renditions_ensure(obj)
        if old_image and old_image != obj.image.name:
            transaction.on_commit(partial(images.image_discard, old_image))
        elif old_image:
            # Same picture, new focal point: the old social crop is of no use any more.
            old_focal = (form.initial.get("image_focal_x"), form.initial.get("image_focal_y"))
            stale = images.social_crop_name(obj, *old_focal)
            if stale and stale != images.social_crop_name(obj):
                transaction.on_commit(partial(images.rendition_discard, stale))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(partial(images.image_discard, obj.image.name))

    def delete_queryset(self, request, queryset):
        names = [name for name in queryset.values_list("image", flat=True) if name]
        super().delete_queryset(request, queryset)
        for name in names:
            transaction.on_commit(partial(images.image_discard, name))

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
            context["can_preview"] = can_change and not obj.is_public
        return super().render_change_form(request, context, add, change, form_url, obj)

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
            "<p class=\"help\">Click the image to set the focal point.</p>",
            obj.image_focal_x, obj.image_focal_y, obj.image.url, obj.image_alt, 400,
        )  # fmt: skip

    @admin.display(description="Status")
    def status_display(self, obj):
        if obj is None or obj.pk is None:
            return "Draft (new)"
        if obj.is_public:
            return f"Published {when_text(obj.published_at)}"
        return self.publication_column(obj) if obj.published_at else workflow.status_label(obj)

    # The list.

    @admin.display(description="Status", ordering="status")
    def status_column(self, obj):
        return workflow.status_label(obj)

    @admin.display(description="Published or scheduled", ordering="published_at")
    def publication_column(self, obj):
        if obj.published_at is None:
            return "—"
        when = when_text(obj.published_at)
        if obj.status == Article.Status.PUBLISHED:
            return when if obj.is_public else f"Scheduled for {when}"
        if obj.status == Article.Status.UNPUBLISHED:
            return f"Unpublished (was {when})"
        return f"Planned for {when}"

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

    def _queue_trackbacks(self, request, article):
        """Once the save commits, ping the story's "send trackbacks to" targets if it is live."""
        services.article_trackbacks_queue(article=article)

    # Actions: each calls the service per story and reports what was refused and why.

    def _apply_each(self, request, queryset, transition, at=None):
        done, refused = 0, []
        for article in queryset:
            try:
                services.article_apply(
                    article=article, by=request.user, transition=transition, at=at
                )
                self._queue_trackbacks(request, article)
                done += 1
            except PermissionDenied as exc:
                refused.append(str(exc) or f"You may not change “{article}”.")
            except ValidationError as exc:
                refused.append(" ".join(exc.messages))
        if done:
            stories = "1 story" if done == 1 else f"{done} stories"
            self.message_user(request, f"{transition.reason}: {stories}.")
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)

    @admin.action(permissions=["change"], description="Submit selected stories for review")
    def submit_for_review(self, request, queryset):
        self._apply_each(request, queryset, Transition.SUBMIT)

    @admin.action(permissions=["publish"], description="Publish selected stories now")
    def publish_now(self, request, queryset):
        self._apply_each(request, queryset, Transition.PUBLISH)

    @admin.action(permissions=["publish"], description="Schedule selected stories…")
    def schedule(self, request, queryset):
        form = ScheduleForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._apply_each(request, queryset, Transition.SCHEDULE, at=form.cleaned_data["at"])
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Schedule stories",
            "opts": self.opts,
            "queryset": queryset,
            "form": form,
            "media": self.media + form.media,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/article/schedule_selected.html", context)

    @admin.action(permissions=["publish"], description="Unpublish selected stories")
    def unpublish(self, request, queryset):
        self._apply_each(request, queryset, Transition.UNPUBLISH)

    # Extra views: preview, revisions (list, compare, restore) and presence.

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
            {"article": article, "object": article, "preview": True,
             "preview_status": self.status_display(article),
             "change_url": reverse("admin:articles_article_change", args=[article.pk])},
        )  # fmt: skip
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
            "can_change": self.has_change_permission(request, article),
            **extra,
        }

    def revisions_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        revisions = article.history.select_related("history_user").order_by("-history_id")
        page = Paginator(revisions, 50).get_page(request.GET.get("page"))
        latest = revisions.first()
        context = self._context(request, article, "Revisions", page=page,
                                latest_id=latest.history_id if latest else None)  # fmt: skip
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
        context = self._context(request, article, "Compare revisions", old=old, new=new,
                                diffs=diffs)  # fmt: skip
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
        restorable = {name: REVISION_FIELDS[name] for name in
                      ("title", "standfirst", "body", "category", "byline")}  # fmt: skip
        diffs = version_diffs(
            revision_values(article, categories), revision_values(revision, categories), restorable
        )
        context = self._context(request, article, "Restore a revision", revision=revision,
                                diffs=diffs)  # fmt: skip
        return TemplateResponse(request, "admin/articles/article/revision_restore.html", context)

    def presence_view(self, request, object_id):
        return require_POST(self._presence)(request, object_id)

    def _presence(self, request, object_id):
        article = self._article_or_404(request, object_id)
        others = presence_touch(article_id=article.pk, user=request.user)
        return JsonResponse(
            {"others": [{"name": p.name, "seen_at": p.seen_at.isoformat()} for p in others]}
        )


@desk.provider
def review_queue(request):
    if not workflow.can_publish(request.user):
        return None
    url = reverse("admin:articles_article_changelist") + "?publication=review"
    return desk.DeskItem("Stories waiting for review", Article.objects.in_review().count(), url)


@desk.provider
def scheduled_stories(request):
    if not workflow.can_publish(request.user):
        return None
    url = reverse("admin:articles_article_changelist") + "?publication=scheduled"
    return desk.DeskItem("Stories scheduled", Article.objects.scheduled().count(), url)
