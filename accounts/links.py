"""The pages a set-up link opens: an invitation (choose a password, then set up two-factor
sign-in) or a two-factor reset (confirm the password, then set up again).

The token is in the link's address only until it is first opened: it is then kept in the
session and the browser is sent on to an address without it, as Django's password reset
does, so that it never reaches another site in a Referer or stays in the history bar.
"""

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from . import services, two_factor
from .forms import ChoosePasswordForm, ConfirmPasswordForm
from .models import SetUpLink

SESSION_TOKEN = "set_up_link_token"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _invalid(request):
    context = {"days": settings.INVITATION_DAYS}
    return render(request, "accounts/link_invalid.html", context, status=410)


@login_not_required
@require_GET
def link(request, token):
    request.session[SESSION_TOKEN] = token
    return redirect("accounts:link_use")


@login_not_required
@require_http_methods(["GET", "POST"])
def link_use(request):
    found = SetUpLink.objects.for_token(request.session.get(SESSION_TOKEN))
    if found is None:
        return _invalid(request)
    person = found.user
    invitation = found.kind == SetUpLink.Kind.INVITATION
    data = request.POST if request.method == "POST" else None
    if invitation:
        form = ChoosePasswordForm(person, data)
    else:
        form = ConfirmPasswordForm(data, user=person, request=request)
    if form.is_bound and form.is_valid():
        password = form.cleaned_data["new_password1"] if invitation else None
        try:
            # Signed in as the person the service saved: their session carries the new password's hash.
            person = services.set_up_link_use(link=found, password=password, request=request).user
        except ValidationError:
            return _invalid(request)
        request.session.pop(SESSION_TOKEN, None)
        login(request, person, backend=BACKEND)
        if not two_factor.required(person):
            return redirect("recommendations:home")
        two_factor.grant(request, person)
        return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': '/'})}")
    context = {
        "form": form,
        "person": person,
        "invitation": invitation,
        "two_factor": two_factor.required(person),
    }
    return render(request, "accounts/link_use.html", context, status=400 if form.errors else 200)
