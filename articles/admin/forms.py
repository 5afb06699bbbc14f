"""The story change form and the schedule action's form: they render, the services decide."""

from django import forms
from django.contrib.admin.widgets import AdminFileWidget, AdminSplitDateTime
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from PIL import Image

from articles import images
from articles.revisions import latest_revision, revision_conflict, when_text
from articles.workflow import Transition

# Submit buttons on the change form: each saves the form and applies one transition.
TRANSITION_BUTTONS = {
    "_submit_review": Transition.SUBMIT,
    "_publish": Transition.PUBLISH,
    "_schedule": Transition.SCHEDULE,
    "_embargo": Transition.EMBARGO,
    "_unpublish": Transition.UNPUBLISH,
}
BUTTON_LABELS = {
    Transition.SUBMIT: "Save and submit for review",
    Transition.PUBLISH: "Save and publish now",
    Transition.SCHEDULE: "Save and schedule",
    Transition.EMBARGO: "Save and embargo until the publication time",
    Transition.UNPUBLISH: "Save and unpublish",
}


class LeadImageField(forms.ImageField):
    """An upload checked by `images.image_inspect`, renamed so no uploaded name is ever stored."""

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        info = images.image_inspect(upload)
        upload.name = f"image.{info.extension}"
        upload.content_type = Image.MIME[info.format]
        upload.image_info = info  # the service reads the size from here instead of decoding again
        return upload

    def widget_attrs(self, widget):
        attrs = forms.FileField.widget_attrs(self, widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = "image/jpeg,image/png,image/webp"
        return attrs


class LabelledFileInput(AdminFileWidget):
    """The admin's file input under a real <label for>: Django wraps it in a <fieldset> whose
    <legend> names nothing a screen reader ties to the input (axe: `label`, critical)."""

    use_fieldset = False


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
        widgets = {"image": LabelledFileInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        if not self.is_bound and self.instance.pk:
            latest = latest_revision(self.instance)
            self.initial["base_revision"] = latest.history_id if latest else ""

    def full_clean(self):
        super().full_clean()
        # Browsers never send a chosen file back: after any error, say so where it was chosen.
        chosen = self.is_bound and self.files.get("image")
        if chosen and self._errors and "image" not in self._errors:
            self.add_error(
                "image",
                ValidationError(
                    "Nothing was saved, so choose the image file again before saving (browsers do "
                    "not keep a chosen file after an error).",
                    code="choose_again",
                ),
            )

    @property
    def transition(self) -> Transition | None:
        """The workflow button the editor pressed, if any."""
        names = [name for name in TRANSITION_BUTTONS if name in self.data]
        return TRANSITION_BUTTONS[names[0]] if names else None

    @property
    def changed_data(self):
        # The revision marker is bookkeeping, not an edit worth a line in the admin's log.
        return [name for name in super().changed_data if name != "base_revision"]

    def clean(self):
        cleaned = super().clean()
        self._refuse_locked_fields()
        self._refuse_on_conflict(cleaned.get("base_revision") or "")
        if cleaned.get("image") and not (cleaned.get("image_alt") or "").strip():
            self.add_error(
                "image_alt", "Describe the image for readers who cannot see it (alt text)."
            )
        self._show_service_refusal()
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

    def _refuse_on_conflict(self, base_revision: str):
        self.conflict = revision_conflict(self.instance, base_revision)
        if self.conflict is None:
            return
        # Saving again after reading the difference is a deliberate choice: allow it.
        self.data = self.data.copy()
        self.data["base_revision"] = str(self.conflict.latest_id)
        raise ValidationError(
            "%(who)s changed this story on %(when)s, after you opened it. Nothing was saved: "
            "your text is still in the form below. Check their changes (shown above), then save "
            "again to replace them with yours.",
            code="conflict",
            params={"who": self.conflict.by, "when": when_text(self.conflict.at)},
        )

    def _show_service_refusal(self):
        """Show why the service refused this form's write (see ArticleAdmin.changeform_view)."""
        refusal = getattr(self.request, "article_refusal", None)
        if refusal is None:
            return
        by_field = (
            refusal.error_dict
            if hasattr(refusal, "error_dict")
            else {NON_FIELD_ERRORS: refusal.error_list}
        )
        for name, errors in by_field.items():
            self.add_error(name if name in self.fields else None, errors)


class ScheduleForm(forms.Form):
    at = forms.SplitDateTimeField(
        label="Go public at",
        widget=AdminSplitDateTime,
        # The service words its refusal for one story; this form speaks for several.
        error_messages={"past": "Choose a time in the future."},
    )

    def refuse(self, refusal: ValidationError) -> None:
        """Show the service's refusal of the chosen time on the time field."""
        words = self.fields["at"].error_messages
        for error in refusal.error_dict["published_at"]:
            self.add_error("at", words.get(error.code, error.messages[0]))
