from django import forms


class ReminderPreferenceForm(forms.Form):
    receives_reminders = forms.TypedChoiceField(
        label="Do you want reminder e-mails before each report cut-off?",
        choices=[("yes", "Yes, remind me"), ("no", "No, do not e-mail me reminders")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
