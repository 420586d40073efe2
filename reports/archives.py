"""Reading the filed copies of reports (ReportArchive): one copy of a township, and all of a year's copies of a
county as one zip with a manifest. The bytes served are the stored ones, never re-rendered."""

import csv
import io
import zipfile

from django.utils import timezone

from reports.models import ReportArchive

MANIFEST_NAME = "清单.csv"
MANIFEST_HEADER = ["镇（街道）", "区划代码", "年度", "修订版次", "归档时间", "审定人", "文件名", "SHA-256"]
CHUNK = 64 * 1024


def archive_get(*, township, year, revision):
    """The township's filed copy; ReportArchive.DoesNotExist for another township's or a missing one."""
    return ReportArchive.objects.select_related("report__township").get(
        report__township=township, report__year=year, revision=revision
    )


def archive_list(*, township, year):
    """The township's filed copies of its report of `year`, latest first, with who approved, filed and published
    each."""
    return (
        ReportArchive.objects.filter(report__township=township, report__year=year)
        .select_related("report__township__county", "approved_by", "archived_by", "published_by")
        .order_by("-revision")
    )


def report_filename(report, suffix, *, revision=None):
    """A download's name: the title, （草稿） for a copy rendered now (revision None), （第N版） for a correction."""
    if revision is None:
        return f"{report.title}（草稿）{suffix}"
    return f"{report.title}{f'（第{revision}版）' if revision > 1 else ''}{suffix}"


def archive_filename(archive, *, pdfa=False):
    return report_filename(archive.report, "（PDF-A）.pdf" if pdfa else ".pdf", revision=archive.revision)


def year_archives(*, townships, year):
    """The latest filed copy of each township's report of `year` (earlier revisions are superseded by it), in the
    townships' order."""
    latest = {}
    archives = (
        ReportArchive.objects.filter(report__township__in=townships, report__year=year)
        .select_related("report__township__county", "approved_by")
        .order_by("report_id", "-revision")
    )
    for archive in archives:
        latest.setdefault(archive.report.township_id, archive)
    return [latest[t.pk] for t in townships if t.pk in latest]


def _when(moment):
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def manifest_csv(archives):
    """The manifest, with a BOM so that Excel opens it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(MANIFEST_HEADER)
    for archive in archives:
        township = archive.report.township
        writer.writerow([
            township.name, township.code, archive.report.year, archive.revision, _when(archive.archived_at),
            str(archive.approved_by), archive_filename(archive), archive.pdf_sha256,
        ])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


class _Pipe:
    """A write-only file for zipfile, emptied by the generator after each write: the zip is streamed, never held
    whole in memory (zipfile writes data descriptors when it cannot seek)."""

    def __init__(self):
        self.chunks = []

    def write(self, data):
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def drain(self):
        data, self.chunks = b"".join(self.chunks), []
        return data


def _member(name, moment):
    info = zipfile.ZipInfo(name, date_time=timezone.localtime(moment).timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED  # PDFs are compressed already; stored members are the bytes as filed
    return info


def year_zip_stream(archives):
    """The zip of `archives`' PDFs (each stored byte for byte) followed by the manifest, as a stream of chunks."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, mode="w") as bundle:
        for archive in archives:
            with bundle.open(_member(archive_filename(archive), archive.archived_at), mode="w") as member, \
                    archive.pdf.open("rb") as stored:
                while chunk := stored.read(CHUNK):
                    member.write(chunk)
                    yield pipe.drain()
        bundle.writestr(_member(MANIFEST_NAME, timezone.now()), manifest_csv(archives))
    yield pipe.drain()
