"""Sessions end after SESSION_COOKIE_AGE (30 minutes) without a request.

Django renews a session's expiry by writing its row on every request
(SESSION_SAVE_EVERY_REQUEST): a database write, and a commit, for every page anyone reads.
This middleware renews it at most once every RENEW_EVERY seconds, unless the session itself
changed: a session then ends between SESSION_COOKIE_AGE - RENEW_EVERY and SESSION_COOKIE_AGE
after its last request, never later. The cookie's expiry is set with each renewal, as the
row's is, so the two agree.
"""

import time

from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.dispatch import receiver
from django.utils.cache import patch_vary_headers

RENEWED = "_renewed_at"
RENEW_EVERY = 60


class SessionMiddleware(DjangoSessionMiddleware):
    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return super().process_response(request, response)
        now = int(time.time())
        if not session.modified and 0 <= now - session.get(RENEWED, 0) < RENEW_EVERY:
            patch_vary_headers(response, ("Cookie",))  # as Django's does for a read session
            return response
        session[RENEWED] = now  # changed, so Django's middleware saves it and sets the cookie
        return super().process_response(request, response)


@receiver(user_logged_in, dispatch_uid="session-renewed-at-sign-in")
def _renewed_at_sign_in(sender, request, user, **kwargs):
    """Signing in saves a new session: that is its first renewal."""
    if request is not None and hasattr(request, "session"):
        request.session[RENEWED] = int(time.time())
