"""Template helpers for the record's statuses: the coloured tag with its word."""

from django import template
from django.utils.html import format_html

from recommendations import page_cache
from recommendations.models import Recommendation, Review, Status

register = template.Library()

# Colour helps a glance; the word is always shown too, so colour never carries meaning alone.
TAG_CLASSES = {
    Status.NOT_STARTED: "govuk-tag--grey",
    Status.RED: "govuk-tag--red",
    Status.AMBER: "govuk-tag--orange",
    Status.GREEN: "govuk-tag--green",
    Status.BLUE: "",  # GOV.UK Frontend's default tag is blue
}


@register.tag
def shown_to(parser, token):
    """`{% shown_to audience %}…{% endshown_to %}`: what only the viewers in `audience` see
    (a list from recommendations/page_cache.py; empty or missing: no one), in a page whose
    content every viewer shares (page_cache.for_viewer keeps it for them)."""
    _, audience = token.split_contents()
    nodelist = parser.parse(("endshown_to",))
    parser.delete_first_token()
    return ShownToNode(parser.compile_filter(audience), nodelist)


class ShownToNode(template.Node):
    def __init__(self, audience, nodelist):
        self.audience, self.nodelist = audience, nodelist

    def render(self, context):
        audience = self.audience.resolve(context, ignore_failures=True)
        return page_cache.shown_to(audience, self.nodelist.render(context)) if audience else ""


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


@register.simple_tag(takes_context=True)
def nav_review(context):
    """The review the service navigation links to: the page's own, else the latest one.

    Pages about no review (help, security, reminders, password) still show the navigation."""
    review = context.get("review")
    if isinstance(review, Review):
        return review
    report_review = getattr(context.get("report"), "review", None)
    if isinstance(report_review, Review):
        return report_review
    return Review.objects.first()


# The menu item a page belongs to when its view names none (`nav_current`): by URL namespace.
NAV_SECTIONS = {"reports": "reports", "accounts": "people", "agencies": "people"}


@register.simple_tag(takes_context=True)
def nav_section(context):
    """The service navigation item to mark as current for this page, or ""."""
    if context.get("nav_current"):
        return context["nav_current"]
    match = getattr(context.get("request"), "resolver_match", None)
    return NAV_SECTIONS.get(match.namespace, "") if match else ""
