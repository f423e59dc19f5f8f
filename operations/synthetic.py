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
    Action,
    ActionUpdate,
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


# The shape of the 2022 inquiry (../shared/DOMAIN.md): 47 recommendations split into 148
# actions across four agencies. Wording and positions are generated, and say so.
INQUIRY_RECOMMENDATIONS = 47
INQUIRY_ACTIONS = 148
INQUIRY_AGENCIES = 4
INQUIRY_PUBLISHED = datetime.date(2022, 7, 12)
INQUIRY_AS_AT = datetime.date(2023, 9, 30)
ACTION_NARRATIVES = [
    "Survivors' panel consulted on the draft; {n} comments taken into the next version.",
    "{n} staff completed the new training module this quarter.",
    "Audit of {n} case files finished; findings reported to the operational group.",
    "Procedure rewritten and agreed by {n} partner leads.",
]


@transaction.atomic
def seed_actions_review(*, seed=2022, prefix="synthetic", updates=4, action_updates=3):
    """A review of INQUIRY_RECOMMENDATIONS recommendations split into INQUIRY_ACTIONS actions
    across INQUIRY_AGENCIES agencies, each recommendation with `updates` progress updates and
    each action with `action_updates` dated updates, all with history, and its full progress
    report as at INQUIRY_AS_AT. Returns the review (the one already there, if seeded before)."""
    from reports.models import ReportKind
    from reports.services import report_save

    slug = f"{prefix}-inquiry-2022"
    existing = Review.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    rng = random.Random(seed)
    published = INQUIRY_PUBLISHED
    author, _ = get_user_model().objects.get_or_create(
        username=f"{prefix}-author", defaults={"is_active": False}
    )
    agencies = [
        PartnerAgency.objects.get_or_create(
            short_name=f"{prefix.title()} inquiry {index}",
            defaults={"name": f"{prefix.title()} inquiry partner {index}"},
        )[0]
        for index in range(1, INQUIRY_AGENCIES + 1)
    ]
    [review] = bulk_create_with_history(
        [
            Review(
                slug=slug,
                title="Synthetic independent inquiry (47 recommendations, 148 actions)",
                committee="Synthetic Scrutiny Committee",
                responsible_board="Synthetic Safeguarding Partnership",
                publication_date=published,
                description="Generated for benchmarks, in the shape of the 2022 inquiry.",
            )
        ],
        Review,
        default_date=_aware(published),
    )
    review = Review.objects.get(slug=slug)
    recommendations = bulk_create_with_history(
        [
            Recommendation(
                review=review,
                number=number,
                short_title=f"Inquiry recommendation {number}",
                text=f"That the partnership delivers inquiry recommendation {number} "
                "(illustrative wording).",
                lead_agency=agencies[(number - 1) % INQUIRY_AGENCIES],
                lead_officer="Director of Children's Services",
                target_date=published + datetime.timedelta(days=rng.randint(300, 900)),
            )
            for number in range(1, INQUIRY_RECOMMENDATIONS + 1)
        ],
        Recommendation,
        default_date=_aware(published),
    )
    recommendations = list(Recommendation.objects.filter(review=review).order_by("number"))
    # 148 = 47 x 3 + 7: the first seven recommendations have four actions, the rest three.
    each, extra = divmod(INQUIRY_ACTIONS, INQUIRY_RECOMMENDATIONS)
    actions = [
        Action(
            recommendation=recommendation,
            number=f"{recommendation.number}.{n}",
            position=n,
            text=f"Action {n} towards recommendation {recommendation.number} (illustrative).",
            owner=agencies[(recommendation.number + n) % INQUIRY_AGENCIES],
            target_date=published + datetime.timedelta(days=rng.randint(200, 800)),
        )
        for index, recommendation in enumerate(recommendations)
        for n in range(1, each + (1 if index < extra else 0) + 1)
    ]
    bulk_create_with_history(actions, Action, default_date=_aware(published))
    actions = list(Action.objects.filter(recommendation__review=review).select_related("owner"))
    statuses, weights = zip(*STATUS_WEIGHTS, strict=True)
    span = (INQUIRY_AS_AT - published).days
    progress = []
    for recommendation in recommendations:
        for day in sorted(rng.sample(range(30, span), updates)):
            date = published + datetime.timedelta(days=day)
            update = ProgressUpdate(
                recommendation=recommendation,
                agency_id=recommendation.lead_agency_id,
                author=author,
                date=date,
                status=rng.choices(statuses, weights)[0],
                narrative=rng.choice(NARRATIVES).format(n=rng.randint(3, 250)),
                evidence_of_impact="",
                recorded_at=_aware(date),
            )
            update._history_date = update.recorded_at
            progress.append(update)
    bulk_create_with_history(progress, ProgressUpdate, batch_size=5000, default_user=author)
    action_progress = []
    for action in actions:
        for day in sorted(rng.sample(range(30, span), action_updates)):
            date = published + datetime.timedelta(days=day)
            update = ActionUpdate(
                action=action,
                agency_id=action.owner_id,
                created_by=author,
                date=date,
                status=rng.choices(statuses, weights)[0],
                narrative=rng.choice(ACTION_NARRATIVES).format(n=rng.randint(3, 250)),
                recorded_at=_aware(date),
            )
            update._history_date = update.recorded_at
            action_progress.append(update)
    bulk_create_with_history(action_progress, ActionUpdate, batch_size=5000, default_user=author)
    report_save(
        review=review,
        kind=ReportKind.FULL,
        as_at=INQUIRY_AS_AT,
        title="Synthetic independent inquiry: Progress Report",
        committee=review.committee,
        meeting_date=INQUIRY_AS_AT + datetime.timedelta(days=14),
        contact_officer="Business Manager, Synthetic Safeguarding Partnership",
    )
    return review
