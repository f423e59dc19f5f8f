"""A large, realistic dataset for benchmarks and load tests (`manage.py seed_synthetic`).

Rows are written with django-simple-history's bulk helpers, so every row has its
history (dated when it was true) without saving rows one by one. Supporting agencies
are written through the join table without history rows: nothing measured reads them.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from recommendations.models import (
    PartnerAgency,
    ProgressUpdate,
    Recommendation,
    Review,
    Status,
    Theme,
)

AGENCY_COUNT = 12
THEMES = ["Awareness", "Disruption", "Support for victims", "Health services", "Courts", "Pathway"]
NARRATIVES = [
    "Multi-agency audit of {n} cases completed; actions agreed at the operational group.",
    "Training delivered to {n} frontline staff; evaluation shows improved confidence.",
    "{n} referrals received through the new pathway this quarter.",
    "Protocol drafted and out for consultation with {n} partner leads.",
    "Waiting times reduced to {n} days following recruitment to vacant posts.",
]
STATUS_WEIGHTS = [(Status.GREEN, 50), (Status.BLUE, 25), (Status.AMBER, 15), (Status.RED, 10)]


def _aware(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@transaction.atomic
def seed_synthetic(*, reviews, recommendations, updates, seed=2016, prefix="synthetic"):
    """Create `reviews` reviews of `recommendations` recommendations, each with `updates` updates."""
    rng = random.Random(seed)
    author, _ = get_user_model().objects.get_or_create(
        username=f"{prefix}-author", defaults={"is_active": False}
    )
    agencies = [
        PartnerAgency.objects.get_or_create(
            short_name=f"{prefix.title()} {index}",
            defaults={"name": f"{prefix.title()} partner agency {index}"},
        )[0]
        for index in range(1, AGENCY_COUNT + 1)
    ]
    first = Review.objects.filter(slug__startswith=f"{prefix}-").count() + 1
    published = datetime.date(2016, 5, 19)
    review_objs = [
        Review(
            slug=f"{prefix}-{number:04d}",
            title=f"Synthetic scrutiny review {number}",
            committee="Synthetic Scrutiny Committee",
            responsible_board="Synthetic Safeguarding Partnership",
            publication_date=published,
            description="Generated for benchmarks.",
        )
        for number in range(first, first + reviews)
    ]
    review_objs = bulk_create_with_history(review_objs, Review, default_date=_aware(published))
    review_objs = list(Review.objects.filter(slug__in=[r.slug for r in review_objs]))
    bulk_create_with_history(
        [
            Theme(review=review, name=name, position=position)
            for review in review_objs
            for position, name in enumerate(THEMES, start=1)
        ],
        Theme,
        default_date=_aware(published),
    )
    themes_by_review = {}
    for theme in Theme.objects.filter(review__in=review_objs):
        themes_by_review.setdefault(theme.review_id, []).append(theme)
    rec_objs = [
        Recommendation(
            review=review,
            number=number,
            short_title=f"Recommendation {number}",
            text=f"That the partnership delivers improvement {number} of review {review.pk}.",
            theme=rng.choice(themes_by_review[review.pk]),
            lead_agency=rng.choice(agencies),
            lead_officer="Service Delivery Manager",
            target_date=published + datetime.timedelta(days=rng.randint(120, 700)),
        )
        for review in review_objs
        for number in range(1, recommendations + 1)
    ]
    bulk_create_with_history(
        rec_objs, Recommendation, batch_size=2000, default_date=_aware(published)
    )
    rec_objs = list(Recommendation.objects.filter(review__in=review_objs))
    through = Recommendation.supporting_agencies.through
    through.objects.bulk_create(
        [
            through(recommendation_id=rec.pk, partneragency_id=agency.pk)
            for rec in rec_objs
            for agency in rng.sample([a for a in agencies if a.pk != rec.lead_agency_id], 2)
        ],
        batch_size=5000,
    )
    statuses, weights = zip(*STATUS_WEIGHTS, strict=True)
    update_objs = []
    for rec in rec_objs:
        days = sorted(rng.sample(range(30, 360), updates))
        for day in days:
            date = published + datetime.timedelta(days=day)
            update = ProgressUpdate(
                recommendation=rec,
                agency_id=rec.lead_agency_id,
                author=author,
                date=date,
                status=rng.choices(statuses, weights)[0],
                narrative=rng.choice(NARRATIVES).format(n=rng.randint(3, 250)),
                evidence_of_impact="",
                recorded_at=_aware(date),
            )
            update._history_date = update.recorded_at
            update_objs.append(update)
    bulk_create_with_history(update_objs, ProgressUpdate, batch_size=5000, default_user=author)
    return review_objs
