"""Load a review, and the demo users, progress history and recovery plans, from the JSON
files in fixtures/.

Everything goes through the services, so the rows carry history dated to when they
were true (the review's publication, each update's recording time): reports "as at" a
past date then see what was true on it. Loading the same file again changes nothing.
"""

import datetime
import json
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from recommendations import services
from recommendations.models import (
    CompletionDecision,
    PartnerAgency,
    ProgressUpdate,
    Recommendation,
    Status,
    TargetDateRevision,
)
from recommendations.roles import BOARD_ADMINISTRATORS

DEMO_NAMESPACE = uuid.UUID("5b0f8a5e-9d7c-4bb4-9a31-0c6f3b2f6d10")


def read_json(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _aware(date, hour=9):
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour)))


@transaction.atomic
def load_review(data):
    """Create or bring up to date the review, its agencies, themes and recommendations."""
    fields = dict(data["review"])
    fields["publication_date"] = datetime.date.fromisoformat(fields["publication_date"])
    when = _aware(fields["publication_date"])
    reason = "Loaded from the review fixture"
    review = services.review_save(**fields, history_date=when, reason=reason)
    agencies = {
        item["short_name"]: services.agency_save(**item, history_date=when, reason=reason)
        for item in data["agencies"]
    }
    themes = {
        item["name"]: services.theme_save(review=review, **item, history_date=when, reason=reason)
        for item in data["themes"]
    }
    # The fixture holds each original target date: one revised since (by a recovery plan,
    # with its reason) is kept, so that loading again changes nothing.
    revised = set(
        TargetDateRevision.objects.filter(recommendation__review=review).values_list(
            "recommendation__number", flat=True
        )
    )
    for item in data["recommendations"]:
        fields = {}
        if item["number"] not in revised:
            target = item.get("target_date")
            fields["target_date"] = datetime.date.fromisoformat(target) if target else None
        services.recommendation_save(
            review=review,
            number=item["number"],
            short_title=item["short_title"],
            text=item["text"],
            theme=themes[item["theme"]] if item.get("theme") else None,
            lead_agency=agencies[item["lead_agency"]],
            supporting_agencies=[agencies[name] for name in item.get("supporting_agencies", [])],
            lead_officer=item.get("lead_officer", ""),
            history_date=when,
            reason=reason,
            **fields,
        )
    return review


@transaction.atomic
def load_demo(data, *, review):
    """Create the demo users, the review's progress history and its recovery plans.
    Demo mode only."""
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured(
            "Demo users have a published password: they are only created when TRACKER_DEMO=1."
        )
    users = {item["username"]: _demo_user(item, data["password"]) for item in data["users"]}
    recommendations = {r.number: r for r in Recommendation.objects.filter(review=review)}
    agencies = {a.short_name: a for a in PartnerAgency.objects.all()}
    for index, item in enumerate(data["updates"]):
        recorded_at = timezone.make_aware(datetime.datetime.fromisoformat(item["recorded_at"]))
        services.progress_update_create(
            recommendation=recommendations[item["recommendation"]],
            agency=agencies[item["agency"]],
            author=users[item["author"]],
            date=datetime.date.fromisoformat(item["date"]),
            status=item["status"],
            narrative=item["narrative"],
            evidence_of_impact=item.get("evidence_of_impact", ""),
            recorded_at=recorded_at,
            submission_key=uuid.uuid5(DEMO_NAMESPACE, f"{review.slug}:{index}"),
        )
    _demo_sign_offs(review, users[data["sign_offs"]["by"]], data["sign_offs"])
    _demo_recovery_plans(review, users, recommendations, data.get("recovery_plans", []))
    return users


def _demo_recovery_plans(review, users, recommendations, plans):
    """The lead agencies' recovery plans for the exceptions, recorded before the cut-off
    of the report that shows them; a revised target date is kept with its reason."""
    for index, item in enumerate(plans):
        revised = item.get("revised_target_date")
        services.recovery_plan_record(
            recommendation=recommendations[item["recommendation"]],
            user=users[item["author"]],
            action=item["action"],
            owner=item["owner"],
            revised_target_date=datetime.date.fromisoformat(revised) if revised else None,
            target_date_reason=item.get("target_date_reason", ""),
            recorded_at=timezone.make_aware(datetime.datetime.fromisoformat(item["recorded_at"])),
            submission_key=uuid.uuid5(DEMO_NAMESPACE, f"{review.slug}:recovery plan:{index}"),
        )


def _demo_sign_offs(review, administrator, rule):
    """The board signs off each claim of completion a week after it is made, up to a date."""
    until = timezone.make_aware(datetime.datetime.fromisoformat(rule["until"]))
    claims = {}  # the first complete update of each recommendation: its claim of completion
    for update in ProgressUpdate.objects.filter(
        recommendation__review=review, status=Status.BLUE
    ).order_by("date", "recorded_at"):
        claims.setdefault(update.recommendation_id, update)
    for update in claims.values():
        decided_at = update.recorded_at + datetime.timedelta(days=rule["after_days"])
        if decided_at <= until and not CompletionDecision.objects.filter(update=update).exists():
            services.completion_decide(
                update=update,
                user=administrator,
                decision=CompletionDecision.SIGNED_OFF,
                note=rule["note"],
                decided_at=decided_at,
            )


def _demo_user(item, password):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=item["username"],
        defaults={
            "first_name": item.get("first_name", ""),
            "last_name": item.get("last_name", ""),
            "email": item.get("email", ""),
        },
    )
    if created:
        user.set_password(password)
    user.is_staff = item["role"] == "administrator"
    user.save()
    if item["role"] == "administrator":
        user.groups.add(Group.objects.get(name=BOARD_ADMINISTRATORS))
    for short_name in item.get("agencies", []):
        PartnerAgency.objects.get(short_name=short_name).editors.add(user)
    return user
