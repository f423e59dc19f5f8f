"""Form fields of GOV.UK Design System patterns that Django does not have."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

# A date anyone types into the tracker (a target, an update) is in living memory or its
# plan: year 1 or 9999 is a slip of the keyboard that would sort and print absurdly.
EARLIEST_DATE = datetime.date(1900, 1, 1)
YEARS_AHEAD = 50


def date_range_error(value):
    """Why `value` is outside the dates the tracker accepts, or None when it is inside."""
    if value <= EARLIEST_DATE:
        return "The date must be after 1 January 1900"
    today = timezone.localdate()
    try:
        latest = today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year + YEARS_AHEAD, day=28)
    if value > latest:
        return f"The date must be no more than {YEARS_AHEAD} years from now"
    return None


class DateWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes (`date_day`, `date_month`, ...)."""

    def __init__(self, attrs=None):
        super().__init__(
            {"day": forms.TextInput, "month": forms.TextInput, "year": forms.TextInput}
        )

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]


class DateField(forms.Field):
    """A date typed as day, month and year, with the GOV.UK pattern's error messages."""

    widget = DateWidget
    default_error_messages = {
        "required": "Enter the date",
        "incomplete": "The date must include a {missing}",
        "invalid": "The date must be a real date",
        "year": "The year must include 4 numbers",
    }

    def to_python(self, value):
        if not isinstance(value, list | tuple) or len(value) != 3:
            value = [None, None, None]
        parts = [(part or "").strip() for part in value]
        if not any(parts):
            return None
        missing = [
            name for name, part in zip(("day", "month", "year"), parts, strict=True) if not part
        ]
        if missing:
            raise ValidationError(
                self.error_messages["incomplete"].format(missing=" and ".join(missing)),
                code="incomplete",
            )
        if not all(part.isascii() and part.isdigit() for part in parts):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        day, month, year = (int(part) for part in parts)
        if len(parts[2]) != 4:
            raise ValidationError(self.error_messages["year"], code="year")
        try:
            date = datetime.date(year, month, day)
        except (ValueError, OverflowError) as error:  # 31 02, or a month of 2147483648
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error
        problem = date_range_error(date)
        if problem:
            raise ValidationError(problem, code="range")
        return date

    def has_changed(self, initial, data):
        return self.to_python(data) != initial


def add_service_errors(form, error):
    """Show a service's ValidationError on the form's fields (or above it, for the rest)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages_ in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages_)
