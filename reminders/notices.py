"""Notices of the board's decisions: when it returns a claim of completion, the agency hears.

The e-mail names the recommendation and links to it; the reason is on the page, never in
the e-mail (as for reminders, no narrative text leaves the service by e-mail).
"""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from recommendations.models import CompletionDecision

# A decision recorded as made longer ago than this is history being loaded (the demo,
# a migration from another tracker), not news: nobody is e-mailed about it.
NEWS_FOR = datetime.timedelta(days=1)


@receiver(post_save, sender=CompletionDecision, dispatch_uid="returned-claim-notice")
def _on_decision(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.decision == CompletionDecision.RETURNED:
        if timezone.now() - instance.decided_at < NEWS_FOR:
            transaction.on_commit(lambda: returned_claim_notify(decision_id=instance.pk))


def returned_claim_notify(*, decision_id):
    """E-mail the editors of the agency whose claim of completion the board returned."""
    decision = CompletionDecision.objects.select_related(
        "update__recommendation__review", "update__agency"
    ).get(pk=decision_id)
    update = decision.update
    recommendation = update.recommendation
    path = reverse(
        "recommendations:detail",
        kwargs={"slug": recommendation.review.slug, "number": recommendation.number},
    )
    editors = update.agency.editors.filter(is_active=True).exclude(email="").order_by("pk")
    subject = (
        f"Claim of completion returned: recommendation {recommendation.number}, "
        f"{recommendation.review.title}"
    )
    for user in editors:
        body = render_to_string(
            "reminders/email_returned.txt",
            {
                "user": user,
                "update": update,
                "recommendation": recommendation,
                "url": settings.TRACKER_BASE_URL.rstrip("/") + path,
            },
        )
        send_mail(subject, body, None, [user.email])
    return editors.count()
