"""The dashboard's picture of progress over time: the status counts of a review's
recommendations at each report cut-off and today, by THE status rule
(RecommendationQuerySet.with_status), with the geometry of a stacked bar for each date.

Drawn on the server as SVG (templates/recommendations/_trend.html), with the same figures
in a table beside it for anyone who cannot see the picture.
"""

from collections import Counter
from dataclasses import dataclass

from .calendar import calendar
from .models import STATUS_COLOURS, STATUS_REPORT_ORDER, Recommendation

# Bounded work per page: the latest cut-offs only (four years of two reports a year).
CUT_OFFS_SHOWN = 8
# A bar's length in SVG user units: segments are percentages of the recommendations.
BAR_WIDTH = 100


@dataclass(frozen=True)
class Segment:
    status: object
    count: int
    colour: str
    x: float
    width: float


@dataclass(frozen=True)
class TrendPoint:
    label: str
    on: object
    counts: tuple  # (status, count) in STATUS_REPORT_ORDER
    total: int
    segments: tuple


@dataclass(frozen=True)
class Trend:
    points: tuple

    @property
    def statuses(self):
        return [(status, STATUS_COLOURS[status]) for status in STATUS_REPORT_ORDER]


def status_trend(review, today):
    """Counts by status at each of the latest report cut-offs before today, and today."""
    reports = calendar().cut_offs_before(review, today)[-CUT_OFFS_SHOWN:]
    dates = [(report.title, report.as_at) for report in reports]
    dates.append(("Today", today))
    rows = Recommendation.objects.filter(review=review)
    return Trend(
        points=tuple(
            _point(label, on, Counter(rows.with_status(on).values_list("status", flat=True)))
            for label, on in dates
        )
    )


def _point(label, on, counts):
    total = sum(counts.values())
    segments, x = [], 0.0
    for status in STATUS_REPORT_ORDER:
        width = BAR_WIDTH * counts[status] / total if total else 0
        if counts[status]:
            segments.append(Segment(status, counts[status], STATUS_COLOURS[status], x, width))
        x += width
    return TrendPoint(
        label=label,
        on=on,
        counts=tuple((status, counts[status]) for status in STATUS_REPORT_ORDER),
        total=total,
        segments=tuple(segments),
    )
