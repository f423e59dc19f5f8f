"""Response hardening that Django's SecurityMiddleware does not do by itself."""

from django.contrib.auth import get_user_model
from django.utils.cache import add_never_cache_headers
from django.views.debug import SafeExceptionReporterFilter


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


class NoRequestDataExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports (e-mails to ADMINS, the debug page) show no submitted data and no locals.

    What people type into this tracker can describe exploited children; a crash must not
    copy it into a mailbox. Field names are kept, values replaced; so is every local
    variable of every frame.
    """

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return {name: self.cleansed_substitute for name in request.POST}

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]


def axes_username(request, credentials=None):
    """The username django-axes counts failures against, as a database column can hold it.

    The sign-in form does not limit what is typed into the username box (Django sets only
    the input's maxlength); axes stores it in a 255-character column, which PostgreSQL
    refuses to overflow and which can hold no NUL. No real username is longer than the
    user model allows, so longer ones are cut to that length, NUL bytes replaced.
    """
    field = get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD)
    source = credentials if credentials is not None else getattr(request, "POST", {})
    username = source.get(field.name) or ""
    return str(username).replace("\x00", "\ufffd")[: field.max_length]
