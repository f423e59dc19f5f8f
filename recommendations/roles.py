"""Who may do what: the three roles of the tracker, in one place.

- Board administrators hold the `administer_review` permission (through the
  "Board administrators" group): everything, for every agency.
- Agency editors are editors of one or more partner agencies: they report progress on
  what their agencies own.
- Everyone else who can sign in is a reader: they see everything and change nothing.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission

BOARD_ADMINISTRATORS = "Board administrators"
ADMINISTER = "recommendations.administer_review"
ADMINISTERED_APPS = ("recommendations", "reports")


def is_board_administrator(user):
    return user.is_authenticated and user.is_active and user.has_perm(ADMINISTER)


def reporting_agencies(user, recommendation):
    """The agencies `user` may report progress for on `recommendation` (maybe none)."""
    PartnerAgency = apps.get_model("recommendations", "PartnerAgency")
    owning = PartnerAgency.objects.owning(recommendation)
    if is_board_administrator(user):
        return owning
    if not (user.is_authenticated and user.is_active):
        return owning.none()
    return owning.filter(editors=user)


def may_report_for(user, agency):
    """Whether `user` may post or correct progress in the name of `agency`."""
    if is_board_administrator(user):
        return True
    return user.is_authenticated and user.is_active and agency.editors.filter(pk=user.pk).exists()


def ensure_board_administrators_group(**kwargs):
    """Give the administrators' group every permission of the tracker's apps (post_migrate)."""
    group, _ = Group.objects.get_or_create(name=BOARD_ADMINISTRATORS)
    group.permissions.add(*Permission.objects.filter(content_type__app_label__in=ADMINISTERED_APPS))
