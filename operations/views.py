"""The health endpoint's page (operations/health.py): open to load balancers, no data."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import health


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def health_check(request):
    if health.problems():
        return HttpResponse("Unavailable", status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse("OK", content_type="text/plain; charset=utf-8")
