"""The reporting calendar the record reads (see recommendations/calendar.py): report cut-offs."""

from django.db.models import Max

from .models import Report


def last_before(review, on):
    return Report.objects.cut_off_before(review, on)


def cut_offs_before(review, on):
    """The review's reports whose cut-off is before `on`, oldest first."""
    return list(Report.objects.filter(review=review, as_at__lt=on).order_by("as_at", "pk"))


def next_from(review, on):
    return Report.objects.next_cut_off(review, on)


def closed_through(review_id):
    return Report.objects.issued_cut_off(review_id)


def issuing_through(review_id):
    """The latest cut-off of a report of the review being issued right now, or None."""
    return Report.objects.being_issued(review_id).aggregate(latest=Max("as_at"))["latest"]
