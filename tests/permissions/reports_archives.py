import hashlib
from datetime import datetime

from django.core.files.base import ContentFile
from django.utils import timezone
from django_scopes import scopes_disabled

from tests.permissions import READERS, Page, no_kwargs
from xilian.roles import Role


def pdf_bytes(label):
    """A small stand-in for a rendered report: distinct bytes per copy, so a swapped file cannot pass."""
    return b"%PDF-1.7\n% " + label.encode() + b"\n" + hashlib.sha256(label.encode()).digest() + b"\n%%EOF\n"


def make_archive(township, year=2021, *, revision=1, archived_at=None, published_at=None, state="archived"):
    """A filed copy of the township's report of `year`, stored through the default storage, as the workflow files
    it (the report is left at `state` and its latest `revision`)."""
    from reports.models import Report, ReportArchive
    from xilian.models import User

    with scopes_disabled():
        leader = User.objects.filter(role=Role.LEADER).first() or User.objects.filter(role=Role.STAFF).first()
        report, _ = Report.objects.get_or_create(township=township, year=year)
        report.state, report.revision = state, max(report.revision, revision)
        report.save()
        archive = ReportArchive(
            report=report, revision=revision, figures={}, approved_by=leader, archived_by=leader,
            archived_at=archived_at or timezone.make_aware(datetime(year + 1, 2, 20, 10, 30)),
            published_at=published_at, published_by=leader if published_at else None,
        )
        for field, suffix in (("pdf", ""), ("pdfa", "-a")):
            content = pdf_bytes(f"{township.code}-{year}-{revision}{suffix}")
            setattr(archive, f"{field}_sha256", hashlib.sha256(content).hexdigest())
            getattr(archive, field).save(f"{year}-{revision}{suffix}.pdf", ContentFile(content), save=False)
        archive.save()
    return archive


def _archive_kwargs(demo):
    archive = make_archive(demo.xilian)
    return {"township": demo.xilian.code, "year": archive.report.year, "revision": archive.revision}


def _year_kwargs(demo):
    return {"township": demo.xilian.code, "year": make_archive(demo.xilian).report.year}


def _zip_kwargs(demo):
    return {"year": make_archive(demo.xilian).report.year}


PAGES = [
    Page("reports:archive_list", READERS, kwargs=_year_kwargs),
    Page("reports:archive_pdf", READERS, kwargs=_archive_kwargs),
    Page("reports:archive_pdfa", READERS, kwargs=_archive_kwargs),
    Page("reports:archive_publish", frozenset({Role.LEADER}), kwargs=_archive_kwargs, method="post", ok_status=302),
    Page("county_reports", frozenset({Role.COUNTY}), kwargs=no_kwargs, scoped=False),
    Page("county_reports_zip", frozenset({Role.COUNTY}), kwargs=_zip_kwargs, scoped=False),
]
