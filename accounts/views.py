"""The administrator's view of the audit trail: security events and recent changes."""

from django.apps import apps
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import access
from .models import SecurityEvent

HISTORY_APPS = ("recommendations", "reports")
SHOWN = 100
CHANGE = {"+": "Created", "~": "Changed", "-": "Deleted"}


@require_GET
def security_events(request):
    """Access is the policy's (administrators only): accounts/access.py."""
    events = list(SecurityEvent.objects.select_related("user")[:SHOWN])
    for event in events:
        event.reason = access.describe(event.detail, event.method)
    return render(
        request,
        "accounts/security_events.html",
        {"events": events, "changes": recent_changes(SHOWN)},
    )


def recent_changes(limit):
    """The latest `limit` changes across the review's history tables: who, when, what record."""
    rows = []
    for model in apps.get_models():
        fields = {field.name for field in model._meta.fields}
        if model._meta.app_label in HISTORY_APPS and "history_date" in fields:
            for entry in model.objects.select_related("history_user").order_by("-history_date")[
                :limit
            ]:
                rows.append(
                    {
                        "at": entry.history_date,
                        "who": entry.history_user,
                        "what": model._meta.verbose_name.removeprefix("historical "),
                        "id": entry.id,
                        "change": CHANGE.get(entry.history_type, entry.history_type),
                    }
                )
    rows.sort(key=lambda row: row["at"], reverse=True)
    return rows[:limit]
