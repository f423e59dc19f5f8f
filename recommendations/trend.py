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
# The picture's geometry, in SVG user units.
LABEL_WIDTH = 150
BAR_WIDTH = 450
BAR_HEIGHT = 24
BAR_GAP = 12


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
    y: int


@dataclass(frozen=True)
class Trend:
    points: tuple
    width: int = LABEL_WIDTH + BAR_WIDTH
    label_width: int = LABEL_WIDTH

    @property
    def height(self):
        return len(self.points) * (BAR_HEIGHT + BAR_GAP)

    @property
    def bar_height(self):
        return BAR_HEIGHT

    @property
    def statuses(self):
        return [(status, STATUS_COLOURS[status]) for status in STATUS_REPORT_ORDER]


def status_trend(review, today):
    """Counts by status at each of the latest report cut-offs before today, and today."""
    reports = calendar().cut_offs_before(review, today)[-CUT_OFFS_SHOWN:]
    dates = [(f"{report.as_at:%-d %b %Y}", report.as_at) for report in reports]
    dates.append(("Today", today))
    rows = Recommendation.objects.filter(review=review)
    return Trend(
        points=tuple(
            _point(label, on, Counter(rows.with_status(on).values_list("status", flat=True)), i)
            for i, (label, on) in enumerate(dates)
        )
    )


def _point(label, on, counts, index):
    total = sum(counts.values())
    segments, x = [], float(LABEL_WIDTH)
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
        y=index * (BAR_HEIGHT + BAR_GAP),
    )
