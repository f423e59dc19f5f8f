"""Log formatting, loaded by LOGGING before the apps: imports nothing of the project."""

import json
import logging

from django.http import HttpRequest, QueryDict

WITHHELD = "********"


class Formatter(logging.Formatter):
    """Plain records as usual; security events (accounts/audit.py) as one JSON object a line."""

    def format(self, record):
        fields = getattr(record, "security", None)
        if fields is None:
            return super().format(record)
        return json.dumps({"logger": record.name, "level": record.levelname, **fields})


class MessageWithheld(Exception):
    """Stands in for an exception in a log record: its type and traceback, not its message."""


def withheld(error, depth=0):
    """A stand-in for `error` and the exceptions chained to it, with no message of any.

    An exception's message is often built from the data in hand (openpyxl quotes the cell
    it cannot write, a database the value it refuses): here, what people wrote about
    children. The type and the traceback say where it failed, which is what is needed.
    """
    stand_in = MessageWithheld(f"{type(error).__name__} (message withheld)")
    stand_in.__traceback__ = error.__traceback__
    stand_in.__suppress_context__ = error.__suppress_context__
    if depth < 20:
        if error.__cause__ is not None:
            stand_in.__cause__ = withheld(error.__cause__, depth + 1)
        if error.__context__ is not None:
            stand_in.__context__ = withheld(error.__context__, depth + 1)
    return stand_in


class WithheldRequest:
    """A record's request as the error e-mail and the record show it: its method and path,
    the names of its query parameters, cookies and files but not their values, and no
    query string or referring address (a search is typed text too). The rest is the request."""

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return getattr(self._request, name)

    def __repr__(self):
        return f"<{type(self._request).__name__}: {self._request.method} {self._request.path!r}>"

    @property
    def GET(self):  # Django's names, as the e-mail reads them
        query = QueryDict(mutable=True)
        for name in self._request.GET:
            query[name] = WITHHELD
        return query

    @property
    def COOKIES(self):
        return {name: WITHHELD for name in self._request.COOKIES}

    @property
    def FILES(self):
        return {name: WITHHELD for name in self._request.FILES}

    @property
    def META(self):
        meta = dict(self._request.META)
        for name in ("QUERY_STRING", "HTTP_REFERER", "HTTP_COOKIE"):
            if name in meta:
                meta[name] = WITHHELD
        return meta

    def get_full_path(self, force_append_slash=False):
        return self._request.path

    def get_full_path_info(self, force_append_slash=False):
        return self._request.path_info


class WithholdExceptionMessages(logging.Filter):
    """Replaces the exception of a record (and its formatted text) by a stand-in without
    messages, and its request by one without typed values, before any handler (console,
    error e-mail) or later filter sees it."""

    def filter(self, record):
        if record.exc_info and record.exc_info[1] is not None:
            error_type, error, traceback = record.exc_info
            if not isinstance(error, MessageWithheld):
                record.exc_info = (error_type, withheld(error), traceback)
            record.exc_text = None
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest):
            record.request = WithheldRequest(request)
        return True
