"""Two-factor sign-in for the people who can change things: editors and administrators.

After the password, they give a code from an authenticator app (TOTP, django-otp), or one
of ten one-time recovery codes. Until they have, they can read every page but change
nothing: `AccessPolicyMiddleware` sends any other request of theirs here first.

An app is set up only from a set-up link the board administrator's people pages e-mail
(an invitation, or a two-factor reset): the link's page calls `grant()`, and `setup` refuses
a session without it. Whoever learns a new editor's password cannot enrol their own app.

Demo mode (TRACKER_DEMO=1, which `make run` sets) exempts everyone, explicitly: its users
share a published password, so a second factor would protect nothing, and the demo must
work without a phone.
"""

import io
from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib.auth.views import LoginView
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from recommendations.roles import is_board_administrator

from . import audit
from .forms import SignInForm

RECOVERY_CODES = 10
SESSION_CODES = "two_factor_recovery_codes"
# The user this session may set up an app for: set by a set-up link's page only.
SESSION_GRANT = "two_factor_set_up_for"
# Pages someone who still owes a second factor may post to.
FREE = frozenset(
    {
        "login",
        "logout",
        "two_factor_setup",
        "two_factor_verify",
        "admin:logout",
        "accounts:link_use",
        "accounts:password_reset",
        "accounts:password_reset_confirm",
    }
)


def required(user):
    """Whether `user` must give a second factor before changing anything."""
    if settings.DEMO_MODE or not user.is_authenticated:
        return False
    return user.is_staff or is_board_administrator(user) or user.agencies.exists()


def owed(request):
    """Whether this request's user must still give their second factor in this session."""
    return required(request.user) and not verified(request.user)


def verified(user):
    # Just signed in by password, request.user is the plain user, not django-otp's.
    return bool(getattr(user, "is_verified", lambda: False)())


def enrolled(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def url_for(user, next_url):
    name = "two_factor_verify" if enrolled(user) else "two_factor_setup"
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _next(request):
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return settings.LOGIN_REDIRECT_URL


class SignInView(LoginView):
    """Password first; then, for editors and administrators, the second factor."""

    template_name = "accounts/login.html"
    authentication_form = SignInForm

    def get_success_url(self):
        url = super().get_success_url()
        if owed(self.request):
            return url_for(self.request.user, url)
        return url


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        error_messages={"required": "Enter the code", "max_length": "Enter the code"},
    )

    def clean_code(self):
        # Recovery codes are lower case; people type them as they like, spaced or not.
        code = "".join(self.cleaned_data["code"].split()).replace("-", "")
        return code.replace("\x00", "").lower()


def qr_svg(text):
    """The QR code of `text` as inline SVG markup: no image request, nothing for the CSP."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg") :]  # no XML declaration inside HTML
    label = 'role="img" aria-label="QR code for your authenticator app" '
    return mark_safe(svg.replace("<svg ", f"<svg {label}", 1))  # noqa: S308 (our own markup)


def _spaced(key_base32):
    return " ".join(key_base32[i : i + 4] for i in range(0, len(key_base32), 4))


def grant(request, user):
    """Let this session set up an app for `user`: only a set-up link's page calls this."""
    request.session[SESSION_GRANT] = user.pk


def _granted(request):
    return request.user.is_authenticated and request.session.get(SESSION_GRANT) == request.user.pk


@require_http_methods(["GET", "POST"])
def setup(request):
    """Enrol an authenticator app: QR code and secret, confirmed by one code from it.

    Only with a set-up link's grant; without one, the page says to ask the administrator.
    """
    user = request.user
    if not _granted(request):
        if request.method == "POST":
            return redirect(request.get_full_path())
        return render(request, "accounts/two_factor_needs_link.html", {"enrolled": enrolled(user)})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST or None)
    if form.is_bound and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            codes = _enrol(user, device)
            request.session.pop(SESSION_GRANT, None)
            django_otp.login(request, device)
            request.session.cycle_key()
            request.session[SESSION_CODES] = codes
            audit.record(audit.Kind.SIGNED_IN, request=request, detail="two-factor set up")
            url = reverse("two_factor_recovery_codes")
            return redirect(f"{url}?{urlencode({'next': _next(request)})}")
        form.add_error("code", "The code is not right. Enter the code your app shows now")
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_code": qr_svg(device.config_url),
            "secret": _spaced(secret),
            "next": _next(request),
        },
        status=400 if form.errors else 200,
    )


@transaction.atomic
def _enrol(user, device):
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save()
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    for code in codes:
        recovery.token_set.create(token=code)
    return codes


@require_GET
def recovery_codes(request):
    """The recovery codes, shown once, straight after setting up."""
    codes = request.session.pop(SESSION_CODES, None)
    if not codes:
        return redirect(_next(request))
    return render(
        request, "accounts/two_factor_recovery_codes.html", {"codes": codes, "next": _next(request)}
    )


@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of signing in: a code from the app, or a recovery code."""
    user = request.user
    if not enrolled(user):
        return redirect(url_for(user, _next(request)))
    if verified(user):
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if form.is_bound and form.is_valid():
        device = _device_accepting(user, form.cleaned_data["code"])
        if device is not None:
            django_otp.login(request, device)
            request.session.cycle_key()
            return redirect(_next(request))
        audit.record(audit.Kind.SIGN_IN_FAILED, request=request, detail="second factor")
        form.add_error("code", "The code is not right, or has been used. Enter a new code")
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _next(request)},
        status=400 if form.errors else 200,
    )


def _device_accepting(user, code):
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.filter(user=user, confirmed=True):
            with transaction.atomic():
                if device.verify_token(code):
                    return device
    return None
