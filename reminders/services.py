"""Reminders before each report cut-off: what each agency still owes, e-mailed once.

`reminders_send` is run daily (`manage.py send_reminders`). From `REMINDER_DAYS_BEFORE`
days before a report's cut-off until the cut-off itself, it e-mails each agency editor
the recommendations their agencies own that have no update since the previous cut-off,
and separately those overdue; each board administrator gets a summary of who has not
yet updated. A person gets each reminder once per cut-off, however often it runs.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format

from recommendations import chasing
from recommendations.models import PartnerAgency, Recommendation, Review
from recommendations.roles import ADMINISTER
from reports.models import Report

from .models import ReminderKind, ReminderPreference, SentReminder


@dataclass
class AgencyPosition:
    agency: PartnerAgency
    needing_update: list = field(default_factory=list)
    overdue: list = field(default_factory=list)

    @property
    def owes_anything(self):
        return bool(self.needing_update or self.overdue)


@dataclass
class CutOff:
    review: Review
    report: Report
    previous_cut_off: datetime.date | None
    agencies: list  # of AgencyPosition, by agency name


def cut_offs_due(today, days_before=None):
    """The next cut-off of each review, where it falls within the reminder window."""
    days_before = settings.REMINDER_DAYS_BEFORE if days_before is None else days_before
    due = []
    for review in Review.objects.all():
        report = Report.objects.next_cut_off(review, today)
        if report is not None and report.as_at - datetime.timedelta(days=days_before) <= today:
            due.append(_cut_off(review, report, today))
    return due


def _cut_off(review, report, today):
    previous = Report.objects.cut_off_before(review, report.as_at)
    previous_cut_off = previous.as_at if previous else None
    rows = chasing.flag(
        list(
            Recommendation.objects.filter(review=review)
            .for_dashboard(today)
            .prefetch_related("supporting_agencies")
        ),
        on=today,
        last_cut_off=previous_cut_off,
    )
    positions = {}
    for row in rows:
        for agency in [row.lead_agency, *row.supporting_agencies.all()]:
            position = positions.setdefault(agency.pk, AgencyPosition(agency))
            # The status is the lead agency's assessment: only the lead owes the update.
            if row.needs_update and agency == row.lead_agency:
                position.needing_update.append(row)
            if row.overdue:
                position.overdue.append(row)
    agencies = sorted(positions.values(), key=lambda position: position.agency.name)
    return CutOff(review, report, previous_cut_off, agencies)


# with_perm() needs a backend named once there are several (django-axes' is first).
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def reminders_send(*, today, days_before=None):
    """Send the reminders due on `today`; returns how many e-mails went."""
    sent = 0
    for cut_off in cut_offs_due(today, days_before):
        for user, positions in _editors_owing(cut_off).items():
            sent += _send_once(user, cut_off, ReminderKind.AGENCY, {"positions": positions})
        for user in _recipients(
            get_user_model().objects.with_perm(ADMINISTER, backend=MODEL_BACKEND)
        ):
            sent += _send_once(user, cut_off, ReminderKind.SUMMARY, {"positions": cut_off.agencies})
    return sent


def _editors_owing(cut_off):
    """Each editor who should hear, with the positions of their agencies that owe something."""
    owing = [position for position in cut_off.agencies if position.owes_anything]
    editors = _recipients(
        get_user_model().objects.filter(agencies__in=[p.agency for p in owing]).distinct()
    ).prefetch_related("agencies")
    result = {}
    for user in editors:
        agency_ids = {agency.pk for agency in user.agencies.all()}
        result[user] = [position for position in owing if position.agency.pk in agency_ids]
    return result


def _recipients(users):
    opted_out = ReminderPreference.objects.filter(receives_reminders=False).values("user")
    return users.filter(is_active=True).exclude(email="").exclude(pk__in=opted_out).order_by("pk")


def _send_once(user, cut_off, kind, context):
    """Record, then send: the record's uniqueness stops a second run sending again."""
    try:
        with transaction.atomic():
            SentReminder.objects.create(user=user, report=cut_off.report, kind=kind)
            context = {
                **context,
                "user": user,
                "cut_off": cut_off,
                "base_url": settings.TRACKER_BASE_URL.rstrip("/"),
                "my_agency_path": reverse(
                    "recommendations:my_agency", kwargs={"slug": cut_off.review.slug}
                ),
                "preferences_path": reverse("reminders:preferences"),
            }
            as_at = date_format(cut_off.report.as_at, "j F Y")
            subject = (
                f"Progress updates due by {as_at}: {cut_off.review.title}"
                if kind == ReminderKind.AGENCY
                else f"Who has not yet updated before {as_at}: {cut_off.review.title}"
            )
            body = render_to_string(f"reminders/email_{kind}.txt", context)
            send_mail(subject, body, None, [user.email])
    except IntegrityError:
        return 0  # already sent for this cut-off
    return 1


@transaction.atomic
def reminder_preference_set(*, user, receives_reminders):
    preference, _ = ReminderPreference.objects.get_or_create(user=user)
    if preference.receives_reminders != receives_reminders:
        preference.receives_reminders = receives_reminders
        preference._history_user = user
        preference.full_clean()
        preference.save()
    return preference


def receives_reminders(user):
    preference = ReminderPreference.objects.filter(user=user).first()
    return preference is None or preference.receives_reminders
