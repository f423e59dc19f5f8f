from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from . import two_factor, views
from .converters import SpreadsheetFormat

register_converter(SpreadsheetFormat, "sheet")

urlpatterns = [
    path("", include("recommendations.urls")),
    path("", include("reports.urls")),
    path("", include("reminders.urls")),
    # Sign-in, sign-out and password change only: passwords are reset by the administrator.
    path("accounts/login/", two_factor.SignInView.as_view(), name="login"),
    path("accounts/two-factor/", two_factor.verify, name="two_factor_verify"),
    path("accounts/two-factor/set-up/", two_factor.setup, name="two_factor_setup"),
    path(
        "accounts/two-factor/recovery-codes/",
        two_factor.recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("security/", views.security_events, name="security_events"),
    path("admin/", admin.site.urls),
]
