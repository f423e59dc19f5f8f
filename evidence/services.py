"""Writes: attaching evidence documents to a progress update, and replacing one.

All or nothing: every file is identified from its bytes and checked against the limits
before any is stored; the rows are saved in one transaction, and a file already written to
the storage for a transaction that fails is deleted again. Nothing is overwritten: a
replacement is a new document, and the one it replaces is kept, marked superseded.
"""

import hashlib
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from recommendations.calendar import calendar
from recommendations.models import ProgressUpdate, Review
from recommendations.roles import may_report_for

from . import files
from .models import EvidenceDocument, evidence_files


def evidence_attach(*, update, user, files_with_titles, submission_key=None):
    """Attach `files_with_titles` ((title, uploaded file) pairs) to `update`, as `user`.

    Returns the new documents. With a `submission_key` (one per form shown), posting the
    same form twice returns the documents the first post attached.
    """
    _check_may_attach(user, update)
    if submission_key is not None:
        earlier = list(
            EvidenceDocument.objects.filter(
                update=update, uploaded_by=user, submission_key=submission_key, replaces=None
            )
        )
        if earlier:
            return earlier
    chosen = list(files_with_titles)
    if not chosen:
        raise ValidationError("Choose a file to attach.")
    documents = _prepared(update, user, chosen, submission_key=submission_key)
    with _stored_or_removed() as stored, transaction.atomic():
        _lock_for_change(update)
        _check_room(update, adding=[document for document, _ in documents])
        for document, upload in documents:
            _save(document, upload, user=user, stored=stored)
    return [document for document, _ in documents]


def evidence_replace(*, document, user, title, upload, submission_key=None):
    """Replace `document` with a new version (`title`, `upload`); the old one is kept."""
    update = document.update
    _check_may_attach(user, update)
    if submission_key is not None:
        earlier = EvidenceDocument.objects.filter(
            replaces=document, uploaded_by=user, submission_key=submission_key
        ).first()
        if earlier is not None:
            return earlier
    [(replacement, upload)] = _prepared(
        update, user, [(title, upload)], submission_key=submission_key, replaces=document
    )
    with _stored_or_removed() as stored, transaction.atomic():
        _lock_for_change(update)
        current = EvidenceDocument.objects.select_for_update().get(pk=document.pk)
        if current.superseded_at is not None:
            raise ValidationError(
                f"“{current.title}” has already been replaced by a newer version. Replace "
                "that one instead."
            )
        _check_room(update, adding=[replacement], removing=current)
        _save(replacement, upload, user=user, stored=stored)
        current.superseded_at = replacement.uploaded_at
        current._history_user = user
        current.save()
    return replacement


def _check_may_attach(user, update):
    if not may_report_for(user, update.agency):
        raise PermissionDenied(
            f"Only editors of {update.agency} can attach evidence to the updates it posted."
        )


def _prepared(update, user, chosen, *, submission_key, replaces=None):
    """Unsaved documents for (title, upload) pairs, each file identified and hashed; or a
    ValidationError naming every file that cannot be attached, and why."""
    prepared, problems = [], []
    now = timezone.now()
    for title, upload in chosen:
        name = files.shown_name(getattr(upload, "name", ""))
        try:
            kind = files.identify(upload, name)
        except files.FileRefused as refused:
            problems.append(str(refused))
            continue
        digest, size = hashlib.sha256(), 0
        for chunk in upload.chunks():
            digest.update(chunk)
            size += len(chunk)
        if size > settings.EVIDENCE_MAX_FILE_BYTES:
            problems.append(
                f"“{name}” is larger than {filesizeformat(settings.EVIDENCE_MAX_FILE_BYTES)}, "
                "the most a document can be. Make it smaller and attach it again."
            )
            continue
        document = EvidenceDocument(
            update=update,
            title=(title or "").strip(),
            content_type=kind.content_type,
            size=size,
            sha256=digest.hexdigest(),
            original_name=_stored_name(getattr(upload, "name", "")),
            uploaded_by=user,
            uploaded_at=now,
            replaces=replaces,
            submission_key=submission_key,
        )
        if not document.title:
            problems.append(f"Enter a title for “{name}”.")
            continue
        try:
            document.full_clean(exclude=["file", "replaces", "submission_key"])
        except ValidationError as error:
            problems.extend(f"“{name}”: {message}" for message in error.messages)
            continue
        prepared.append((document, upload))
    if problems:
        raise ValidationError(problems)
    return prepared


def _stored_name(name):
    """The uploader's file name as kept: printable characters only, without any folder."""
    name = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(char for char in name if char.isprintable()).strip()[:255] or "evidence"


def _lock_for_change(update):
    """Lock the update and its review as every writer to the record does (the report worker
    stores what it printed under the review's lock); refuse while a report that would list
    the document is being issued."""
    current = (
        ProgressUpdate.objects.select_for_update()
        .select_related("recommendation")
        .get(pk=update.pk)
    )
    review_id = current.recommendation.review_id
    Review.objects.select_for_update().filter(pk=review_id).exists()
    issuing = calendar().issuing_through(review_id)
    if issuing is not None and current.date <= issuing and timezone.localdate() <= issuing:
        raise ValidationError(
            "A progress report that would list this document is being issued to the "
            "committee right now. Nothing has been attached: try again in a minute."
        )


def _check_room(update, *, adding, removing=None):
    """Refuse what would take the update past its limits: documents, and bytes together."""
    current = EvidenceDocument.objects.filter(update_id=update.pk).current()
    if removing is not None:
        current = current.exclude(pk=removing.pk)
    sizes = list(current.values_list("size", flat=True))
    most = settings.EVIDENCE_MAX_FILES_PER_UPDATE
    if len(sizes) + len(adding) > most:
        room = max(0, most - len(sizes))
        raise ValidationError(
            f"An update can have at most {most} documents. This one has {len(sizes)}, so "
            + (f"you can attach {room} more." if room else "replace one instead of adding.")
        )
    limit = settings.EVIDENCE_MAX_UPDATE_BYTES
    total = sum(sizes) + sum(document.size for document in adding)
    if total > limit:
        raise ValidationError(
            f"Together the update's documents would come to {filesizeformat(total)}, more "
            f"than the {filesizeformat(limit)} one update can have"
            + (f" (it has {filesizeformat(sum(sizes))} already)" if sizes else "")
            + ". Attach fewer files, or smaller ones."
        )


def _save(document, upload, *, user, stored):
    upload.seek(0)
    document.file.save(upload.name or "evidence", upload, save=False)
    stored.append(document.file.name)
    document._history_user = user
    document.save()


@contextmanager
def _stored_or_removed():
    """The names of files written to the storage; deleted again if the block fails."""
    stored = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            evidence_files.delete(name)
        raise
