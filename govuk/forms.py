"""Form fields of GOV.UK Design System patterns that Django does not have."""

import datetime

from django import forms
from django.core.exceptions import ValidationError


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
            return datetime.date(year, month, day)
        except ValueError as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error

    def has_changed(self, initial, data):
        return self.to_python(data) != initial
