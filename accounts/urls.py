from django.contrib.auth import views as auth_views
from django.urls import path

from . import two_factor, views

# Sign-in, sign-out and password change only: passwords are reset by the administrator.
# Names are not namespaced: Django's LOGIN_URL and auth views expect "login" and friends.
urlpatterns = [
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
        auth_views.PasswordChangeView.as_view(template_name="accounts/password_change_form.html"),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("security/", views.security_events, name="security_events"),
]
