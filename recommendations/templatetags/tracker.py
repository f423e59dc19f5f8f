"""Template helpers for the tracker's GOV.UK-style pages."""

from django import forms, template
from django.forms.forms import NON_FIELD_ERRORS
from django.utils.html import format_html

from recommendations.models import Status

register = template.Library()

# Colour helps a glance; the word is always shown too, so colour never carries meaning alone.
TAG_CLASSES = {
    Status.NOT_STARTED: "govuk-tag--grey",
    Status.RED: "govuk-tag--red",
    Status.AMBER: "govuk-tag--orange",
    Status.GREEN: "govuk-tag--green",
    Status.BLUE: "",  # GOV.UK Frontend's default tag is blue
}


@register.simple_tag
def status_tag(status):
    """A GOV.UK tag with the status's colour and its word, e.g. "Blue (complete)"."""
    status = Status(status)
    return format_html(
        '<strong class="govuk-tag {} app-status app-status--{}">{}</strong>',
        TAG_CLASSES[status],
        status.value,
        status.label,
    )


@register.filter
def person(user):
    """How the pages name a person: their full name, else their username."""
    if user is None:
        return "Unknown"
    return user.get_full_name() or user.get_username()


@register.filter
def field_error_id(bound_field):
    return f"{bound_field.auto_id}-error"


STATUS_HINTS = {
    Status.NOT_STARTED: "Work has not begun.",
    Status.RED: "Off track: will not be delivered as planned.",
    Status.AMBER: "At risk: some slippage.",
    Status.GREEN: "On track.",
    Status.BLUE: "Complete: delivered and handed over to normal business.",
}


@register.filter
def status_hint(value):
    return STATUS_HINTS.get(value, "")


@register.filter
def input_id(bound_field):
    """The id of a field's first input, where the error summary's link for it points."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.MultiWidget):
        return f"{bound_field.auto_id}_day"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


@register.filter
def error_links(form):
    """(href or None, message) for each error of a form, for the GOV.UK error summary."""
    links = [(None, message) for message in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS:
            continue
        field = form[name]
        target = None if field.is_hidden else f"#{input_id(field)}"
        links.extend((target, message) for message in errors)
    return links


@register.filter
def date_parts(bound_field):
    """(name, id, label, value, width class) of each box of a GOV.UK date input."""
    value = bound_field.value()
    if not isinstance(value, list | tuple):
        value = bound_field.field.widget.decompress(value)
    return [
        (
            f"{bound_field.html_name}_{part}",
            f"{bound_field.auto_id}_{part}",
            part.capitalize(),
            given or "",
            "govuk-input--width-4" if part == "year" else "govuk-input--width-2",
        )
        for part, given in zip(("day", "month", "year"), value, strict=False)
    ]


@register.simple_tag
def described_by(bound_field, *extra, hint=True):
    """The aria-describedby ids of a field: its hint and error, if it has them."""
    ids = list(extra)
    if hint and bound_field.help_text:
        ids.append(f"{bound_field.auto_id}-hint")
    if bound_field.errors:
        ids.append(f"{bound_field.auto_id}-error")
    return " ".join(ids)
