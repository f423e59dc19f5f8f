"""Forms of the tracker's pages, in GOV.UK Design System style.

They check what a person typed; the services check it again against the rules (dates,
ownership, permission), so a forged field never gets further than a form error.
"""

from django import forms
from django.utils.formats import date_format

from govuk.forms import DateField

from .calendar import calendar
from .models import (
    NARRATIVE_MAX_LENGTH,
    CompletionDecision,
    PartnerAgency,
    ProtectiveMarking,
    Recommendation,
    Status,
    Theme,
    no_control_characters,
)

SEARCH_MAX_LENGTH = 200
# TargetDateRevision.reason holds this many characters.
TARGET_DATE_REASON_MAX_LENGTH = 2000

# Shown under each status radio (govuk/_field_radios.html reads a field's `choice_hints`).
STATUS_HINTS = {
    Status.NOT_STARTED: "Work has not begun.",
    Status.RED: "Off track: will not be delivered as planned.",
    Status.AMBER: "At risk: some slippage.",
    Status.GREEN: "On track.",
    Status.BLUE: (
        "Complete: delivered and handed over to normal business. A claim of completion goes "
        "to the board for sign-off: the recommendation shows Awaiting sign-off until the "
        "board administrator signs it off or returns it."
    ),
}


def _text_field(label, *, required, required_message="", hint=""):
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=NARRATIVE_MAX_LENGTH,
        validators=[no_control_characters],
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": required_message,
            "max_length": f"{label} must be {NARRATIVE_MAX_LENGTH:,} characters or fewer",
            "null_characters_not_allowed": (
                f"{label} contains a character that cannot be saved (a NUL byte): "
                "remove it and try again"
            ),
        },
    )


class ProgressUpdateFields(forms.Form):
    """What a progress update says; shared by posting and correcting one."""

    date = DateField(
        label="Date the update describes",
        help_text="The position on this date. For example, 27 10 2016.",
        error_messages={"required": "Enter the date the update describes"},
    )
    status = forms.ChoiceField(
        label="Status",
        choices=Status.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the status of the recommendation",
            "invalid_choice": "Select a status from the list",
        },
    )
    status.choice_hints = STATUS_HINTS
    narrative = _text_field(
        "Narrative",
        required=True,
        required_message="Enter a narrative of what has been done",
        hint="What has been done since the last update, and what happens next.",
    )
    evidence_of_impact = _text_field(
        "Evidence of impact",
        required=False,
        hint=(
            "What has changed for children and families, with numbers where you have them. "
            "For example, “training delivered to 212 taxi drivers”."
        ),
    )

    # Shown to the board administrator only, where a report has been issued (the views
    # drop it for everyone else): why an entry goes into a reported period late.
    late_reason = forms.CharField(
        label="Reason for a late entry (board administrator only)",
        help_text=(
            "Needed to post or correct an update dated on or before the cut-off of a report "
            "already issued. It is kept in the history, and the reports page then shows "
            "that the issued version no longer matches the record."
        ),
        required=False,
        max_length=90,
        error_messages={"max_length": "The reason must be 90 characters or fewer"},
    )

    def __init__(self, *args, late_entries=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not late_entries:
            del self.fields["late_reason"]

    def update_fields(self):
        fields = ("date", "status", "narrative", "evidence_of_impact", "late_reason")
        return {name: self.cleaned_data[name] for name in fields if name in self.fields}


class ProgressUpdateForm(ProgressUpdateFields):
    """Post a new update, in the name of one of the agencies the user may report for."""

    agency = forms.ModelChoiceField(
        label="Reporting agency",
        queryset=PartnerAgency.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the agency you are reporting for",
            "invalid_choice": "Select an agency you report for",
        },
    )
    # One per form shown: posting the same form twice creates one update.
    submission_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "This form has expired. Reload the page and enter the update again.",
            "invalid": "This form has expired. Reload the page and enter the update again.",
        },
    )

    field_order = ["agency", "date", "status", "narrative", "evidence_of_impact"]

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.agency_choices = list(agencies)
        if len(self.agency_choices) == 1:
            # Nothing to choose: the one agency is carried, and checked, like a choice.
            only = self.agency_choices[0].pk
            self.fields["agency"].widget = forms.HiddenInput()
            self.initial.setdefault("agency", only)
            if self.is_bound and not self.data.get("agency"):
                self.data = self.data.copy()
                self.data["agency"] = only


class ProgressUpdateCorrectionForm(ProgressUpdateFields):
    """Correct an update; `version` is the version the user read, for the stale check."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": "This form has expired. Reload the page and make the correction again.",
            "invalid": "This form has expired. Reload the page and make the correction again.",
            "min_value": "This form has expired. Reload the page and make the correction again.",
        },
    )

    def is_unchanged(self, update):
        fields = self.update_fields()
        fields.pop("late_reason", None)
        return all(getattr(update, name) == value for name, value in fields.items())


class DashboardFilterForm(forms.Form):
    """The dashboard's filters: a GET form, so a filtered view can be bookmarked."""

    q = forms.CharField(
        label="Search titles and wording",
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        error_messages={
            "max_length": f"Search must be {SEARCH_MAX_LENGTH} characters or fewer",
            "null_characters_not_allowed": "Search contains a character that cannot be used",
        },
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *Status.choices],
        error_messages={"invalid_choice": "Select a status from the list"},
    )
    lead_agency = forms.ModelChoiceField(
        label="Lead agency",
        required=False,
        queryset=PartnerAgency.objects.none(),
        empty_label="Any lead agency",
        error_messages={"invalid_choice": "Select a lead agency from the list"},
    )
    theme = forms.ModelChoiceField(
        label="Theme",
        required=False,
        queryset=Theme.objects.none(),
        empty_label="Any theme",
        error_messages={"invalid_choice": "Select a theme from the list"},
    )
    show = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("", "Every recommendation"),
            ("awaiting_sign_off", "Complete, awaiting the board's sign-off"),
            ("signed_off", "Complete and signed off by the board"),
            ("changed", "Status changed since the last report"),
        ],
        error_messages={"invalid_choice": "Select what to show from the list"},
    )
    mine = forms.BooleanField(label="Only recommendations my agency owns", required=False)

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_agency"].queryset = PartnerAgency.objects.filter(
            led_recommendations__review=review
        ).distinct()
        self.fields["theme"].queryset = review.themes.all()

    def filters(self):
        """The valid filters (an invalid one is reported, and not applied)."""
        self.is_valid()
        return {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if value not in (None, "", False)
        }


def dashboard_selection(request, review, today):
    """The dashboard's filter form, its valid filters, the rows every filter but the status
    ones selects (what the counts count), and the rows shown (the export's too)."""
    form = DashboardFilterForm(request.GET or None, review=review)
    filters = form.filters() if form.is_bound else {}
    rows = Recommendation.objects.filter(review=review).for_dashboard(today)
    rows = list(_filtered(rows, filters, request.user))
    return form, filters, rows, _shown(rows, filters, review, today)


def _shown(rows, filters, review, today):
    """The rows the status filters keep: the status, and what to show (sign-off, change)."""
    status, show = filters.get("status"), filters.get("show")
    before = {}
    if show == "changed":
        last_report = calendar().last_before(review, today)
        if last_report is not None:
            before = Recommendation.objects.filter(review=review).statuses_on(last_report.as_at)
    kept = {
        "": lambda row: True,
        "awaiting_sign_off": lambda row: row.awaiting_sign_off,
        "signed_off": lambda row: row.status == Status.BLUE and row.signed_off,
        # Before the first report, against publication, when everything was Not started.
        "changed": lambda row: row.status != before.get(row.pk, Status.NOT_STARTED),
    }[show or ""]
    return [row for row in rows if (not status or row.status == status) and kept(row)]


def _filtered(rows, filters, user):
    """Apply the dashboard's filters except status, which the counts are computed before."""
    if "lead_agency" in filters:
        rows = rows.filter(lead_agency=filters["lead_agency"])
    if "theme" in filters:
        rows = rows.filter(theme=filters["theme"])
    if filters.get("mine"):
        rows = rows.owned_by(user.agencies.all())
    return rows.matching(filters.get("q", ""))


class CompletionDecisionForm(forms.Form):
    """The board administrator signs off a claim of completion, or returns it."""

    decision = forms.ChoiceField(
        label="Your decision for the board",
        choices=CompletionDecision.DECISIONS,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether to sign off the completion or return it",
            "invalid_choice": "Choose whether to sign off the completion or return it",
        },
    )
    note = _text_field(
        "Note",
        required=True,
        required_message="Enter the evidence of impact you saw, or why you are returning it",
        hint="Signing off: the evidence of impact the board has seen. Returning: why, and "
        "what the agency needs to show. The agency sees this note.",
    )


class RecoveryPlanForm(forms.Form):
    """The lead agency's recovery plan for an exception: what, who, and by when."""

    action = _text_field(
        "Recovery action",
        required=True,
        required_message="Enter what will be done to bring the recommendation back on track",
        hint="What will be done, by when, and how the board will know it has worked.",
    )
    owner = forms.CharField(
        label="Owner",
        help_text="Who delivers it: a role, not a name. For example, “Head of Service, CAMHS”.",
        max_length=200,
        validators=[no_control_characters],
        error_messages={
            "required": "Enter who owns the recovery action",
            "max_length": "The owner must be 200 characters or fewer",
            "null_characters_not_allowed": (
                "The owner contains a character that cannot be saved (a NUL byte): "
                "remove it and try again"
            ),
        },
    )
    revised_target_date = DateField(
        label="Revised target date (optional)",
        required=False,
        help_text="For example, 30 6 2017.",
    )
    target_date_reason = forms.CharField(
        label="Reason for moving the target date",
        required=False,
        max_length=TARGET_DATE_REASON_MAX_LENGTH,
        validators=[no_control_characters],
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "max_length": (
                f"The reason must be {TARGET_DATE_REASON_MAX_LENGTH:,} characters or fewer"
            ),
            "null_characters_not_allowed": (
                "The reason contains a character that cannot be saved (a NUL byte): "
                "remove it and try again"
            ),
        },
    )
    # One per form shown: posting the same form twice records one plan.
    submission_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "This form has expired. Reload the page and enter the plan again.",
            "invalid": "This form has expired. Reload the page and enter the plan again.",
        },
    )

    def __init__(self, *args, recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        target = recommendation.target_date
        if target is None:
            self.fields["revised_target_date"].help_text = (
                "This recommendation has no target date yet: the date you enter becomes its "
                "target date. For example, 30 6 2017."
            )
        else:
            when = date_format(target, "j F Y")
            self.fields["revised_target_date"].help_text = (
                f"Leave blank to keep the target date of {when}. A different date moves the "
                "target date: the committee sees the original date, each revision and its "
                "reason. For example, 30 6 2017."
            )
            self.fields[
                "target_date_reason"
            ].help_text = f"Needed only if the revised target date is not {when}."

    def plan_fields(self):
        fields = ("action", "owner", "revised_target_date", "target_date_reason")
        return {name: self.cleaned_data[name] for name in fields}


def _line(label, *, hint=""):
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=200,
        validators=[no_control_characters],
        error_messages={
            "required": f"Enter the {label.lower()}",
            "max_length": f"{label} must be 200 characters or fewer",
            "null_characters_not_allowed": (
                f"{label} contains a character that cannot be saved (a NUL byte): "
                "remove it and try again"
            ),
        },
    )


class ReviewForm(forms.Form):
    """A new scrutiny review: what it is, whose, when published, and its marking."""

    title = _line(
        "Title", hint="As published, for example “Scrutiny Review of Child Sexual Exploitation”."
    )
    committee = _line("Committee", hint="The scrutiny committee that made the review.")
    responsible_board = _line(
        "Responsible board", hint="The partnership that monitors delivery and reports progress."
    )
    publication_date = DateField(label="Publication date", help_text="For example, 19 5 2016.")
    protective_marking = forms.ChoiceField(
        label="Protective marking",
        choices=ProtectiveMarking.choices,
        initial=ProtectiveMarking.OFFICIAL,
        widget=forms.RadioSelect,
        help_text="Printed at the top and bottom of every page of its reports.",
        error_messages={
            "required": "Select the protective marking",
            "invalid_choice": "Select a protective marking from the list",
        },
    )


class ActionForm(forms.Form):
    """An action of a recommendation: its number, what is done, who owns it, and by when."""

    number = forms.CharField(
        label="Number",
        max_length=12,
        validators=[no_control_characters],
        error_messages={
            "required": "Enter the action's number",
            "max_length": "The number must be 12 characters or fewer",
            "null_characters_not_allowed": "The number contains a character that cannot be used",
        },
    )
    text = _text_field(
        "Action",
        required=True,
        required_message="Enter what the action is",
        hint="What will be done, as the review's action plan words it.",
    )
    owner = forms.ModelChoiceField(
        label="Owning agency",
        queryset=PartnerAgency.objects.all(),
        empty_label=None,
        help_text="The agency that delivers the action and reports its progress.",
        error_messages={
            "required": "Select the agency that owns the action",
            "invalid_choice": "Select an agency from the list",
        },
    )
    target_date = DateField(
        label="Target date (optional)", required=False, help_text="For example, 31 3 2023."
    )

    def __init__(self, *args, recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].help_text = (
            f"The recommendation's number, a full stop and the action's own number, for "
            f"example {recommendation.number}.1."
        )

    def action_fields(self):
        return {
            name: self.cleaned_data[name] for name in ("number", "text", "owner", "target_date")
        }


class ActionUpdateForm(ProgressUpdateFields):
    """Post a dated update of an action, for its owning agency."""

    # One per form shown: posting the same form twice creates one update.
    submission_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "This form has expired. Reload the page and enter the update again.",
            "invalid": "This form has expired. Reload the page and enter the update again.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["evidence_of_impact"]
        self.fields["status"].error_messages["required"] = "Select the status of the action"
        self.fields[
            "narrative"
        ].help_text = (
            "What has been done on the action since its last update, and what happens next."
        )
