"""The evidence pages: attach documents to an update, replace one, download one.

Thin, as the record's pages are. The access policy (accounts/access.py) lets the editors
of the agency that posted the update, and the administrator, attach and replace; everyone
signed in downloads. The views check again.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from govuk.forms import add_service_errors
from recommendations.models import ProgressUpdate
from recommendations.roles import may_report_for

from . import services, uploads
from .forms import SLOTS, EvidenceReplaceForm, EvidenceUploadForm
from .models import EvidenceDocument

# The upload's bounds (uploads.bound) must be set before anything reads the request's POST
# data, and the CSRF check reads it: so each form view is exempt from the middleware's check
# and runs it itself, once bounded (Django's documented way to change upload handlers).


@csrf_exempt
@require_http_methods(["GET", "POST"])
def add(request, pk):
    uploads.bound(request)
    return _add(request, pk)


@csrf_protect
def _add(request, pk):
    update = _update_reported_by(request.user, pk)
    current = list(EvidenceDocument.objects.of_update(update).current())
    room = settings.EVIDENCE_MAX_FILES_PER_UPDATE - len(current)
    form = EvidenceUploadForm(
        *_data(request),
        slots=min(SLOTS, max(room, 1)),
        refused=uploads.refusal(request),
        initial={"submission_key": uuid.uuid4()},
    )
    if form.is_bound and form.is_valid():
        try:
            attached = services.evidence_attach(
                update=update,
                user=request.user,
                files_with_titles=form.files_with_titles(),
                submission_key=form.cleaned_data["submission_key"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            titles = "; ".join(f"“{document.title}”" for document in attached)
            messages.success(request, f"Evidence attached: {titles}.")
            return redirect(_timeline_url(update))
    context = {"update": update, "current": current, "room": room, "form": form}
    return _page(request, "evidence/add.html", update, context)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def replace(request, pk, document):
    uploads.bound(request)
    return _replace(request, pk, document)


@csrf_protect
def _replace(request, pk, document):
    update = _update_reported_by(request.user, pk)
    document = get_object_or_404(EvidenceDocument, pk=document, update=update)
    form = EvidenceReplaceForm(
        *_data(request),
        refused=uploads.refusal(request),
        initial={"title": document.title, "submission_key": uuid.uuid4()},
    )
    if form.is_bound and form.is_valid():
        try:
            services.evidence_replace(
                document=document,
                user=request.user,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"“{document.title}” has been replaced. The earlier version is kept, and "
                "still downloads from the update.",
            )
            return redirect(_timeline_url(update))
    context = {"update": update, "document": document, "form": form}
    return _page(request, "evidence/replace.html", update, context)


@require_GET
def download(request, pk, document):
    document = get_object_or_404(EvidenceDocument, pk=document, update_id=pk)
    try:
        stream = document.file.open("rb")
    except OSError:  # FileNotFoundError: the storage has lost it
        raise Http404("The document's file cannot be found.") from None
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=document.download_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def _update_reported_by(user, pk):
    """The update, if `user` may attach evidence to it: an editor of the agency that posted it."""
    update = get_object_or_404(
        ProgressUpdate.objects.select_related("recommendation__review", "agency", "author"), pk=pk
    )
    if not may_report_for(user, update.agency):
        raise PermissionDenied("Only editors of the agency that posted this update can.")
    return update


def _data(request):
    """The form's data and files when posted; none for an empty form."""
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _page(request, template, update, context):
    recommendation = update.recommendation
    context.update(review=recommendation.review, recommendation=recommendation)
    status = 400 if context["form"].errors else 200
    return render(request, template, context, status=status)


def _timeline_url(update):
    recommendation = update.recommendation
    detail = reverse(
        "recommendations:detail",
        kwargs={"slug": recommendation.review.slug, "number": recommendation.number},
    )
    return f"{detail}#update-{update.pk}"
