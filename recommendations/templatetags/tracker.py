"""Template helpers for the record's statuses: the coloured tag with its word."""

from django import template
from django.utils.html import format_html

from recommendations.models import Recommendation, Status

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


@register.simple_tag
def sign_off_count(review):
    """How many claims of completion of `review` await the board's decision (one query)."""
    return Recommendation.objects.filter(review=review).awaiting_sign_off().count()
