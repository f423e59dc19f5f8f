"""Template helpers for an update's evidence documents, read from what was loaded with it."""

from django import template
from django.db import models

register = template.Library()


def _documents(documents):
    # A QuerySet is iterated as it is, so that its prefetched or cached rows are used; a
    # related manager is asked for its rows.
    return documents if isinstance(documents, models.QuerySet | list | tuple) else documents.all()


@register.filter
def current_documents(documents):
    """The documents not replaced by a newer version (no query when they were prefetched)."""
    return [document for document in _documents(documents) if document.superseded_at is None]


@register.filter
def replaced_documents(documents):
    """The earlier versions that newer documents replaced, kept and still downloadable."""
    return [document for document in _documents(documents) if document.superseded_at]
