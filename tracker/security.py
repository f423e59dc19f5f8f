"""Response hardening that Django's SecurityMiddleware does not do by itself."""

from django.utils.cache import add_never_cache_headers


class NoStoreForSignedInMiddleware:
    """`Cache-Control: no-store` on every page shown to someone signed in.

    What a signed-in user sees (narratives, drafts, PDFs) must not stay in a shared
    browser's cache or a proxy after they sign out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if "no-store" not in response.get("Cache-Control", ""):
                add_never_cache_headers(response)
        return response
