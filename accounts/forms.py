"""Forms of the people, agency and password pages, with GOV.UK-style error messages."""

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError

from recommendations.models import PartnerAgency

from .models import Role

ROLE_HINTS = {
    Role.ADMINISTRATOR: "Keeps the recommendations, people and agencies right and issues the "
    "reports. Sets up two-factor sign-in.",
    Role.EDITOR: "Posts progress updates for their agencies. Sets up two-factor sign-in.",
    Role.READER: "Sees everything and changes nothing, like the scrutiny clerks.",
}


BIGGEST_KEY = 2**63 - 1


def _is_a_key(value):
    """Whether `value` can be a primary key: the database refuses numbers out of its range."""
    text = str(value).strip()
    return text.isascii() and text.isdigit() and int(text) <= BIGGEST_KEY


class RoleField(forms.ChoiceField):
    widget = forms.RadioSelect
    choice_hints = ROLE_HINTS

    def __init__(self, **kwargs):
        super().__init__(
            choices=Role.choices,
            label="Role",
            error_messages={"required": "Choose a role", "invalid_choice": "Choose a role"},
            **kwargs,
        )


class AgenciesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(
            queryset=PartnerAgency.objects.order_by("name"),
            required=False,
            label="Agencies",
            help_text="The agencies an editor posts progress updates for.",
            error_messages={
                "invalid_choice": "Choose agencies from the list",
                "invalid_pk_value": "Choose agencies from the list",
                "invalid_list": "Choose agencies from the list",
            },
            **kwargs,
        )

    def _check_values(self, value):
        if not all(_is_a_key(pk) for pk in value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super()._check_values(value)


class AgencyChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not _is_a_key(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class InviteForm(forms.Form):
    name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={
            "required": "Enter the person's full name",
            "max_length": "The name must be 150 characters or fewer",
        },
    )
    email = forms.EmailField(
        label="E-mail address",
        max_length=150,
        help_text="The invitation goes to this address, which is also their username.",
        error_messages={
            "required": "Enter their e-mail address",
            "invalid": "Enter an e-mail address in the correct format, like name@example.org",
            "max_length": "The e-mail address must be 150 characters or fewer",
        },
    )
    role = RoleField()
    agencies = AgenciesField()

    def clean_email(self):
        email = self.cleaned_data["email"]
        try:
            UnicodeUsernameValidator()(email)
        except ValidationError:
            raise ValidationError(
                "Enter an e-mail address with only letters, numbers and @ . + - _"
            ) from None
        return email


class PersonChangeForm(forms.Form):
    role = RoleField()
    agencies = AgenciesField()


class PeopleFilterForm(forms.Form):
    """The people page's filters: plain GET parameters, so a filtered list can be bookmarked."""

    role = forms.ChoiceField(choices=[("", "All roles"), *Role.choices], required=False)
    agency = AgencyChoiceField(
        queryset=PartnerAgency.objects.order_by("name"),
        required=False,
        empty_label="All agencies",
    )


class AgencyForm(forms.Form):
    name = forms.CharField(
        label="Full name",
        max_length=200,
        help_text="For example, West Mercia Police.",
        error_messages={
            "required": "Enter the agency's full name",
            "max_length": "The full name must be 200 characters or fewer",
        },
    )
    short_name = forms.CharField(
        label="Short name",
        max_length=40,
        help_text="Shown in tables and used in spreadsheets, for example WMP.",
        error_messages={
            "required": "Enter a short name",
            "max_length": "The short name must be 40 characters or fewer",
        },
    )

    def __init__(self, *args, agency=None, **kwargs):
        self.agency = agency
        initial = {"name": agency.name, "short_name": agency.short_name} if agency else None
        super().__init__(*args, initial=initial, **kwargs)

    def _clean_unique(self, name, message):
        value = " ".join(self.cleaned_data[name].split())
        others = PartnerAgency.objects.filter(**{f"{name}__iexact": value})
        if self.agency is not None:
            others = others.exclude(pk=self.agency.pk)
        if others.exists():
            raise ValidationError(message)
        return value

    def clean_name(self):
        return self._clean_unique("name", "Another agency already has this name")

    def clean_short_name(self):
        return self._clean_unique("short_name", "Another agency already has this short name")


# GOV.UK-style words for Django's password errors, by their code (the validators' own words
# are Django's defaults: "This password is too short. It must contain at least 8 characters.").
PASSWORD_ERRORS = {
    "password_too_short": "Your password must be at least {min_length} characters",
    "password_too_common": "Your password is too common: choose one that is harder to guess",
    "password_too_similar": "Your password is too like your name, username or e-mail address",
    "password_entirely_numeric": "Your password must include letters, not only numbers",
    "password_mismatch": "The passwords do not match: type the same password twice",
    "password_incorrect": "Your current password is not right",
}


class GovukPasswordErrors:
    """Mixin for Django's password forms: GOV.UK-style messages instead of Django's."""

    required = {
        "old_password": "Enter your current password",
        "new_password1": "Enter a new password",
        "new_password2": "Type the new password again",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in self.required.items():
            if name in self.fields:
                self.fields[name].error_messages["required"] = message
        if "old_password" in self.fields:
            self.fields["old_password"].label = "Current password"

    def add_error(self, field, error):
        if isinstance(error, ValidationError) and not hasattr(error, "error_dict"):
            error = ValidationError([_govuk(item) for item in error.error_list])
        super().add_error(field, error)


def _govuk(error):
    words = PASSWORD_ERRORS.get(error.code)
    if words is None:
        return error
    return ValidationError(words.format(**(error.params or {})), code=error.code)


class ChoosePasswordForm(GovukPasswordErrors, auth_forms.SetPasswordForm):
    """An invited person's first password."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Choose a password"
        self.fields["new_password2"].label = "Type the password again"
        self.fields["new_password1"].error_messages["required"] = "Choose a password"
        self.fields["new_password2"].error_messages["required"] = "Type the password again"


class ConfirmPasswordForm(forms.Form):
    """Someone setting up two-factor again proves they know their password as well."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Enter your password"},
    )

    def __init__(self, *args, user, request, **kwargs):
        self.user = user
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        # Through authenticate(), so that django-axes counts a wrong password here too.
        found = authenticate(self.request, username=self.user.get_username(), password=password)
        if found is None or found.pk != self.user.pk:
            raise ValidationError("The password is not right")
        return password


class PasswordChangeForm(GovukPasswordErrors, auth_forms.PasswordChangeForm):
    """Django's, refusing a 'new' password that is the current one."""

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("new_password1")
        if password and not self.has_error("new_password2") and self.user.check_password(password):
            self.add_error(
                "new_password1", "Your new password must be different from your current password"
            )
        return cleaned


class SignInForm(auth_forms.AuthenticationForm):
    """Django's sign-in form with GOV.UK-style messages."""

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": "The username or password is not right",
        "inactive": "This account has been deactivated: ask the board administrator",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


class ResetPasswordForm(auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages.update(
            required="Enter your e-mail address",
            invalid="Enter an e-mail address in the correct format, like name@example.org",
        )


class NewPasswordForm(GovukPasswordErrors, auth_forms.SetPasswordForm):
    """Choosing a new password from a reset link."""
