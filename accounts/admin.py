from django.contrib import admin

from .models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is a record."""

    list_display = ["at", "kind", "username", "ip_address", "method", "path"]
    list_filter = ["kind"]
    search_fields = ["username", "ip_address", "path"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
