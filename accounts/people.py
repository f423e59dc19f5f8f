"""The board administrator's people and agency pages. Access is the policy's
(administrators only: accounts/access.py); writes are accounts/services.py's, and the
agencies' recommendations/services.py's."""

import functools

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from recommendations import services as records
from recommendations.models import PartnerAgency, Review
from recommendations.roles import is_board_administrator

from . import services
from .forms import AgencyForm, InviteForm, PeopleFilterForm, PersonChangeForm
from .models import Person, SetUpLink


def administrators_only(view):
    """The second line behind the access policy: these pages are the administrator's."""

    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        if not is_board_administrator(request.user):
            raise PermissionDenied("Only the board administrator manages people and agencies.")
        return view(request, *args, **kwargs)

    return checked


def _render(request, template, context, status=200):
    # The navigation shows the review's pages beside People: the latest review's.
    context = {"review": Review.objects.first(), "nav_current": "people", **context}
    return render(request, template, context, status=status)


def _form_errors(form, error):
    """Put a service's refusal on the form: on its field if the form has one, else on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@administrators_only
@require_GET
def people(request):
    filters = PeopleFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    everyone = Person.objects.for_people_page(
        agency=chosen.get("agency"), role=chosen.get("role") or None
    )
    context = {
        "people": everyone,
        "filters": filters,
        "filtered": bool(chosen.get("agency") or chosen.get("role")),
        "invitations": SetUpLink.objects.pending_invitations(),
    }
    return _render(request, "accounts/people.html", context)


@administrators_only
@require_http_methods(["GET", "POST"])
def person_invite(request):
    form = InviteForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            link = services.person_invite(**form.cleaned_data, by=request.user, request=request)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {link.user.email}.")
            return redirect("accounts:people")
    status = 400 if form.errors else 200
    context = {"form": form, "days": settings.INVITATION_DAYS}
    return _render(request, "accounts/person_invite.html", context, status)


def _person(pk):
    return get_object_or_404(Person.objects.for_people_page(), pk=pk)


def _person_page(request, person, *, form=None, error=None, status=200):
    form = form or PersonChangeForm(
        initial={"role": person.role, "agencies": list(person.agencies.all())}
    )
    context = {"person": person, "form": form, "action_error": error}
    return _render(request, "accounts/person.html", context, status)


@administrators_only
@require_http_methods(["GET", "POST"])
def person(request, pk):
    """A person's page: their role and agencies, changed here, and what else can be done."""
    person = _person(pk)
    if request.method == "GET":
        return _person_page(request, person)
    form = PersonChangeForm(request.POST)
    if form.is_valid():
        try:
            services.person_change(
                person=person, **form.cleaned_data, by=request.user, request=request
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"{person.get_full_name() or person.username}'s role saved.")
            return redirect("accounts:person", pk=person.pk)
    return _person_page(request, person, form=form, status=400)


def _act(request, pk, action, done):
    """Run one of the person page's buttons; a refusal is shown on the page, changing nothing."""
    person = _person(pk)
    try:
        action(person=person, by=request.user, request=request)
    except ValidationError as error:
        return _person_page(request, person, error=" ".join(error.messages), status=400)
    messages.success(request, done.format(name=person.get_full_name() or person.username))
    return redirect("accounts:person", pk=person.pk)


@administrators_only
@require_POST
def person_deactivate(request, pk):
    return _act(request, pk, services.person_deactivate, "{name} can no longer sign in.")


@administrators_only
@require_POST
def person_reactivate(request, pk):
    return _act(request, pk, services.person_reactivate, "{name} can sign in again.")


@administrators_only
@require_POST
def person_two_factor_reset(request, pk):
    done = "{name}'s two-factor sign-in was reset. A link to set it up again has been e-mailed."
    return _act(request, pk, services.person_two_factor_reset, done)


@administrators_only
@require_POST
def person_invitation_resend(request, pk):
    done = "A new invitation was e-mailed to {name}. The earlier link no longer works."
    return _act(request, pk, services.person_invitation_resend, done)


@administrators_only
@require_GET
def agencies(request):
    return _render(
        request, "accounts/agencies.html", {"agencies": PartnerAgency.objects.order_by("name")}
    )


@administrators_only
@require_http_methods(["GET", "POST"])
def agency_create(request):
    form = AgencyForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            agency = records.agency_save(**form.cleaned_data, user=request.user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"{agency.name} added.")
            return redirect("agencies:list")
    status = 400 if form.errors else 200
    return _render(request, "accounts/agency_form.html", {"form": form, "agency": None}, status)


@administrators_only
@require_http_methods(["GET", "POST"])
def agency_rename(request, pk):
    agency = get_object_or_404(PartnerAgency, pk=pk)
    form = AgencyForm(request.POST or None, agency=agency)
    if form.is_bound and form.is_valid():
        try:
            records.agency_rename(agency=agency, **form.cleaned_data, user=request.user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['name']} saved.")
            return redirect("agencies:list")
    status = 400 if form.errors else 200
    return _render(request, "accounts/agency_form.html", {"form": form, "agency": agency}, status)
