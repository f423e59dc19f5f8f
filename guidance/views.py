"""The pages every footer links to: the accessibility statement, the privacy notice and
help for editors. Open to everyone, signed in or not: the law asks that the statement can
be read by anyone who needs it, and the other two are what a person reads before signing in.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_GET


def _page(request, template):
    context = {
        "organisation": settings.TRACKER_ORGANISATION,
        "support_email": settings.TRACKER_SUPPORT_EMAIL,
        "session_minutes": settings.SESSION_COOKIE_AGE // 60,
    }
    return render(request, f"guidance/{template}.html", context)


@login_not_required
@require_GET
def accessibility(request):
    return _page(request, "accessibility")


@login_not_required
@require_GET
def privacy(request):
    return _page(request, "privacy")


@login_not_required
@require_GET
def help_for_editors(request):
    return _page(request, "help")
