"""Report workers scale out: several `db_worker` processes on one database never print the
same draft or the same issue twice (reports/drafts.py, reports/issuing.py).

The demo stack (tests/stack.py) with two workers. Every report's draft is asked for and its
task queued three times; one report's issue is asked for by two administrators at once and
its task queued three times too. Each draft is printed once (one attempt), the issue makes
one version, and both workers took part. On SQLite and on PostgreSQL (DATABASE_URL).
"""

import json

from tests.stack import Stack

SCRIPT = """
import json, time, uuid
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from recommendations.roles import BOARD_ADMINISTRATORS
from reports import drafts, issuing
from reports.models import DraftPdf, IssueRequest, Report

User = get_user_model()
admin = User.objects.get(username="admin")
other, _ = User.objects.get_or_create(username="admin.two", defaults={"is_staff": True})
other.groups.add(Group.objects.get(name=BOARD_ADMINISTRATORS))
reports = list(Report.objects.order_by("pk"))
before = {r.pk: r.versions.count() for r in reports}
DraftPdf.objects.all().delete()
asked = []
for report in reports:
    draft = drafts.draft_request(report=report)
    for _ in range(2):
        drafts.render_draft.enqueue(draft.pk)
    asked.append(draft.pk)
issued = reports[0]
requests = {
    issuing.issue_request(
        report=issued, user=user, reason="Scale-out test.", submission_key=uuid.uuid4()
    ).pk
    for user in (admin, other)
}
for pk in requests:
    for _ in range(2):
        issuing.print_issue.enqueue(pk)
open_states = [TaskResultStatus.READY, TaskResultStatus.RUNNING]
deadline = time.monotonic() + 400
while DBTaskResult.objects.filter(status__in=open_states).exists():
    assert time.monotonic() < deadline, "the workers did not finish"
    time.sleep(0.5)
workers = set()
for result in DBTaskResult.objects.all():
    workers.update(result.worker_ids)
print(json.dumps({
    "drafts": [[d.state, d.attempts] for d in DraftPdf.objects.filter(pk__in=asked)],
    "requests": sorted(requests),
    "request": [[r.state, r.attempts] for r in IssueRequest.objects.filter(pk__in=requests)],
    "new_versions": {r.pk: r.versions.count() - before[r.pk] for r in reports},
    "issued": issued.pk,
    "workers": sorted(workers),
    "tasks": DBTaskResult.objects.count(),
}))
"""


def test_two_workers_print_each_draft_and_each_issue_once(tmp_path):
    with Stack(tmp_path, workers=2) as stack:
        result = stack.manage("shell", "-c", SCRIPT, timeout=500)
        outcome = json.loads(result.stdout.strip().splitlines()[-1])
        logs = stack.log("worker") + stack.log("worker2")

    assert outcome["drafts"], "no draft was asked for"
    assert all(draft == ["ready", 1] for draft in outcome["drafts"]), outcome["drafts"]
    # Two administrators' requests at once are one request, printed once: one version.
    assert len(outcome["requests"]) == 1
    assert outcome["request"] == [["issued", 1]]
    assert outcome["new_versions"] == {
        str(pk): int(pk == outcome["issued"]) for pk in map(int, outcome["new_versions"])
    }
    assert len(outcome["workers"]) == 2, logs
