"""Reports in the admin: the schedule under the same rules as its pages; issued versions and
issue requests read-only (they are records)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import ReadOnlyAdmin

from .models import IssueRequest, Report, ReportVersion


@admin.register(Report)
class ReportAdmin(SimpleHistoryAdmin):
    """Report.clean() holds the schedule's rules, so the admin's form applies them too."""

    list_display = ["title", "review", "kind", "as_at", "meeting_date", "papers_due"]
    list_filter = ["review", "kind"]
    search_fields = ["title", "committee"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.is_issued())

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_removable())


@admin.register(ReportVersion)
class ReportVersionAdmin(ReadOnlyAdmin):
    list_display = ["report", "number", "issued_at", "issued_by", "sha256"]
    list_filter = ["report__review"]
    exclude = ["pdf"]  # the bytes download from the reports page


@admin.register(IssueRequest)
class IssueRequestAdmin(ReadOnlyAdmin):
    list_display = ["report", "state", "requested_by", "requested_at", "finished_at", "version"]
    list_filter = ["state"]
