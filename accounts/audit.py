"""The security audit trail: structured log records (logger "security") and SecurityEvent rows.

Each event says who, when, what and from where. It never holds narrative text, passwords or
tokens: usernames are recorded only when such a user exists, so a password typed into the
username box is never kept; paths are this site's URLs, whose parameters are ids and slugs.
"""

import logging

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import SecurityEvent

logger = logging.getLogger("security")
Kind = SecurityEvent.Kind


def record(kind, *, request=None, user=None, username="", detail=""):
    """Save and log one security event."""
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    if user is not None:
        username = user.get_username()
    elif username and not _is_a_username(username):
        username = ""
    event = SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=username,
        ip_address=_client_ip(request),
        method=(request.method or "") if request is not None else "",
        path=(request.path or "")[:300] if request is not None else "",
        detail=detail[:200],
    )
    fields = {
        "event": kind,
        "user": username or None,
        "ip": event.ip_address,
        "method": event.method,
        "path": event.path,
        "detail": event.detail,
        "at": event.at.isoformat(),
    }
    logger.log(
        logging.WARNING if kind in (Kind.REFUSED, Kind.LOCKED_OUT) else logging.INFO,
        "security event %s",
        kind,
        extra={"security": fields},
    )
    return event


def _is_a_username(typed):
    """Whether `typed` is an existing user's username (any text can be typed into the box)."""
    field = get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD)
    if len(typed) > field.max_length or "\x00" in typed:
        return False  # PostgreSQL refuses a NUL in a query; no username is that long
    return get_user_model().objects.filter(**{field.name: typed}).exists()


def _client_ip(request):
    # REMOTE_ADDR is the proxy's address behind one; configure the proxy to set it right.
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    record(Kind.SIGNED_IN, request=request, user=user)


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(Kind.SIGNED_OUT, request=request, user=user)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    record(Kind.SIGN_IN_FAILED, request=request, username=str(credentials.get("username", "")))


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    record(Kind.LOCKED_OUT, request=request, username=str(username or ""))
