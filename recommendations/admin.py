from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils.formats import date_format
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import (
    Action,
    ActionUpdate,
    PartnerAgency,
    ProgressUpdate,
    Recommendation,
    Review,
    Theme,
)
from .roles import may_report_for

CORRECTABLE_FIELDS = ["date", "status", "narrative", "evidence_of_impact"]


@admin.register(Review)
class ReviewAdmin(SimpleHistoryAdmin):
    list_display = ["title", "committee", "publication_date", "protective_marking"]
    list_filter = ["protective_marking"]
    search_fields = ["title", "committee", "responsible_board"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(PartnerAgency)
class PartnerAgencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name"]
    search_fields = ["name", "short_name"]
    filter_horizontal = ["editors"]


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "review", "position"]
    list_filter = ["review"]
    search_fields = ["name"]


RECOMMENDATION_FIELDS = [
    "review",
    "number",
    "reference",
    "short_title",
    "text",
    "theme",
    "lead_agency",
    "supporting_agencies",
    "lead_officer",
    "target_date",
]


class RecommendationAdminForm(forms.ModelForm):
    """A moved target date needs its reason, as on every other way in (services)."""

    target_date_reason = forms.CharField(
        label="Reason for changing the target date",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed to move or remove a target date that was set. The committee sees "
        "the original date, each revision and its reason.",
    )

    class Meta:
        model = Recommendation
        fields = RECOMMENDATION_FIELDS

    def moves_target_date(self):
        """Whether the form moves (or removes) a target date the recommendation had."""
        before = self.initial.get("target_date") if self.instance.pk else None
        return before is not None and self.cleaned_data.get("target_date") != before

    def clean(self):
        cleaned = super().clean()
        if not self.moves_target_date():
            return cleaned
        if not cleaned.get("target_date_reason", "").strip():
            when = date_format(self.initial["target_date"], "j F Y")
            self.add_error(
                "target_date_reason",
                f"Give the reason for changing the target date from {when}: the committee "
                "sees the original date, each revision and its reason.",
            )
        if {"review", "number"} & set(self.changed_data):
            self.add_error(
                "number",
                "Change the target date and the review or number separately: save one, "
                "then the other.",
            )
        return cleaned


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    """A change that moves a set target date is saved through `services.recommendation_save`,
    so that its reason is kept as a revision; other changes save as Django's admin does."""

    form = RecommendationAdminForm
    fields = [*RECOMMENDATION_FIELDS, "target_date_reason"]
    list_display = ["number", "short_title", "lead_agency", "theme", "target_date"]
    list_display_links = ["number", "short_title"]
    list_filter = ["review", "theme", "lead_agency"]
    list_select_related = ["lead_agency", "theme"]
    search_fields = ["short_title", "text", "lead_officer"]
    ordering = ["review", "number"]
    filter_horizontal = ["supporting_agencies"]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A rule the form could not foresee (a report being issued meanwhile) is refused by
        # the service: shown as a message, with nothing saved, instead of a server error.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            messages.error(request, f"Nothing was saved. {' '.join(error.messages)}")
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        if not (change and form.moves_target_date()):
            return super().save_model(request, obj, form, change)
        fields = {
            name: form.cleaned_data[name]
            for name in RECOMMENDATION_FIELDS
            if name not in ("review", "number", "supporting_agencies")
        }
        services.recommendation_save(
            review=obj.review,
            number=obj.number,
            supporting_agencies=form.cleaned_data["supporting_agencies"],
            user=request.user,
            reason="Changed in the admin",
            target_date_reason=form.cleaned_data["target_date_reason"],
            **fields,
        )


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SimpleHistoryAdmin):
    """The same rules as the pages: through the services, never deleted, never in another's name.

    An update added here is recorded under the signed-in administrator; a correction keeps
    its agency and author; an update an issued report includes (or the board has decided
    on) is refused with the reason, as on its page.
    """

    list_display = ["recommendation", "date", "agency", "status", "author", "recorded_at"]
    list_filter = ["status", "agency", "recommendation__review"]
    list_select_related = ["recommendation", "agency", "author"]
    search_fields = ["narrative", "evidence_of_impact"]
    date_hierarchy = "date"
    raw_id_fields = ["recommendation"]

    def get_fields(self, request, obj=None):
        fields = ["recommendation", "agency", *CORRECTABLE_FIELDS]
        return fields if obj is None else [*fields, "author", "recorded_at", "version"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["recommendation", "agency", "author", "recorded_at", "version"]

    def has_delete_permission(self, request, obj=None):
        return False  # dated updates are the record; a correction keeps the history

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        admin_user = request.user

        class RefusingForm(form):
            def clean(self):
                cleaned = super().clean()
                if self.instance.pk is not None:
                    reason = services.progress_update_lock_reason(self.instance)
                    if reason:
                        raise ValidationError(
                            f"{reason} Post a new update to correct the position."
                        )
                elif cleaned.get("agency") and not may_report_for(admin_user, cleaned["agency"]):
                    self.add_error("agency", f"You cannot report progress for {cleaned['agency']}.")
                return cleaned

            def _post_clean(self):
                # The author is the signed-in user: set before the model's own checks run.
                if self.instance.pk is None:
                    self.instance.author = admin_user
                super()._post_clean()

        return RefusingForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # What the form could not foresee (someone saved meanwhile) is refused by the
        # services: shown as a message, with nothing saved, instead of a server error.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (
            ValidationError,
            PermissionDenied,
            services.LockedUpdateError,
            services.StaleUpdateError,
        ) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            messages.error(request, f"Nothing was saved. {text}")
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        # Through the services, so that the admin keeps the same rules as the pages.
        fields = {name: form.cleaned_data[name] for name in CORRECTABLE_FIELDS}
        if change:
            services.progress_update_correct(
                update=obj, user=request.user, expected_version=obj.version, **fields
            )
        else:
            saved = services.progress_update_create(
                recommendation=form.cleaned_data["recommendation"],
                agency=form.cleaned_data["agency"],
                author=request.user,
                **fields,
            )
            obj.pk = saved.pk


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    """Actions are kept as on their pages: by the board administrator, through the service."""

    fields = ["recommendation", "number", "text", "owner", "target_date"]
    list_display = ["number", "recommendation", "owner", "target_date"]
    list_filter = ["recommendation__review", "owner"]
    list_select_related = ["recommendation", "owner"]
    search_fields = ["number", "text"]
    ordering = ["recommendation__review", "recommendation__number", "position"]
    raw_id_fields = ["recommendation"]

    def has_delete_permission(self, request, obj=None):
        # Its dated updates are the record; an action without them may go.
        return super().has_delete_permission(request, obj) and (
            obj is None or not obj.updates.exists()
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ValidationError, PermissionDenied) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            messages.error(request, f"Nothing was saved. {text}")
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        saved = services.action_save(
            recommendation=form.cleaned_data["recommendation"],
            action=obj if change else None,
            user=request.user,
            reason="Changed in the admin" if change else None,
            **{
                name: form.cleaned_data[name] for name in ("number", "text", "owner", "target_date")
            },
        )
        obj.pk = saved.pk


@admin.register(ActionUpdate)
class ActionUpdateAdmin(SimpleHistoryAdmin):
    """Read only here: action updates are posted on the recommendation's page, and kept."""

    list_display = ["action", "date", "agency", "status", "created_by", "recorded_at"]
    list_filter = ["status", "agency", "action__recommendation__review"]
    list_select_related = ["action", "agency", "created_by"]
    search_fields = ["narrative"]
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
