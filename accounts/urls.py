from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import links, passwords, people, two_factor, views

# The people pages, set-up links and password reset, namespaced "accounts" (and "agencies").
accounts_patterns = [
    path("people/", people.people, name="people"),
    path("people/invite/", people.person_invite, name="person_invite"),
    path("people/<int:pk>/", people.person, name="person"),
    path("people/<int:pk>/deactivate/", people.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", people.person_reactivate, name="person_reactivate"),
    path(
        "people/<int:pk>/reset-two-factor/",
        people.person_two_factor_reset,
        name="person_two_factor_reset",
    ),
    path(
        "people/<int:pk>/resend-invitation/",
        people.person_invitation_resend,
        name="person_invitation_resend",
    ),
    path("accounts/link/<str:token>/", links.link, name="link"),
    path("accounts/link/", links.link_use, name="link_use"),
    path("accounts/password-reset/", passwords.password_reset, name="password_reset"),
    path(
        "accounts/password-reset/sent/", passwords.password_reset_done, name="password_reset_done"
    ),
    path(
        "accounts/password-reset/new-password/",
        passwords.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/done/",
        passwords.password_reset_complete,
        name="password_reset_complete",
    ),
    path(
        "accounts/password-reset/<str:uidb64>/<str:token>/",
        passwords.password_reset_link,
        name="password_reset_link",
    ),
]

agencies_patterns = [
    path("agencies/", people.agencies, name="list"),
    path("agencies/new/", people.agency_create, name="create"),
    path("agencies/<int:pk>/", people.agency_rename, name="rename"),
]

# Sign-in, sign-out and password change keep Django's names, which LOGIN_URL and its auth
# views expect: "login" and friends, not namespaced.
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
    path("accounts/password_change/", passwords.password_change, name="password_change"),
    path(
        "accounts/password_change/done/",
        passwords.password_change_done,
        name="password_change_done",
    ),
    path("security/", views.security_events, name="security_events"),
    path("", include((accounts_patterns, "accounts"))),
    path("", include((agencies_patterns, "agencies"))),
]
