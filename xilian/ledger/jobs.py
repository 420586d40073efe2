"""Checking (preview) and committing an uploaded ledger file. The page calls these for a small file; the worker
runs them as jobs for a big one (xilian/jobs.py), so both paths check and write in exactly the same way."""

from dataclasses import asdict

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from xilian.jobs import JobRefused, JobResult, job_handler
from xilian.ledger.preview import discard_stale_previews, preview_data, rows_from_preview
from xilian.ledger.reading import FileRefused
from xilian.ledger.registry import resource_class
from xilian.ledger.services import file_digest, ledger_import
from xilian.models import LedgerImport
from xilian.records import STALE_MESSAGE

SHOWN_ERRORS = 2000


class ConfirmRefused(Exception):
    """Nothing was written; the message is for the clerk."""


class ChangedSincePreview(ConfirmRefused):
    def __init__(self, report):
        super().__init__("自预览以来有记录被他人修改或录入，未导入任何记录。请重新上传文件预览。")
        self.report = report


def _remember(ledger_import_row, report):
    ledger_import_row.counts = report.as_dict()
    ledger_import_row.errors = [asdict(e) for e in report.errors[:SHOWN_ERRORS]]
    ledger_import_row.created_ids = report.created_ids
    ledger_import_row.updated_ids = report.updated_ids


def preview_upload(*, resource, kind, content, original_name, user, file=None, stored_name=None, progress=None):
    """Check the file (a dry run) and keep it with the outcome: the LedgerImport whose page is the preview. A file
    that cannot be read at all raises FileRefused and nothing is kept. `file` is the upload to store, or
    `stored_name` the name of the copy already stored (a job's)."""
    report = ledger_import(resource=resource, content=content, filename=original_name, progress=progress)
    discard_stale_previews()
    row = LedgerImport(township=resource.township, kind=kind, original_name=original_name[:255],
                       sha256=file_digest(content), size=len(content), uploaded_by=user)
    if file is not None:
        file.seek(0)
        row.stored_file.save(file.name, file, save=False)
    else:
        row.stored_file.name = stored_name
    _remember(row, report)
    row.preview = preview_data(report) if report.is_clean else None
    row.save()
    return row


def _claim(pk, kind):
    """Mark the preview as committed as the first write of the confirm's transaction: a second (double-clicked)
    confirm waits for this one and then claims nothing."""
    return LedgerImport.objects.filter(pk=pk, kind=kind, status=LedgerImport.Status.PREVIEWED).update(
        status=LedgerImport.Status.COMMITTED, committed_at=timezone.now()
    )


def _commit(resource, pk, kind, *, user, request, progress):
    """Confirm a clean preview: the rows it kept, written all or nothing; the record versions it saw must still
    be the current ones. None when it was committed already."""
    if not _claim(pk, kind):
        return None
    row = LedgerImport.objects.get(pk=pk)
    if row.errors or row.preview is None:
        raise ConfirmRefused(
            "文件中还有需要修改的行，不能导入。请改正后重新上传。" if row.errors
            else "预览已过期，未导入任何记录。请重新上传文件预览。"
        )
    with row.stored_file.open("rb") as stored:
        content = stored.read()
    report = ledger_import(
        resource=resource,
        content=content,
        filename=row.original_name,
        rows=rows_from_preview(resource, row.preview),
        expected=row.preview["matched"],
        user=user,
        request=request,
        dry_run=False,
        progress=progress,
    )
    if not report.committed:
        raise ChangedSincePreview(report)
    _remember(row, report)
    row.preview = None
    row.save()
    return report


def confirm_import(*, resource, pk, kind, request=None, user=None, progress=None):
    """Commit a previewed import; returns (message, whether it wrote now). Raises ConfirmRefused, with nothing
    written, when the preview has errors, expired, or its records changed since."""
    try:
        with transaction.atomic():
            report = _commit(resource, pk, kind, user=user, request=request, progress=progress)
    except ChangedSincePreview as changed:
        row = LedgerImport.objects.defer("preview").get(pk=pk)
        _remember(row, changed.report)
        row.save(update_fields=["counts", "errors"])
        raise
    except IntegrityError:
        raise ConfirmRefused(
            f"{STALE_MESSAGE}：同一编号的记录刚被他人录入，未导入任何记录。请重新上传预览。") from None
    if report is None:
        return "该文件已经导入，以下是导入结果。", False
    return f"导入完成：新增{report.new}条，更新{report.updated}条，未变{report.unchanged}条。", True


def _preview_url(job, pk):
    return reverse("ledger_import_preview",
                   kwargs={"township": job.township.code, "kind": job.params["kind"], "pk": pk})


@job_handler("ledger_preview")
def preview_job(job, progress):
    resource = resource_class(job.params["kind"])(job.township)
    with job.file.open("rb") as stored:
        content = stored.read()
    try:
        row = preview_upload(resource=resource, kind=job.params["kind"], content=content,
                             original_name=job.params["original_name"], user=job.requested_by,
                             stored_name=job.file.name, progress=progress)
    except FileRefused as refused:
        upload = reverse("ledger_import", kwargs={"township": job.township.code, "kind": job.params["kind"]})
        raise JobRefused(str(refused), result_url=upload) from None
    return JobResult("文件检查完成，请查看预览后确认导入。", _preview_url(job, row.pk))


@job_handler("ledger_commit")
def commit_job(job, progress):
    resource = resource_class(job.params["kind"])(job.township)
    pk = job.params["import"]
    try:
        message, _ = confirm_import(resource=resource, pk=pk, kind=job.params["kind"], user=job.requested_by,
                                    progress=progress)
    except ConfirmRefused as refused:
        raise JobRefused(str(refused), result_url=_preview_url(job, pk)) from None
    return JobResult(message, _preview_url(job, pk))
