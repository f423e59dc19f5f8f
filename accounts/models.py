import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import Permission, User, UserManager
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from recommendations.roles import ADMINISTER


class SecurityEvent(models.Model):
    """One security-relevant event: who, when, what, from where. Never narrative text."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGNED_OUT = "signed_out", "Signed out"
        LOCKED_OUT = "locked_out", "Locked out after failed sign-ins"
        REFUSED = "refused", "Request refused"
        REPORT_ISSUED = "report_issued", "Report issued"
        DOWNLOADED = "downloaded", "Downloaded"
        # People (accounts/people.py): `user` is who did it, `detail` names whom.
        INVITED = "invited", "Person invited"
        LINK_USED = "link_used", "Set-up link used"
        ROLE_CHANGED = "role_changed", "Role or agencies changed"
        DEACTIVATED = "deactivated", "Person deactivated"
        REACTIVATED = "reactivated", "Person reactivated"
        TWO_FACTOR_RESET = "two_factor_reset", "Two-factor sign-in reset"
        RESET_REQUESTED = "reset_requested", "Password reset asked for"
        PASSWORD_RESET = "password_reset", "Password reset by e-mail"
        PASSWORD_CHANGED = "password_changed", "Password changed"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(
        max_length=150, blank=True, help_text="Only a username that exists: never what was typed."
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=300, blank=True)
    detail = models.CharField(max_length=200, blank=True, help_text="A page name or a reason code.")

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.username or 'nobody'}, {self.at:%Y-%m-%d %H:%M})"


class Role(models.TextChoices):
    """The three roles of recommendations/roles.py, as the people pages name them."""

    ADMINISTRATOR = "administrator", "Administrator"
    EDITOR = "editor", "Editor"
    READER = "reader", "Reader"


def _administers():
    """Whether the outer user holds the administrators' permission (as `has_perm` finds it)."""
    app_label, codename = ADMINISTER.split(".")
    held = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return Q(is_superuser=True) | Exists(
        held.filter(Q(group__user=OuterRef("pk")) | Q(user=OuterRef("pk")))
    )


class PersonQuerySet(models.QuerySet):
    def administrators(self):
        """Active board administrators: the people the board cannot be left without."""
        return self.filter(_administers(), is_active=True)

    def for_people_page(self, *, agency=None, role=None):
        """Everyone, with role, agencies, two-factor state and pending invitation, in 3 queries."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        people = self.annotate(
            is_administrator=_administers(),
            has_agencies=Exists(User.agencies.through.objects.filter(user=OuterRef("pk"))),
            has_two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        ).prefetch_related(
            models.Prefetch(
                "set_up_links",
                queryset=SetUpLink.objects.filter(used_at__isnull=True).order_by("-created_at"),
                to_attr="open_links",
            ),
            "agencies",
        )
        if agency is not None:
            people = people.filter(agencies=agency)
        if role == Role.ADMINISTRATOR:
            people = people.filter(is_administrator=True)
        elif role == Role.EDITOR:
            people = people.filter(is_administrator=False, has_agencies=True)
        elif role == Role.READER:
            people = people.filter(is_administrator=False, has_agencies=False)
        return people.order_by("-is_active", "first_name", "last_name", "username")


class PersonManager(UserManager.from_queryset(PersonQuerySet)):
    pass


class Person(User):
    """A user of the tracker as the people pages see them (no table of its own)."""

    objects = PersonManager()

    class Meta:
        proxy = True
        default_permissions = ()

    @property
    def role(self):
        """Needs `for_people_page()`'s annotations: a property never queries."""
        if self.is_administrator:
            return Role.ADMINISTRATOR
        return Role.EDITOR if self.has_agencies else Role.READER

    @property
    def accepted(self):
        """Whether they have chosen a password (an invited person has none until then)."""
        return self.has_usable_password()


def hash_token(token):
    return hashlib.sha256(str(token).encode()).hexdigest()


class SetUpLinkQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(
            used_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True
        )

    def for_token(self, token):
        """The usable link `token` opens, or None. Only the token's hash is stored."""
        if not token or not isinstance(token, str) or len(token) > 100:
            return None
        return self.usable().select_related("user").filter(token_hash=hash_token(token)).first()

    def pending_invitations(self):
        return (
            self.filter(kind=SetUpLink.Kind.INVITATION, used_at__isnull=True)
            .select_related("user", "created_by")
            .order_by("expires_at")
        )


class SetUpLink(models.Model):
    """A single-use link e-mailed to one person: to accept an invitation (choose a password,
    and set up two-factor sign-in if they need it), or to set up two-factor sign-in again
    after the administrator reset it. Only a hash of the token is kept."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", "Invitation"
        TWO_FACTOR = "two_factor", "Two-factor set-up"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="set_up_links"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = SetUpLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.user}"

    @property
    def expired(self):
        return self.expires_at <= timezone.now()

    @staticmethod
    def new_token():
        return secrets.token_urlsafe(32)


class PasswordResetRequest(models.Model):
    """One request for a password reset e-mail, counted to limit them per address and per IP.

    The address is kept only as a hash: what was typed may be nobody's address.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    address_hash = models.CharField(max_length=64, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"Password reset asked for at {self.at:%Y-%m-%d %H:%M}"
