"""The public page (已公开): a county's published reports and their PDFs, for anyone, without login. It shows
nothing else of the portal and links to nothing else of it."""

from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django_scopes import scope

from reports import county as deadlines
from reports.archives import archive_filename
from reports.models import MAX_YEAR, MIN_YEAR, ReportArchive
from reports.publishing import published_archive_get, published_archives
from xilian.models import County


def _county_and_townships(code):
    office = get_object_or_404(County, code=code)
    return office, list(office.townships.all())


@login_not_required
def public_reports(request, county_code, year=None):
    """Every published report of the county (or of one year), with how the year stands against its 公开
    deadline: the chosen year's, else the year the county is waiting for."""
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404("没有该年度的报告。")
    office, townships = _county_and_townships(county_code)
    with scope(township=townships):
        archives = list(published_archives(county=office, year=year))
    watched = year or deadlines.current_report_year(county=office)
    published = {a.report.township_id for a in archives if a.report.year == watched}
    return render(request, "reports/public_reports.html", {
        "county": office, "year": year, "archives": archives, "watched_year": watched,
        "publication": deadlines.year_deadlines(county=office, year=watched)[1],
        "published_count": len(published), "township_count": len(townships),
        "years": sorted({a.report.year for a in archives}, reverse=True),
    })


@login_not_required
def public_pdf(request, county_code, year, township_code, revision):
    office, townships = _county_and_townships(county_code)
    with scope(township=townships):
        try:
            archive = published_archive_get(county=office, year=year, township_code=township_code,
                                            revision=revision)
        except ReportArchive.DoesNotExist:
            raise Http404("没有该公开报告。") from None
    response = FileResponse(archive.pdf.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, archive_filename(archive))
    return response
