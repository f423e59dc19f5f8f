from django.contrib import admin
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import SecurityEvent

# People, their roles and their two-factor devices are managed on the people pages
# (accounts/people.py), which keep the board's rules (never without an administrator,
# devices set up only from an e-mailed link) and record each change; the admin would not.
for model in (get_user_model(), TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records (the audit trail, issued reports): shown, never added, changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    """Read-only: the audit trail is a record."""

    list_display = ["at", "kind", "username", "ip_address", "method", "path"]
    list_filter = ["kind"]
    search_fields = ["username", "ip_address", "path"]
