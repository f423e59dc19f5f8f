"""HTML to PDF with WeasyPrint, and nothing else.

WeasyPrint would fetch whatever a document points at: other web sites, `file:` paths
anywhere on disk. The report fetches only the project's own static files, through
`StaticFilesOnly`, and everything else is refused.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pydyf
from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML, URLFetcher
from weasyprint.urls import URLFetcherResponse

# The made-up origin relative addresses are resolved against; it is never contacted.
BASE_URL = "https://report.invalid/"

PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}  # tagged, with /Lang and the title displayed


class StaticFilesOnly(URLFetcher):
    """Serves the project's static files (as `{% static %}` names them); refuses the rest."""

    def fetch(self, url, headers=None):
        path = static_path(url)
        if path is None:
            raise ValueError(f"The report may only use the tracker's static files, not {url!r}.")
        with open(path, "rb") as file:
            body = file.read()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, headers={"Content-Type": content_type})


def static_path(url):
    """The file a static URL on `BASE_URL` names, or None for any other address."""
    parts = urlsplit(url)
    prefix = urlsplit(BASE_URL + settings.STATIC_URL.lstrip("/"))
    if (parts.scheme, parts.netloc) != (prefix.scheme, prefix.netloc):
        return None
    if not parts.path.startswith(prefix.path) or parts.query:
        return None
    name = unquote(parts.path.removeprefix(prefix.path))
    if not name or name.startswith("/") or ".." in name.split("/"):
        return None
    # In production static names are hashed (report.1a2b3c.css) and live in STATIC_ROOT.
    collected = Path(settings.STATIC_ROOT, name)
    return finders.find(name) or (str(collected) if collected.is_file() else None)


def html_to_pdf(html):
    """The PDF bytes of an HTML document, tagged for accessibility, with fonts embedded."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesOnly())
    return document.write_pdf(finisher=header_scopes, **PDF_OPTIONS)


def header_scopes(document, pdf):
    """Give every table header cell of the tagged PDF its /Scope.

    WeasyPrint (70) tags header cells as /TH, with /ID and /Headers, but without the
    /Scope that PDF/UA checkers and screen readers look for. The report's tables put
    column headers in <thead> and row headers (scope="row") in <tbody>, so a header's
    scope follows from where its row is.
    """
    objects = pdf.objects

    def parent(element):
        reference = element.get("P")
        return objects[int(reference.split()[0])] if reference else None

    for element in objects:
        if not isinstance(element, dict) or element.get("S") != "/TH":
            continue
        row = parent(element)
        group = parent(row) if row is not None else None
        in_head = group is not None and group.get("S") == "/THead"
        element.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
        element["A"]["Scope"] = "/Column" if in_head else "/Row"
