"""The reporting calendar: the report cut-off dates the record is chased and closed against.

Reports are scheduled and issued by the reports app, a layer above this one. The record
needs only their dates, so it reads them from the calendar module named by the setting
`TRACKER_REPORTING_CALENDAR` (the reports app's `reports.calendar`) and imports nothing
from that app. A calendar module has:
- `last_before(review, on)`: the latest report whose cut-off is before `on`, or None;
- `next_from(review, on)`: the first report whose cut-off is on or after `on`, or None;
- `cut_offs_before(review, on)`: the reports whose cut-off is before `on`, oldest first;
- `closed_through(review_id)`: the latest cut-off of an issued report, or None;
- `issuing_through(review_id)`: the latest cut-off of a report being issued now, or None.
Reports it returns have at least `title` and `as_at` (the cut-off date).
"""

from importlib import import_module

from django.conf import settings


def calendar():
    return import_module(settings.TRACKER_REPORTING_CALENDAR)
