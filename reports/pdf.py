"""HTML to PDF with WeasyPrint, and nothing else.

WeasyPrint would fetch whatever a document points at: other web sites, `file:` paths
anywhere on disk. The report fetches only the project's own static files, through
`StaticFilesOnly`, and everything else is refused.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

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
    return document.write_pdf(**PDF_OPTIONS)
