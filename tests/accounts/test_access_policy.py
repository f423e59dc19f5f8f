"""Every URL the project resolves, for every role, GET and POST, against the access policy.

The table in accounts/access.py says who may do what; this walks the URL patterns, fills
their parameters from a small review, and checks each role's answer. A refused POST must
leave the tracked tables exactly as they were.
"""

import datetime
import hashlib
import uuid

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from django.utils import timezone

from accounts import access
from evidence.services import evidence_attach
from recommendations import services
from recommendations.models import PartnerAgency, Status
from reports.models import IssueRequest, ReportVersion
from tests.conftest import make_agency, make_recommendation, make_review, make_update, make_user
from tests.reports.conftest import make_report
from tracker import urls

pytestmark = pytest.mark.django_db

TRACKED_APPS = ("auth", "recommendations", "evidence", "reports", "reminders")
FAKE_PDF = b"%PDF-1.7 access policy test"


def walk(patterns=None, namespace="", params=()):
    """(view name, parameter names) of every URL pattern, through every include."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for entry in patterns:
        names = (*params, *entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, inner, names)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", names
        else:
            yield f"{namespace}<unnamed {entry.pattern}>", names


def project_urls():
    return {name: names for name, names in walk() if not access.is_exempt(name)}


@pytest.fixture
def world(db, monkeypatch):
    """A review with one recommendation, one update, a report and its issued version."""
    monkeypatch.setattr("reports.views.render_report_pdf", lambda *a, **k: FAKE_PDF, raising=False)
    review = make_review()
    police, council, health = (make_agency(n) for n in ("Police", "Council", "Health"))
    owning_editor = make_user("editor.police", agencies=[police])
    administrator = make_user("admin", administrator=True)
    recommendation = make_recommendation(review, police, number=1, supporting_agencies=[council])
    update = make_update(
        recommendation,
        owning_editor,
        date=datetime.date(2016, 11, 1),
        status=Status.GREEN,
        narrative="Training delivered to 212 drivers.",
    )
    [document] = evidence_attach(
        update=update,
        user=owning_editor,
        files_with_titles=[("Training register", SimpleUploadedFile("register.pdf", FAKE_PDF))],
    )
    services.action_save(
        recommendation=recommendation,
        number="1.1",
        text="Brief every taxi driver.",
        owner=police,
        user=administrator,
    )
    report = make_report(review)
    version = ReportVersion.objects.create(
        report=report,
        number=1,
        pdf=FAKE_PDF,
        sha256=hashlib.sha256(FAKE_PDF).hexdigest(),
        issued_by=administrator,
        issued_at=timezone.now(),
    )
    issue = IssueRequest.objects.create(
        report=report,
        requested_by=administrator,
        submission_key=uuid.uuid4(),
        state=IssueRequest.State.ISSUED,
        version=version,
    )
    # The people pages act on someone no other check signs in as (an administrator's
    # POSTs deactivate and reactivate them, and reset their two-factor sign-in).
    leaver = make_user("leaver", agencies=[council])
    users = {
        access.ANONYMOUS: None,
        access.READER: make_user("clerk"),
        access.OWNING_EDITOR: owning_editor,
        access.OTHER_EDITOR: make_user("editor.health", agencies=[health]),
        access.ADMINISTRATOR: administrator,
    }
    params = {
        "recommendations": {"slug": review.slug, "number": 1, "pk": update.pk, "action": 1},
        "evidence": {"pk": update.pk, "document": document.pk},
        "spreadsheets": {"slug": review.slug, "fmt": "csv"},
        "accounts": {"pk": leaver.pk, "token": "not-a-real-token", "uidb64": "MQ"},
        "agencies": {"pk": council.pk},
        "reports": {
            "slug": review.slug,
            "number": version.number,
            "pk": report.pk,
            "fmt": "csv",
            "draft": 1,
            "request_id": issue.pk,
        },
    }
    return users, params


def url_for(view_name, names, params):
    values = params.get(view_name.split(":")[0], {}) if ":" in view_name else {}
    missing = [name for name in names if name not in values]
    assert not missing, f"no demo value for {missing} of {view_name}"
    return reverse(view_name, kwargs={name: values[name] for name in names})


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def tracked_tables():
    """Row count and a hash of every row of every tracked table (history included)."""
    state = {}
    for model in apps.get_models():
        if model._meta.app_label in TRACKED_APPS:
            rows = sorted(map(repr, model._default_manager.values_list()))
            state[model._meta.label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return state


def refused(response, role):
    if role == access.ANONYMOUS:
        return response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    return response.status_code == 403


def test_every_url_of_the_project_is_in_the_access_policy():
    resolved = set(project_urls())

    assert sorted(resolved - set(access.POLICY)) == [], "add these URLs to accounts/access.py"
    assert sorted(set(access.POLICY) - resolved) == [], "these policy rows name no URL"


def test_rules_that_tell_editors_apart_say_how_to_find_the_owning_agencies():
    for view_name, rule in access.POLICY.items():
        for allowed in (rule.get, rule.post):
            if (access.OWNING_EDITOR in allowed) != (access.OTHER_EDITOR in allowed):
                assert rule.owners is not None, view_name


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_each_role_gets_what_the_policy_says_on_every_url(world, method):
    users, params = world
    checked = 0
    for view_name, names in sorted(project_urls().items()):
        url = url_for(view_name, names, params)
        allowed = access.POLICY[view_name].allowed(method)
        for role, user in users.items():
            client = client_for(user)  # signing in sets last_login: before the snapshot
            before = tracked_tables() if method == "POST" else None
            response = client.get(url) if method == "GET" else client.post(url, {})
            where = f"{role} {method} {view_name} ({url}) -> {response.status_code}"
            if role in allowed:
                assert not refused(response, role), where
                assert response.status_code not in (403, 404, 405) and response.status_code < 500
            else:
                assert refused(response, role), where
                if method == "POST":
                    assert tracked_tables() == before, f"refused but changed: {where}"
            checked += 1
    assert checked == len(project_urls()) * len(access.ROLES)


def test_an_editor_of_a_supporting_agency_cannot_correct_the_lead_agencys_update(world):
    users, params = world
    council = make_user(
        "editor.council", agencies=[PartnerAgency.objects.get(short_name="Council")]
    )
    correct = reverse(
        "recommendations:update_correct", kwargs={"pk": params["recommendations"]["pk"]}
    )
    post = reverse("recommendations:update_create", kwargs={"slug": "test-review", "number": 1})
    client = client_for(council)

    assert client.get(post).status_code == 200
    before = tracked_tables()
    assert client.post(correct, {"narrative": "Changed by the wrong agency."}).status_code == 403
    assert tracked_tables() == before


def test_the_admin_is_for_staff_only(world):
    users, _ = world

    assert client_for(users[access.READER]).get("/admin/").status_code == 302
    assert client_for(users[access.ADMINISTRATOR]).get("/admin/").status_code == 200


def unlisted(request):
    from django.http import HttpResponse

    return HttpResponse("should never be seen")


urlpatterns = [*urls.urlpatterns, path("unlisted/", unlisted, name="unlisted")]


@pytest.mark.urls(__name__)
def test_a_url_missing_from_the_policy_is_refused_to_everyone(world, settings):
    users, _ = world

    assert client_for(users[access.ADMINISTRATOR]).get("/unlisted/").status_code == 403
    settings.DEBUG = True
    with pytest.raises(ImproperlyConfigured, match="not in the access policy"):
        client_for(users[access.ADMINISTRATOR]).get("/unlisted/")
