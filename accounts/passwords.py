"""Password reset by e-mail and password change: Django's views, in the service's pages.

A reset asked for says the same whether or not the address is known; requests are counted
per address and per IP address in the database (so the limit holds across instances); the
e-mailed link works once and expires (Django's token generator: PASSWORD_RESET_TIMEOUT).
A reset does not sign anyone in: they sign in with the new password, and editors and
administrators then give their second factor as usual.
"""

import datetime

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import audit
from .forms import NewPasswordForm, PasswordChangeForm, ResetPasswordForm
from .models import PasswordResetRequest, hash_token

SESSION_UID = "_password_reset_uid"


def _too_many(request, email):
    """Count this request; whether the address or the IP address has asked too often."""
    since = timezone.now() - datetime.timedelta(seconds=settings.PASSWORD_RESET_WINDOW_SECONDS)
    PasswordResetRequest.objects.filter(at__lt=since).delete()
    address = hash_token(email.strip().lower())
    ip_address = request.META.get("REMOTE_ADDR") or None
    by_address = PasswordResetRequest.objects.filter(address_hash=address).count()
    by_ip = PasswordResetRequest.objects.filter(ip_address=ip_address).count() if ip_address else 0
    PasswordResetRequest.objects.create(address_hash=address, ip_address=ip_address)
    return (
        by_address >= settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
        or by_ip >= settings.PASSWORD_RESET_LIMIT_PER_IP
    )


class PasswordReset(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = ResetPasswordForm
    email_template_name = "accounts/email_password_reset.txt"
    subject_template_name = "accounts/email_password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self):
        return {"hours": settings.PASSWORD_RESET_TIMEOUT // 3600}

    def form_valid(self, form):
        if _too_many(self.request, form.cleaned_data["email"]):
            audit.record(audit.Kind.REFUSED, request=self.request, detail="password reset: limit")
            return render(self.request, "accounts/password_reset_limited.html", status=429)
        audit.record(audit.Kind.RESET_REQUESTED, request=self.request)
        return super().form_valid(form)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


@login_not_required
@require_GET
def password_reset_link(request, uidb64, token):
    """The e-mailed link: its token goes into the session, and the browser on to the form."""
    request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN] = token
    request.session[SESSION_UID] = uidb64
    return redirect("accounts:password_reset_confirm")


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """Django's, reading the person from the session as well as the token."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def dispatch(self, *args, **kwargs):
        uidb64 = self.request.session.get(SESSION_UID, "")
        return super().dispatch(*args, uidb64=uidb64, token=self.reset_url_token)

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session.pop(SESSION_UID, None)
        audit.record(audit.Kind.PASSWORD_RESET, request=self.request, user=self.user)
        return response

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PasswordChange(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_change_form.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(audit.Kind.PASSWORD_CHANGED, request=self.request)
        return response


password_reset = PasswordReset.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html",
    extra_context={"hours": settings.PASSWORD_RESET_TIMEOUT // 3600},
)
password_reset_confirm = login_not_required(PasswordResetConfirm.as_view())
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
password_change = PasswordChange.as_view()
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/password_change_done.html"
)
