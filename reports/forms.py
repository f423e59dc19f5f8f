from django import forms


class IssueForm(forms.Form):
    reason = forms.CharField(
        label="Why is the report being issued again?",
        help_text="Needed when a version has already been issued. The committee will see it.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "govuk-textarea"}),
    )
