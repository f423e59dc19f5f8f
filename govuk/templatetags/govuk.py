"""Template helpers for GOV.UK Design System form patterns: error summary, hints, inputs."""

from django import forms, template
from django.forms.forms import NON_FIELD_ERRORS

register = template.Library()


@register.filter
def person(user):
    """How the pages name a person: their full name, else their username."""
    if user is None:
        return "Unknown"
    return user.get_full_name() or user.get_username()


@register.filter
def field_error_id(bound_field):
    return f"{bound_field.auto_id}-error"


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


@register.simple_tag
def radio_hint(bound_field, radio):
    """The hint under one radio of a choice field, from the field's `choice_hints`, if any."""
    return getattr(bound_field.field, "choice_hints", {}).get(radio.data["value"], "")
