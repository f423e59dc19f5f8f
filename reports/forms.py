from django import forms

from govuk.forms import DateField
from recommendations.models import text_validators

from .models import ReportKind


class IssueForm(forms.Form):
    reason = forms.CharField(
        label="Why is the report being issued again?",
        help_text="Needed when a version has already been issued. The committee will see it.",
        required=False,
        max_length=2000,
        validators=text_validators,
        widget=forms.Textarea(attrs={"rows": 4, "class": "govuk-textarea"}),
    )
    # One per form shown: posting it twice asks for one issue.
    submission_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "This form has expired. Reload the page and try again.",
            "invalid": "This form has expired. Reload the page and try again.",
        },
    )


def _text(label, *, required=True, hint="", max_length=200):
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=max_length,
        validators=text_validators,
        error_messages={
            "required": f"Enter the {label.lower()}",
            "max_length": f"{label} must be {max_length} characters or fewer",
        },
    )


class ReportScheduleForm(forms.Form):
    """A report on the review's schedule: what it is, for which meeting, true as at when."""

    kind = forms.ChoiceField(
        label="Kind of report",
        choices=ReportKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the kind of report",
            "invalid_choice": "Select a kind of report from the list",
        },
    )
    title = _text("Title", hint="As it will appear on the report's cover.")
    committee = _text("Committee")
    meeting_date = DateField(label="Meeting date", help_text="For example, 8 12 2026")
    as_at = DateField(
        label="Cut-off date",
        help_text=(
            'The report is true "as at" this date: updates dated on or before it are included.'
        ),
    )
    papers_due = DateField(
        label="Papers due to the clerk (optional)",
        required=False,
        help_text="Between the cut-off date and the meeting.",
    )
    contact_officer = _text("Contact officer (optional)", required=False)

    @classmethod
    def for_report(cls, report, data=None, **kwargs):
        initial = {name: getattr(report, name) for name in cls.base_fields}
        return cls(data, initial=initial, **kwargs)

    def report_fields(self):
        return {name: self.cleaned_data[name] for name in self.base_fields}


class ReportRemoveForm(forms.Form):
    """Nothing to fill in: the POST itself is the confirmation."""


def proposal_forms(proposals, data=None):
    """One schedule form per proposed report, each with its own prefix, plus an include box."""
    forms_ = []
    for index, report in enumerate(proposals):
        form = ReportScheduleForm.for_report(report, data, prefix=f"report-{index}")
        form.proposal = report
        form.fields["include"] = forms.BooleanField(
            label=f"Add the {report.get_kind_display().lower()}", required=False, initial=True
        )
        forms_.append(form)
    return forms_


def _words(label, *, hint="", max_length=3000, rows=5):
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        max_length=max_length,
        validators=text_validators,
        strip=True,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": f"{label} must be {max_length:,} characters or fewer"},
    )


class ReportWordsForm(forms.Form):
    """The board's own words in a report, and its front sheet (reports/models.py, Report)."""

    author_line = _text("Report of", hint="For example, Chair of the Safeguarding Children Board.")
    contact_telephone = _text("Contact telephone (optional)", required=False, max_length=40)
    contact_email = forms.EmailField(
        label="Contact e-mail (optional)",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an e-mail address like name@example.gov.uk"},
    )
    agenda_item = _text(
        "Agenda item (optional)", required=False, max_length=20, hint="As the clerk numbers it."
    )
    wards_affected = _text("Wards affected", hint="For example, All.")
    key_decision = forms.TypedChoiceField(
        label="Is this a key decision?",
        choices=[("no", "No"), ("yes", "Yes")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether this is a key decision"},
    )
    exempt_information = _text(
        "Exempt information",
        max_length=300,
        hint="None, or the paragraph of Schedule 12A to the Local Government Act 1972 that applies.",
    )
    chair_summary = _words(
        "The Chair's summary",
        hint="Paragraphs separated by a blank line; lines starting with “- ” make a list.",
        max_length=6000,
        rows=8,
    )
    key_messages = _words("Key messages", hint="One message per line.")
    committee_recommendations = _words(
        "Recommendations to the committee",
        hint=(
            "One per line. Left empty, the report asks the committee to note the progress "
            "and the recovery plans for the exceptions."
        ),
    )
    background_papers = _words(
        "Background papers", hint="One per line. Left empty, the report says None."
    )

    @classmethod
    def for_report(cls, report, data=None):
        initial = {name: getattr(report, name) for name in cls.base_fields}
        initial["key_decision"] = "yes" if report.key_decision else "no"
        return cls(data, initial=initial)
