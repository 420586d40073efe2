"""The report as a PDF laid out as GB/T 9704-2012 asks (DOMAIN §2): the print template and its stylesheet
(static/reports/print.css) hold the layout; this module renders them with WeasyPrint, which may read nothing but the
portal's own static files. Renderers return bytes: no HTTP, no storage."""

import base64
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from reports.models import Part, Report
from reports.rendering import report_html

# What the print template's links resolve against: a reserved domain (RFC 2606) that is never contacted, since the
# fetcher serves its static URLs from the portal's files and refuses every other URL.
PRINT_BASE_URL = "https://portal.invalid/"
ARCHIVAL_VARIANT = "pdf/a-2b"


class StaticFilesOnlyFetcher(URLFetcher):
    """Lets WeasyPrint read the portal's static files (found as `collectstatic` would find them) and data: URIs,
    and nothing else: no network, no file:// path, whatever a clerk typed."""

    def fetch(self, url, headers=None):
        if urlsplit(url).scheme == "data":
            return super().fetch(url, headers)
        path = static_file_path(url)
        if path is None:
            raise ValueError(f"refused to fetch {url!r}: only the portal's static files are read")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


def static_file_path(url):
    """The file a static URL of the print template names, or None for any other URL."""
    static_prefix = urljoin(PRINT_BASE_URL, settings.STATIC_URL)
    if not url.startswith(static_prefix):
        return None
    relative = unquote(urlsplit(url).path.removeprefix(urlsplit(static_prefix).path))
    if not relative or any(part in ("", ".", "..") for part in relative.split("/")):
        return None
    found = finders.find(relative)
    return Path(found) if found else None


def report_pdf(report, figures, *, archival=False, charts=()):
    """The report as PDF bytes, marked 草稿 on every page while `report.state` is not 已归档 (so archiving renders
    its filed copies with the state already set). `archival`: PDF/A-2b, for the archive. `charts`:
    [(caption, svg)] drawn after part 一 (vector, as their SVG says)."""
    document = HTML(string=print_html(report, figures, charts=charts), base_url=PRINT_BASE_URL,
                    url_fetcher=StaticFilesOnlyFetcher())
    return document.write_pdf(pdf_variant=ARCHIVAL_VARIANT if archival else None)


def print_html(report, figures, *, charts=()):
    charts_html = render_to_string("reports/print/charts.html", {"charts": [
        (caption, svg_data_uri(svg)) for caption, svg in charts
    ]}) if charts else ""
    return render_to_string("reports/print/report.html", {
        "report": report,
        "draft": report.state != Report.State.ARCHIVED,
        "report_html": report_html(report, figures, after_part={Part.MEASURES: mark_safe(charts_html)}),
    })


def svg_data_uri(svg):
    """An SVG as an image URI: drawn as vectors, and parsed on its own, apart from the document's HTML."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
