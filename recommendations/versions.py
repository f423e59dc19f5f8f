"""The version of the data a page shows, for pages cached by data version
(recommendations/page_cache.py).

Data is versioned in scopes, each a row of DataVersion holding a random token:
- `global`: what every review's pages show (agencies' and people's names);
- `review:<id>`: the review, its themes, its recommendations' own fields, its reports and
  their issued versions: what every page of the review shows;
- `dashboard:<id>`: anything below a recommendation of the review (updates, decisions,
  target-date revisions, recovery plans, actions, evidence): what the dashboard counts;
- `recommendation:<review id>:<number>`: the same, for one recommendation's page.

Every change to a model a page shows replaces the tokens of its scopes in the same
transaction as the change (`post_save`, `post_delete`, `m2m_changed`), so a page cached
under the tokens it was built at is never served once the data under them has changed: the
next reader asks under new tokens. Tokens are random, not counters, so a database restored
from a backup, or a test's rolled-back transaction, never meets a page cached for other
data under the same tokens.

Each app says which of its models pages show, and the scopes of an instance, with `track()`
in its AppConfig.ready(); the models no page shows are in UNSHOWN, with the reason.
tests/recommendations/test_page_cache.py checks that every model of the project is in one.
"""

import secrets

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

GLOBAL = "global"
TRACKED = {}  # concrete model -> scopes(instance): the scopes whose pages show the instance
UNSHOWN = {
    "recommendations.DataVersion": "the versions themselves",
    "reports.DraftPdf": "drafts are printed, never shown on a page",
    "reports.IssueRequest": "an issue's progress has a page of its own, never cached",
    "accounts.SecurityEvent": "the security events page is never cached",
    "accounts.SetUpLink": "set-up links are shown on the people pages, never cached",
    "accounts.PasswordResetRequest": "never shown",
    "reminders.ReminderPreference": "the preferences page is never cached",
    "reminders.SentReminder": "never shown",
    "spreadsheets.ImportConfirmation": "import pages are never cached",
    "spreadsheets.ImportMapping": "import pages are never cached",
}


def track(model, scopes=None):
    """Keep the data version of the pages showing `model` (and its proxies): `scopes(instance)`
    names the scopes an instance belongs to; without it, every review's pages show it."""
    TRACKED[model._meta.concrete_model] = scopes or (lambda instance: [GLOBAL])


def of_review(review_id):
    return [f"review:{review_id}"]


def of_recommendation(recommendation_id):
    review_id, number = (
        apps.get_model("recommendations", "Recommendation")
        .objects.values_list("review_id", "number")
        .get(pk=recommendation_id)
    )
    return [f"dashboard:{review_id}", f"recommendation:{review_id}:{number}"]


def of_update(update_id):
    ProgressUpdate = apps.get_model("recommendations", "ProgressUpdate")
    updates = ProgressUpdate.objects.values_list("recommendation_id", flat=True)
    return of_recommendation(updates.get(pk=update_id))


def of_action(action_id):
    Action = apps.get_model("recommendations", "Action")
    return of_recommendation(
        Action.objects.values_list("recommendation_id", flat=True).get(pk=action_id)
    )


def dashboard_scopes(review):
    return [GLOBAL, f"review:{review.pk}", f"dashboard:{review.pk}"]


def recommendation_scopes(review, number):
    return [GLOBAL, f"review:{review.pk}", f"recommendation:{review.pk}:{number}"]


def bump(*scopes):
    """Replace the tokens of `scopes`, in the current transaction: the new tokens are seen
    exactly when the change is. Returns the last token set."""
    DataVersion = apps.get_model("recommendations", "DataVersion")
    for scope in scopes:
        token = secrets.token_hex(16)
        if DataVersion.objects.filter(scope=scope).update(token=token):
            continue
        try:
            with transaction.atomic():
                DataVersion.objects.create(scope=scope, token=token)
        except IntegrityError:  # created by another transaction meanwhile
            DataVersion.objects.filter(scope=scope).update(token=token)
    return token


def tokens(scopes):
    """The tokens of `scopes` as one string, in one query. A missing global token (a database
    just created, flushed or restored without one) is made, so no two databases share one."""
    DataVersion = apps.get_model("recommendations", "DataVersion")
    found = dict(DataVersion.objects.filter(scope__in=scopes).values_list("scope", "token"))
    if GLOBAL not in found:
        found[GLOBAL] = bump(GLOBAL)
    return ".".join(found.get(scope, "") for scope in scopes)


@receiver(post_save, dispatch_uid="data-version-saved")
def _saved(sender, instance, update_fields=None, **kwargs):
    if sender._meta.concrete_model is get_user_model() and set(update_fields or ()) == {
        "last_login"
    }:
        return  # signing in changes nothing a page shows
    _changed(sender, instance)


@receiver(post_delete, dispatch_uid="data-version-deleted")
def _changed(sender, instance, **kwargs):
    if sender._meta.concrete_model in TRACKED:
        bump(*_scopes(instance))


@receiver(m2m_changed, dispatch_uid="data-version-m2m")
def _m2m_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and type(instance)._meta.concrete_model in TRACKED:
        bump(*_scopes(instance))


def _scopes(instance):
    """The scopes of `instance`; every review's (global) when they cannot be told, as when
    its parent was deleted first in a cascade."""
    try:
        return TRACKED[type(instance)._meta.concrete_model](instance)
    except Exception:  # noqa: BLE001 (the parent is gone: the safe answer is every page)
        return [GLOBAL]
