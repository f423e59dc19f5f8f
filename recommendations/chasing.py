"""What the pages flag for chasing: recommendations overdue, or short of a recent update.

Pure functions of rows annotated by `RecommendationQuerySet.with_status()`: no queries.
"""

import datetime

from .models import Status

# An owner who has said nothing for this long is chased, report or no report.
STALE_AFTER = datetime.timedelta(days=90)


def needs_update(recommendation, *, on, last_cut_off=None):
    """Whether a recommendation needs a progress update: none in the last 90 days, or none
    dated after the last report's cut-off (`last_cut_off`, a date).

    Complete recommendations have been handed over to normal business, so they are not
    chased.
    """
    if recommendation.status == Status.BLUE:
        return False
    latest = recommendation.latest_update_date
    if latest is None or on - latest >= STALE_AFTER:
        return True
    return last_cut_off is not None and latest <= last_cut_off


def flag(recommendations, *, on, last_cut_off=None):
    """Set `overdue` and `needs_update` on each row, for the templates; returns the rows."""
    for recommendation in recommendations:
        recommendation.overdue = recommendation.is_overdue(on)
        recommendation.needs_update = needs_update(recommendation, on=on, last_cut_off=last_cut_off)
    return recommendations
