"""Pages cached by data version: the dashboard's and a recommendation page's content is
built once for each version of the data it shows (recommendations/versions.py) and each day
(statuses are as at today), and then served from the cache every instance shares
(settings.CACHES) until that data changes.

One content serves every viewer. What only some may see (a "Post a progress update" button,
a "Correct this update" link) is built for everyone inside `{% shown_to audience %}` and
kept for a viewer only when they are in its audience (`for_viewer`, on every request):
- ADMINISTRATOR: board administrators;
- EDITOR: editors of any agency;
- agencies(3, 5): the editors of those agencies.
The pages' links only lead to actions the access policy and services check again, so this
decides what is offered, never what is allowed.

Only the content is cached, never the page around it: that carries the viewer's own name,
navigation, messages, sign-out form (with its CSRF token) and script nonce. The content
holds no form that posts, so no token is in it.

A key is made of the release (a digest of the templates and the code, so an upgrade never
serves content an older release built, though instances of both share one cache while it
rolls out), the page, today's date and the data version of the scopes it shows. Pages that
depend on a query string (a filtered dashboard) are built each time: free text would let
one person fill the cache.

The cache is an optimisation only: when it cannot be reached (Redis down), pages are built
as if it were empty, and the log says so.
"""

import hashlib
import logging
import re
import time
from functools import cache as once
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.safestring import mark_safe

from . import versions
from .roles import is_board_administrator

logger = logging.getLogger(__name__)

# Where the release digest is read from: what builds a page's content.
RELEASE_SOURCES = ("templates", "recommendations", "govuk", "evidence", "reports", "tracker")


# A build takes a tenth of a second alone, longer under load: readers wait up to this long
# for another's build before building themselves; a build's claim lapses after BUILD_TIMEOUT.
WAIT_FOR_BUILD = 1.0
BUILD_TIMEOUT = 10
ADMINISTRATOR = "administrator"
EDITOR = "editor"
_MARK = re.compile(r"<!--shown-to:([^>]*)-->|<!--/shown-to-->")


def agencies(*ids):
    """The audience of the editors of these agencies."""
    return [f"agency:{pk}" for pk in ids if pk is not None]


def content(*, page, scopes, user, build, cached=True):
    """What `build()` returns (a dict with the page's content as "html"), from the cache when
    it holds it for `page`, the data version of `scopes` and today, with the content kept to
    what `user` may see."""
    found = _cached(page, scopes, build) if cached and settings.PAGE_CACHE else build()
    return {**found, "html": for_viewer(found["html"], user)}


def _cached(page, scopes, build):
    """The content from the cache, else built and kept. One build per key at a time: after a
    change, the readers asking at once (on every instance) wait for the first one's build
    rather than all building the same page (up to WAIT_FOR_BUILD, then they build too)."""
    key = _key(page, versions.tokens(scopes))
    try:
        found = cache.get(key)
        if found is not None:
            return found
        if not cache.add(f"{key}:building", True, timeout=BUILD_TIMEOUT):
            found = _built_meanwhile(key)
            if found is not None:
                return found
    except Exception:  # noqa: BLE001 (any failure of the cache's server: build instead)
        logger.warning("page cache unavailable: building %s afresh", page, exc_info=True)
        return build()
    try:
        found = build()
        _quietly(cache.set, key, found)
    finally:  # built, refused (a page not found) or failed: the claim goes
        _quietly(cache.delete, f"{key}:building")
    return found


def _quietly(action, *args):
    try:
        action(*args)
    except Exception:  # noqa: BLE001 (the cache is an optimisation: the page is served)
        logger.warning("page cache unavailable: %s not done", action.__name__, exc_info=True)


def _built_meanwhile(key):
    """The content another request is building, once it is kept; None when that build has
    ended without it (the page was not found) or after WAIT_FOR_BUILD."""
    waited, pause = 0.0, 0.01
    while waited < WAIT_FOR_BUILD:
        time.sleep(pause)
        waited, pause = waited + pause, min(pause * 2, 0.16)
        found = cache.get_many([key, f"{key}:building"])
        if key in found or f"{key}:building" not in found:
            return found.get(key)
    return None


def shown_to(audience, html):
    """`html` marked as for `audience` only (the `{% shown_to %}` tag); "" for no one."""
    if not audience:
        return ""
    return mark_safe(f"<!--shown-to:{' '.join(audience)}-->{html}<!--/shown-to-->")


def for_viewer(html, user):
    """`html` with what `user` is not in the audience of taken out, and every mark."""
    identity = _identity(user)
    kept, shown, start = [], [], 0
    hidden = 0  # how many of the open marks hide what they hold
    for mark in _MARK.finditer(html):
        if not hidden:
            kept.append(html[start : mark.start()])
        start = mark.end()
        if mark.group(1) is None:  # a closing mark
            hidden -= not shown.pop()
        else:
            shown.append(not hidden and bool(identity & set(mark.group(1).split())))
            hidden += not shown[-1]
    if not hidden:
        kept.append(html[start:])
    return mark_safe("".join(kept))


def _identity(user):
    """The audiences `user` belongs to."""
    ids = list(user.agencies.values_list("pk", flat=True))
    identity = set(agencies(*ids)) | ({EDITOR} if ids else set())
    if is_board_administrator(user):
        identity.add(ADMINISTRATOR)
    return identity


def _key(page, tokens):
    parts = [release(), page, timezone.localdate().isoformat(), tokens]
    return "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@once
def release():
    """A digest of the templates and code that build pages (read once per process)."""
    digest = hashlib.sha256()
    for folder in RELEASE_SOURCES:
        for path in sorted((Path(settings.BASE_DIR) / folder).rglob("*")):
            if path.suffix in {".py", ".html"} and "migrations" not in path.parts:
                digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
