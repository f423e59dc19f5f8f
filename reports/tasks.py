"""Background tasks of the reports app, run by `manage.py db_worker` (django-tasks-db)."""

from django_tasks import task

from . import drafts


@task()
def render_draft(draft_id):
    """Print a queued draft PDF; retried or failed by `drafts.draft_render` on error."""
    drafts.draft_render(draft_id=draft_id)
