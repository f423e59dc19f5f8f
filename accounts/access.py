"""The access policy: who may GET and who may POST every page of the tracker, in one table.

`POLICY` maps each URL name to the roles allowed to read it (GET, and HEAD) and to change
something through it (POST, and any other method). `AccessPolicyMiddleware` enforces it
before every view runs; the views keep their own checks as a second line, and
tests/accounts/test_access_policy.py walks every URL the project resolves against it.

Roles, for one request to one URL:
- anonymous: not signed in;
- reader: signed in, editor of no agency, not an administrator (scrutiny clerks);
- editor of an owning agency: an editor of an agency that owns the URL's object (see
  `owners`: the agencies that own the recommendation, lead it, posted the update, or own
  recommendations of the review);
- editor of another agency: an editor of agencies, none of which owns the object;
- administrator: a board administrator (roles.is_board_administrator).

A URL missing from the table is refused to everyone (and is an error in DEBUG), so a new
page is closed until somebody decides who may use it.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.shortcuts import get_object_or_404, redirect

from recommendations.models import Action, PartnerAgency, ProgressUpdate, Recommendation, Review
from recommendations.roles import is_board_administrator

from . import audit, two_factor

ANONYMOUS = "anonymous"
READER = "reader"
OWNING_EDITOR = "editor of owning agency"
OTHER_EDITOR = "editor of another agency"
ADMINISTRATOR = "administrator"

ROLES = (ANONYMOUS, READER, OWNING_EDITOR, OTHER_EDITOR, ADMINISTRATOR)
NOBODY = frozenset()
SIGNED_IN = frozenset({READER, OWNING_EDITOR, OTHER_EDITOR, ADMINISTRATOR})
EVERYONE = SIGNED_IN | {ANONYMOUS}
OWNERS = frozenset({OWNING_EDITOR, ADMINISTRATOR})
ADMINISTRATORS = frozenset({ADMINISTRATOR})

# Uses recorded in the audit trail when they succeed: view name -> (event, method, status).
AUDITED = {
    "reports:issue": (audit.Kind.REPORT_ISSUED, "POST", 302),
    "reports:draft_pdf": (audit.Kind.DOWNLOADED, "GET", 200),
    "reports:version_pdf": (audit.Kind.DOWNLOADED, "GET", 200),
    "reports:table_export": (audit.Kind.DOWNLOADED, "GET", 200),
    "reports:recommendation_sheet": (audit.Kind.DOWNLOADED, "GET", 200),
    "spreadsheets:dashboard_export": (audit.Kind.DOWNLOADED, "GET", 200),
    "evidence:download": (audit.Kind.DOWNLOADED, "GET", 200),
}


def _recommendation_owners(slug, number, **kwargs):
    recommendation = get_object_or_404(Recommendation, review__slug=slug, number=number)
    return PartnerAgency.objects.owning(recommendation)


def _recommendation_lead(slug, number, **kwargs):
    """The recommendation's lead agency: status, and so its recovery plan, belong to it."""
    recommendation = get_object_or_404(Recommendation, review__slug=slug, number=number)
    return PartnerAgency.objects.filter(pk=recommendation.lead_agency_id)


def _action_owner(slug, number, action, **kwargs):
    """The agency that owns the action: only its editors report progress on it."""
    found = get_object_or_404(
        Action,
        recommendation__review__slug=slug,
        recommendation__number=number,
        number=f"{number}.{action}",
    )
    return PartnerAgency.objects.filter(pk=found.owner_id)


def _update_agency(pk, **kwargs):
    """The agency that posted the update: only its editors may correct it."""
    update = get_object_or_404(ProgressUpdate, pk=pk)
    return PartnerAgency.objects.filter(pk=update.agency_id)


def _review_agencies(slug, **kwargs):
    return PartnerAgency.objects.of_review(get_object_or_404(Review, slug=slug))


@dataclass(frozen=True)
class Rule:
    get: frozenset = NOBODY
    post: frozenset = NOBODY
    # For rules that tell the two kinds of editor apart: the URL's owning agencies.
    owners: object = None
    why: str = field(default="", compare=False)

    def allowed(self, method):
        return self.get if method in ("GET", "HEAD") else self.post


POLICY = {
    # Sign-in and account. Sign-out is POST only (Django refuses GET with 405).
    "login": Rule(get=EVERYONE, post=EVERYONE),
    # The second factor (accounts/two_factor.py): everyone signed in may enrol and verify;
    # it is required of editors and administrators only.
    "two_factor_setup": Rule(get=SIGNED_IN, post=SIGNED_IN, why="each user's own device"),
    "two_factor_verify": Rule(get=SIGNED_IN, post=SIGNED_IN),
    "two_factor_recovery_codes": Rule(get=SIGNED_IN),
    "logout": Rule(post=SIGNED_IN),
    "password_change": Rule(get=SIGNED_IN, post=SIGNED_IN),
    "password_change_done": Rule(get=SIGNED_IN),
    "reminders:preferences": Rule(get=SIGNED_IN, post=SIGNED_IN, why="each user's own setting"),
    "security_events": Rule(get=ADMINISTRATORS),
    # People (accounts/people.py, accounts/links.py, accounts/passwords.py): the board
    # administrator's people and agency pages; the pages an e-mailed link opens, for
    # whoever holds the link (its token is the check); password reset by e-mail.
    "accounts:people": Rule(get=ADMINISTRATORS),
    "accounts:person_invite": Rule(get=ADMINISTRATORS, post=ADMINISTRATORS),
    "accounts:person": Rule(get=ADMINISTRATORS, post=ADMINISTRATORS),
    "accounts:person_deactivate": Rule(post=ADMINISTRATORS),
    "accounts:person_reactivate": Rule(post=ADMINISTRATORS),
    "accounts:person_two_factor_reset": Rule(post=ADMINISTRATORS),
    "accounts:person_invitation_resend": Rule(post=ADMINISTRATORS),
    "agencies:list": Rule(get=ADMINISTRATORS),
    "agencies:create": Rule(get=ADMINISTRATORS, post=ADMINISTRATORS),
    "agencies:rename": Rule(get=ADMINISTRATORS, post=ADMINISTRATORS),
    "accounts:link": Rule(get=EVERYONE, why="the e-mailed token is the check"),
    "accounts:link_use": Rule(get=EVERYONE, post=EVERYONE, why="the e-mailed token is the check"),
    "accounts:password_reset": Rule(get=EVERYONE, post=EVERYONE),
    "accounts:password_reset_done": Rule(get=EVERYONE),
    "accounts:password_reset_link": Rule(get=EVERYONE, why="the e-mailed token is the check"),
    "accounts:password_reset_confirm": Rule(get=EVERYONE, post=EVERYONE),
    "accounts:password_reset_complete": Rule(get=EVERYONE),
    # The footer's pages: for everyone, signed in or not (guidance/).
    "guidance:accessibility": Rule(get=EVERYONE),
    "guidance:privacy": Rule(get=EVERYONE),
    "guidance:help": Rule(get=EVERYONE),
    # Load balancers' probe (operations/health.py): "OK" or "Unavailable", no data.
    "operations:health": Rule(get=EVERYONE, why="answers OK or Unavailable and nothing else"),
    # Reading: everyone signed in reads everything, drafts of reports included.
    "recommendations:home": Rule(get=SIGNED_IN),
    "recommendations:dashboard": Rule(get=SIGNED_IN),
    "spreadsheets:dashboard_export": Rule(get=SIGNED_IN),
    "recommendations:my_agency": Rule(get=SIGNED_IN),
    "recommendations:detail": Rule(get=SIGNED_IN),
    "spreadsheets:import_template": Rule(get=SIGNED_IN),
    "reports:list": Rule(get=SIGNED_IN),
    "reports:preview": Rule(get=SIGNED_IN),
    "reports:draft_pdf": Rule(get=SIGNED_IN),
    "reports:draft_status": Rule(get=SIGNED_IN),
    "reports:table_export": Rule(get=SIGNED_IN),
    "reports:version_pdf": Rule(get=SIGNED_IN),
    "reports:recommendation_sheet": Rule(get=SIGNED_IN),
    # Reporting progress: editors of an agency that owns the recommendation or update.
    "recommendations:update_create": Rule(get=OWNERS, post=OWNERS, owners=_recommendation_owners),
    "recommendations:update_correct": Rule(get=OWNERS, post=OWNERS, owners=_update_agency),
    # A recovery plan: the lead agency's editors only, not a supporting agency's.
    "recommendations:recovery_plan": Rule(get=OWNERS, post=OWNERS, owners=_recommendation_lead),
    # An action's updates: the editors of the agency that owns the action (not the
    # recommendation's other owners).
    "recommendations:action_update_create": Rule(get=OWNERS, post=OWNERS, owners=_action_owner),
    # Evidence documents (evidence/): everyone signed in downloads them, as they read the
    # updates; the editors of the agency that posted the update attach and replace them.
    "evidence:download": Rule(get=SIGNED_IN),
    "evidence:add": Rule(get=OWNERS, post=OWNERS, owners=_update_agency),
    "evidence:replace": Rule(get=OWNERS, post=OWNERS, owners=_update_agency),
    "spreadsheets:progress_upload": Rule(get=OWNERS, post=OWNERS, owners=_review_agencies),
    "spreadsheets:progress_upload_confirm": Rule(post=OWNERS, owners=_review_agencies),
    # The board administrator's work.
    "recommendations:completion_decision": Rule(get=ADMINISTRATORS, post=ADMINISTRATORS),
    "recommendations:action_create": Rule(get=ADMINISTRATORS, post=ADMINISTRATORS),
    "recommendations:action_edit": Rule(get=ADMINISTRATORS, post=ADMINISTRATORS),
    "spreadsheets:recommendation_import": Rule(get=ADMINISTRATORS, post=ADMINISTRATORS),
    "spreadsheets:recommendation_import_mapping": Rule(get=ADMINISTRATORS, post=ADMINISTRATORS),
    "spreadsheets:recommendation_import_confirm": Rule(post=ADMINISTRATORS),
    "reports:issue": Rule(get=ADMINISTRATORS, post=ADMINISTRATORS),
    "reports:issue_status": Rule(get=ADMINISTRATORS),
    "reports:schedule_add": Rule(get=ADMINISTRATORS, post=ADMINISTRATORS),
    "reports:schedule_plan": Rule(get=ADMINISTRATORS, post=ADMINISTRATORS),
    "reports:schedule_edit": Rule(get=ADMINISTRATORS, post=ADMINISTRATORS),
    "reports:words": Rule(get=ADMINISTRATORS, post=ADMINISTRATORS),
    "recommendations:review_create": Rule(get=ADMINISTRATORS, post=ADMINISTRATORS),
    "reports:schedule_remove": Rule(get=ADMINISTRATORS, post=ADMINISTRATORS),
    "recommendations:sign_off_queue": Rule(get=ADMINISTRATORS),
}

# URL namespaces outside this table, and why.
EXEMPT_NAMESPACES = {
    "admin": "Django's admin checks is_staff and each model's permissions itself; "
    "its own login page is the only page it shows to others.",
}


# What each page is, in plain words, for the security events page's reasons ("A reader tried
# to open the page to post a progress update"). A page missing here is "a page of the tracker".
PAGE_DESCRIPTIONS = {
    "login": "the sign-in page",
    "two_factor_setup": "the page to set up two-factor sign-in",
    "two_factor_verify": "the page to enter a sign-in code",
    "two_factor_recovery_codes": "the recovery codes page",
    "logout": "sign-out",
    "password_change": "the page to change a password",
    "password_change_done": "the password changed page",
    "reminders:preferences": "the reminder e-mails page",
    "security_events": "the security events page",
    "accounts:people": "the people page",
    "accounts:person_invite": "the page to invite a person",
    "accounts:person": "a person's page",
    "accounts:person_deactivate": "deactivating a person",
    "accounts:person_reactivate": "reactivating a person",
    "accounts:person_two_factor_reset": "resetting a person's two-factor sign-in",
    "accounts:person_invitation_resend": "resending an invitation",
    "agencies:list": "the agencies page",
    "agencies:create": "the page to add an agency",
    "agencies:rename": "the page to rename an agency",
    "accounts:link": "an e-mailed set-up link",
    "accounts:link_use": "the page an e-mailed set-up link opens",
    "accounts:password_reset": "the page to reset a forgotten password",
    "accounts:password_reset_done": "the password reset e-mail sent page",
    "accounts:password_reset_link": "an e-mailed password reset link",
    "accounts:password_reset_confirm": "the page to choose a new password",
    "accounts:password_reset_complete": "the password reset page",
    "guidance:accessibility": "the accessibility statement",
    "guidance:privacy": "the privacy notice",
    "guidance:help": "the help for editors",
    "operations:health": "the health check",
    "recommendations:home": "the home page",
    "recommendations:dashboard": "the dashboard",
    "spreadsheets:dashboard_export": "the dashboard's spreadsheet download",
    "recommendations:my_agency": "the My agency page",
    "recommendations:detail": "a recommendation's page",
    "spreadsheets:import_template": "the spreadsheet template download",
    "reports:list": "the progress reports page",
    "reports:preview": "a report's preview",
    "reports:draft_pdf": "a draft report's PDF",
    "reports:draft_status": "the page following a draft PDF",
    "reports:table_export": "a report's table as a spreadsheet",
    "reports:version_pdf": "an issued report's PDF",
    "reports:recommendation_sheet": "one recommendation's PDF",
    "recommendations:update_create": "the page to post a progress update",
    "recommendations:update_correct": "the page to correct a progress update",
    "recommendations:recovery_plan": "the page to write a recovery plan",
    "recommendations:action_update_create": "the page to post progress on an action",
    "recommendations:action_create": "the page to add an action",
    "recommendations:action_edit": "the page to change an action",
    "evidence:download": "an evidence document",
    "evidence:add": "the page to attach evidence",
    "evidence:replace": "the page to replace evidence",
    "spreadsheets:progress_upload": "the page to upload updates from a spreadsheet",
    "spreadsheets:progress_upload_confirm": "confirming updates from a spreadsheet",
    "recommendations:completion_decision": "the page to sign off or return a completion",
    "spreadsheets:recommendation_import": "the page to import recommendations",
    "spreadsheets:recommendation_import_mapping": "the page to match a spreadsheet's columns",
    "spreadsheets:recommendation_import_confirm": "confirming an import of recommendations",
    "reports:issue": "the page to issue a report",
    "reports:issue_status": "the page following an issue",
    "reports:schedule_add": "the page to schedule a report",
    "reports:schedule_plan": "the page to plan the next year's reports",
    "reports:schedule_edit": "the page to change a scheduled report",
    "reports:words": "the page for the Board's words in a report",
    "recommendations:review_create": "the page to add a review",
    "reports:schedule_remove": "the page to remove a scheduled report",
    "recommendations:sign_off_queue": "the sign-off page",
}
ROLE_WORDS = {
    ANONYMOUS: "Someone not signed in",
    READER: "A reader",
    OWNING_EDITOR: "An editor of an owning agency",
    OTHER_EDITOR: "An editor of another agency",
    ADMINISTRATOR: "An administrator",
}
# Details recorded without a page (accounts/passwords.py, accounts/two_factor.py).
DETAIL_WORDS = {
    "password reset: limit": "Too many password resets asked for in a short time",
    "second factor": "The sign-in code was not right",
    "two-factor set up": "Two-factor sign-in set up",
}


REFUSALS = ("second factor not given", "not in the access policy", "method not allowed to anyone")


def page_description(view_name):
    return PAGE_DESCRIPTIONS.get(view_name, "a page of the tracker")


def describe(detail, method=""):
    """A security event's `detail` in plain words, e.g. "recommendations:update_create: reader
    may not GET" as "A reader tried to open the page to post a progress update"."""
    if detail in DETAIL_WORDS:
        return DETAIL_WORDS[detail]
    view_name, _, reason = detail.partition(": ")
    known_reason = reason in REFUSALS or reason.partition(" may not ")[0] in ROLE_WORDS
    if view_name not in POLICY and view_name not in PAGE_DESCRIPTIONS and not known_reason:
        return detail  # a username or a note, already plain
    page = page_description(view_name)
    reading = method in ("GET", "HEAD", "")
    if not reason:  # a download or an issue: what was downloaded, if the kind does not say
        return "" if page.startswith("the page") else page[:1].upper() + page[1:]
    if reason == REFUSALS[0]:
        return f"Tried to change something on {page} before entering a sign-in code"
    if reason == "not in the access policy":
        return f"Tried to use {page}, which is open to nobody yet"
    if reason == "method not allowed to anyone":
        return f"Tried to {'open' if reading else 'send a form to'} {page}, which nobody may"
    role, _, _ = reason.partition(" may not ")
    if role in ROLE_WORDS:
        action = "open" if reading else "change something on"
        return f"{ROLE_WORDS[role]} tried to {action} {page}"
    return detail


def rule_for(view_name):
    return POLICY.get(view_name)


def is_exempt(view_name):
    return view_name.split(":", 1)[0] in EXEMPT_NAMESPACES and ":" in view_name


def role_of(user, rule, kwargs):
    """The role `user` has for this URL, under `rule`."""
    if not user.is_authenticated:
        return ANONYMOUS
    if is_board_administrator(user):
        return ADMINISTRATOR
    if not user.agencies.exists():
        return READER
    if rule.owners is not None and rule.owners(**kwargs).filter(editors=user).exists():
        return OWNING_EDITOR
    return OTHER_EDITOR


def check(request, view_name, kwargs):
    """None if the policy lets this request through; otherwise the reason it does not."""
    rule = rule_for(view_name)
    if rule is None:
        if settings.DEBUG:
            raise ImproperlyConfigured(
                f"The URL {view_name!r} is not in the access policy (accounts/access.py)."
            )
        return "not in the access policy"
    allowed = rule.allowed(request.method)
    if not allowed:
        return "method not allowed to anyone"
    if allowed >= SIGNED_IN and request.user.is_authenticated:
        return None  # no need to find out which signed-in role
    role = role_of(request.user, rule, kwargs)
    if role in allowed:
        return None
    return f"{role} may not {request.method}"


class AccessPolicyMiddleware:
    """Refuses every request the policy does not allow, before the view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in AUDITED:
            kind, method, status = AUDITED[match.view_name]
            if request.method == method and response.status_code == status:
                audit.record(kind, request=request, detail=match.view_name)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None:
            return None
        refusal = (
            None if is_exempt(match.view_name) else check(request, match.view_name, view_kwargs)
        )
        if refusal is not None:
            detail = f"{match.view_name}: {refusal}"
            audit.record(audit.Kind.REFUSED, request=request, detail=detail)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied("The access policy refuses this request.")
        if (
            request.method not in ("GET", "HEAD")
            and match.view_name not in two_factor.FREE
            and two_factor.owed(request)
        ):
            # Reading needs a password; changing anything also needs the second factor.
            detail = f"{match.view_name}: second factor not given"
            audit.record(audit.Kind.REFUSED, request=request, detail=detail)
            return redirect(two_factor.url_for(request.user, request.get_full_path()))
        return None
