"""Pages cached by data version: the dashboard's and a recommendation page's content is
built once for each version of the data it shows (recommendations/versions.py), each day
(statuses are as at today) and each kind of viewer, and then served from the cache every
instance shares (settings.CACHES) until that data changes.

Only the content is cached, never the page around it: that carries the viewer's own name,
navigation, messages, sign-out form (with its CSRF token) and script nonce. The content
holds no form that posts, so no token is in it.

A key is made of:
- the release: a digest of the templates and the code, so an upgrade never serves content
  an older release built, though instances of both share one cache while it rolls out;
- the page, today's date and the data version of the scopes it shows;
- what the viewer may see (`viewer`): the role, and the agencies where the page shows what
  an agency may do.
Pages that depend on a query string (a filtered dashboard) are not cached: free text would
let one person fill the cache.

The cache is an optimisation only: when it cannot be reached (Redis down), pages are built
as if it were empty, and the log says so.
"""

import hashlib
import logging
from functools import cache as once
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from . import versions
from .roles import is_board_administrator

logger = logging.getLogger(__name__)

# Where the release digest is read from: what builds a page's content.
RELEASE_SOURCES = ("templates", "recommendations", "govuk", "evidence", "reports", "tracker")


def content(*, page, scopes, user, by_agency, build):
    """What `build()` returns (something picklable: the page's content), from the cache when
    it holds it for `page`, the data version of `scopes`, today and what `user` may see (with
    `by_agency`, their agencies too; else their role only)."""
    if not settings.PAGE_CACHE:
        return build()
    key = _key(page, versions.tokens(scopes), viewer(user, by_agency=by_agency))
    try:
        found = cache.get(key)
    except Exception:  # noqa: BLE001 (any failure of the cache's server: build instead)
        logger.warning("page cache unavailable: building %s", page, exc_info=True)
        return build()
    if found is None:
        found = build()
        try:
            cache.set(key, found)
        except Exception:  # noqa: BLE001
            logger.warning("page cache unavailable: %s not kept", page, exc_info=True)
    return found


def viewer(user, *, by_agency):
    """What `user` may see, as a key: "administrator", else the agencies whose progress they
    report ("agencies:1,4"; none for a reader), or without `by_agency` "editor" or "reader"."""
    if is_board_administrator(user):
        return "administrator"
    ids = sorted(user.agencies.values_list("pk", flat=True))
    if not by_agency:
        return "editor" if ids else "reader"
    return "agencies:" + ",".join(map(str, ids))


def _key(page, tokens, viewer):
    parts = [release(), page, timezone.localdate().isoformat(), tokens, viewer]
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
