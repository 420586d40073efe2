"""The filed copies: a township's own (download, publish) under /t/<code>/reports/, and the county office's page of
every township × year with the year's zip under /county/reports/."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from reports.archives import archive_filename, archive_get, archive_list, year_archives, year_zip_stream
from reports.county import county_report_table
from reports.models import MAX_YEAR, MIN_YEAR, ReportArchive
from reports.publishing import report_publish
from xilian.roles import Perm
from xilian.scoping import county_scope, permission_required


def _archive_or_404(township, year, revision):
    try:
        return archive_get(township=township, year=year, revision=revision)
    except ReportArchive.DoesNotExist:
        raise Http404("没有该版本的归档件。") from None


def archive_response(archive, *, pdfa):
    """The filed copy's stored bytes, streamed: never rendered again."""
    stored = archive.pdfa if pdfa else archive.pdf
    return FileResponse(stored.open("rb"), as_attachment=True, filename=archive_filename(archive, pdfa=pdfa),
                        content_type="application/pdf")


@permission_required(Perm.DOWNLOAD_REPORT)
def archive_pdf(request, township, year, revision):
    return archive_response(_archive_or_404(township, year, revision), pdfa=False)


@permission_required(Perm.DOWNLOAD_REPORT)
def archive_pdfa(request, township, year, revision):
    return archive_response(_archive_or_404(township, year, revision), pdfa=True)


@permission_required(Perm.VIEW_RECORDS)
def township_archives(request, township, year):
    archives = list(archive_list(township=township, year=year))
    if not archives:
        raise Http404("该年度报告尚未归档。")
    return render(request, "reports/township_archives.html", {
        "report": archives[0].report, "archives": archives,
        "public_revision": max((a.revision for a in archives if a.published_at), default=None),
        "can_publish": request.user.can(Perm.APPROVE_REPORT) and request.user.belongs_to(township),
    })


@require_POST
@permission_required(Perm.APPROVE_REPORT)
def archive_publish(request, township, year, revision):
    archive = _archive_or_404(township, year, revision)
    try:
        report_publish(archive=archive, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"第{revision}版已公开，任何人无需登录即可查看和下载。")
    return redirect("reports:archive_list", township=township.code, year=year)


@permission_required(Perm.VIEW_COUNTY)
def county_reports(request):
    """Every township × the chosen year and the two before it (the current report year unless ?year= picks
    another), with the chosen year's deadlines and the townships that have not filed it."""
    asked = request.GET.get("year", "")
    with county_scope(request.user) as townships:
        table = county_report_table(county=request.user.county, townships=townships,
                                    year=int(asked) if asked.isdecimal() else None)
    return render(request, "reports/county_reports.html", {
        "county": request.user.county, "table": table, "year": table.year, "years": table.years,
        "summary": table.summary,
    })


@permission_required(Perm.VIEW_COUNTY)
def county_reports_zip(request, year):
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404("没有该年度的报告。")
    with county_scope(request.user) as townships:
        archives = year_archives(townships=townships, year=year)
    if not archives:
        raise Http404("该年度尚无归档的报告。")
    response = StreamingHttpResponse(year_zip_stream(archives), content_type="application/zip")
    filename = f"{request.user.county.name}{year}年度法治政府建设情况报告（归档件）.zip"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
