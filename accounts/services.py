"""Writes for the people pages: invitations, roles, deactivation, two-factor resets, set-up links.

Each function is keyword-only, validates before it saves, runs in one transaction and
records a security event; a refusal raises `ValidationError` with a message for the page
and changes nothing. Roles are those of recommendations/roles.py: an administrator is in
the "Board administrators" group (and staff, for the admin), an editor edits one or more
partner agencies, everyone else reads. Agencies' editors are changed from the agency's side,
so that the agency's history records who changed them.
"""

import datetime
import smtplib

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from recommendations.models import PartnerAgency
from recommendations.roles import BOARD_ADMINISTRATORS

from . import audit
from .models import Person, Role, SetUpLink, hash_token

Kind = audit.Kind
LAST_ADMINISTRATOR = (
    "The board must keep at least one active administrator. "
    "Make someone else an administrator first."
)


def _check_role(*, role, agencies):
    if role == Role.EDITOR and not agencies:
        raise ValidationError({"agencies": "Choose at least one agency for an editor"})
    if role == Role.READER and agencies:
        raise ValidationError(
            {"agencies": "A reader edits for no agency: choose editor, or untick the agencies"}
        )


def _lock_administrators():
    """The active administrators, locked until the transaction ends, so that two people
    demoting each other at once cannot leave the board without one."""
    return list(Person.objects.administrators().select_for_update().values_list("pk", flat=True))


def _leaves_no_administrator(person):
    administrators = _lock_administrators()
    return administrators == [person.pk]


def _set_role(person, *, role, agencies, by):
    if person.is_superuser and role != Role.ADMINISTRATOR:
        raise ValidationError(
            {"role": f"{person.get_username()} is a superuser, so always an administrator"}
        )
    group = Group.objects.get(name=BOARD_ADMINISTRATORS)
    if role == Role.ADMINISTRATOR:
        person.groups.add(group)
    else:
        person.groups.remove(group)
    if person.is_staff != (role == Role.ADMINISTRATOR):
        person.is_staff = role == Role.ADMINISTRATOR
        person.save(update_fields=["is_staff"])
    wanted = {agency.pk for agency in agencies}
    for agency in PartnerAgency.objects.filter(editors=person).exclude(pk__in=wanted):
        agency._history_user = by
        agency.editors.remove(person)
    for agency in PartnerAgency.objects.filter(pk__in=wanted).exclude(editors=person):
        agency._history_user = by
        agency.editors.add(person)


def _describe(person, role, agencies):
    names = ", ".join(sorted(agency.short_name for agency in agencies)) or "no agency"
    return f"{person.get_username()}: {role}, {names}"


def _send_link(link, token, *, request):
    """E-mail `link` to its person. Failing to send undoes the whole change."""
    path = reverse("accounts:link", kwargs={"token": token})
    if request is not None:
        url = request.build_absolute_uri(path)
    else:  # from the command line: the address reminders use
        url = settings.TRACKER_BASE_URL.rstrip("/") + path
    person = link.user
    context = {
        "person": person,
        "link": link,
        "url": url,
        "days": settings.INVITATION_DAYS,
        "two_factor": _needs_two_factor(person),
    }
    subject = (
        "You are invited to the recommendations tracker"
        if link.kind == SetUpLink.Kind.INVITATION
        else "Set up two-factor sign-in for the recommendations tracker again"
    )
    body = render_to_string(f"accounts/email_{link.kind}.txt", context)
    try:
        send_mail(subject, body, None, [person.email])
    except (OSError, smtplib.SMTPException) as error:
        raise ValidationError(
            "The e-mail could not be sent, so nothing was changed. Try again later."
        ) from error


def _needs_two_factor(person):
    from .two_factor import required

    return required(person)


def _issue_link(person, *, kind, by, request):
    """A new link for `person`, replacing any unused one they had (which stops working)."""
    SetUpLink.objects.filter(user=person, used_at__isnull=True).delete()
    token = SetUpLink.new_token()
    now = timezone.now()
    link = SetUpLink(
        user=person,
        kind=kind,
        token_hash=hash_token(token),
        created_at=now,
        created_by=by,
        expires_at=now + datetime.timedelta(days=settings.INVITATION_DAYS),
    )
    link.full_clean()
    link.save()
    _send_link(link, token, request=request)
    return link


def _split_name(name):
    first, _, last = " ".join(name.split()).rpartition(" ")
    return (first, last) if first else (last, "")


@transaction.atomic
def person_invite(*, name, email, role, agencies, by, request=None):
    """Create `email`'s account (no password yet) with its role, and e-mail them a link."""
    email = email.strip()
    _check_role(role=role, agencies=agencies)
    in_use = Person.objects.filter(email__iexact=email).exists() or (
        Person.objects.filter(username__iexact=email).exists()
    )
    if in_use:
        raise ValidationError({"email": "Someone already uses this e-mail address"})
    first_name, last_name = _split_name(name)
    person = Person(username=email.lower(), email=email, first_name=first_name)
    person.last_name = last_name
    person.set_unusable_password()
    person.full_clean()
    person.save()
    _set_role(person, role=role, agencies=agencies, by=by)
    audit.record(Kind.INVITED, request=request, user=by, detail=_describe(person, role, agencies))
    return _issue_link(person, kind=SetUpLink.Kind.INVITATION, by=by, request=request)


@transaction.atomic
def person_invitation_resend(*, person, by, request=None):
    """A new invitation link for someone who has not accepted theirs; the old one stops working."""
    if person.has_usable_password():
        raise ValidationError(f"{person.get_username()} has already accepted their invitation.")
    if not person.is_active:
        raise ValidationError("Reactivate this person before sending them an invitation.")
    audit.record(Kind.INVITED, request=request, user=by, detail=f"{person.get_username()}: again")
    return _issue_link(person, kind=SetUpLink.Kind.INVITATION, by=by, request=request)


@transaction.atomic
def person_change(*, person, role, agencies, by, request=None):
    """Change a person's role and agencies together; the last administrator stays one."""
    _check_role(role=role, agencies=agencies)
    if role != Role.ADMINISTRATOR and _leaves_no_administrator(person):
        raise ValidationError({"role": LAST_ADMINISTRATOR})
    _set_role(person, role=role, agencies=agencies, by=by)
    audit.record(
        Kind.ROLE_CHANGED, request=request, user=by, detail=_describe(person, role, agencies)
    )
    return person


@transaction.atomic
def person_deactivate(*, person, by, request=None):
    """They can no longer sign in (and are out on their next request); their links stop working."""
    if person.pk == by.pk:
        raise ValidationError("You cannot deactivate yourself. Ask another administrator.")
    if _leaves_no_administrator(person):
        raise ValidationError(LAST_ADMINISTRATOR)
    person.is_active = False
    person.save(update_fields=["is_active"])
    SetUpLink.objects.filter(user=person, used_at__isnull=True).delete()
    audit.record(Kind.DEACTIVATED, request=request, user=by, detail=person.get_username())
    return person


@transaction.atomic
def person_reactivate(*, person, by, request=None):
    person.is_active = True
    person.save(update_fields=["is_active"])
    audit.record(Kind.REACTIVATED, request=request, user=by, detail=person.get_username())
    return person


@transaction.atomic
def person_two_factor_reset(*, person, by, request=None):
    """Remove their authenticator app and recovery codes, and e-mail a link to set up again."""
    if not person.is_active:
        raise ValidationError("Reactivate this person before resetting their two-factor sign-in.")
    if not person.has_usable_password():
        raise ValidationError(
            "This person has not accepted their invitation yet: resend the invitation instead."
        )
    TOTPDevice.objects.filter(user=person).delete()
    StaticDevice.objects.filter(user=person).delete()
    audit.record(Kind.TWO_FACTOR_RESET, request=request, user=by, detail=person.get_username())
    return _issue_link(person, kind=SetUpLink.Kind.TWO_FACTOR, by=by, request=request)


@transaction.atomic
def set_up_link_use(*, link, password=None, request=None):
    """Use `link` once: for an invitation, set the password chosen. Refused if already used."""
    current = SetUpLink.objects.select_for_update().select_related("user").get(pk=link.pk)
    if current.used_at is not None or current.expired or not current.user.is_active:
        raise ValidationError("This link has expired or has already been used.")
    current.used_at = timezone.now()
    current.save(update_fields=["used_at"])
    person = current.user
    if password is not None:
        person.set_password(password)
        person.save(update_fields=["password"])
    audit.record(Kind.LINK_USED, request=request, user=person, detail=current.kind)
    return current
