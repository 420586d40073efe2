from dataclasses import asdict
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xilian.ledger.errors import error_groups, foreign_ledger_notice
from xilian.ledger.exporting import CONTENT_TYPES, export_ledger, import_template
from xilian.ledger.preview import discard_stale_previews, preview_data, rows_from_preview
from xilian.ledger.reading import MAX_FILE_BYTES, FileRefused
from xilian.ledger.registry import resource_class
from xilian.ledger.services import file_digest, ledger_import
from xilian.listing import paginate
from xilian.models import LedgerImport
from xilian.records import STALE_MESSAGE
from xilian.roles import Perm
from xilian.scoping import permission_required

SHOWN_ERRORS = 2000


class UploadForm(forms.Form):
    file = forms.FileField(
        label="台账文件（.xlsx / .xls / .csv）",
        error_messages={"required": "请选择要导入的文件。", "empty": "文件是空的，请选择填好的台账文件。"},
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"文件太大（{uploaded.size / 1024 / 1024:.1f} MB），一次导入的文件不能超过 "
                f"{MAX_FILE_BYTES // 1024 // 1024} MB，请分成几个文件导入。"
            )
        return uploaded


def _attachment(content, filename, content_type):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _remember(ledger_import_row, report):
    ledger_import_row.counts = report.as_dict()
    ledger_import_row.errors = [asdict(e) for e in report.errors[:SHOWN_ERRORS]]
    ledger_import_row.created_ids = report.created_ids
    ledger_import_row.updated_ids = report.updated_ids


@permission_required(Perm.EDIT_RECORDS)
def import_upload(request, township, kind):
    resource = resource_class(kind)(township)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        content = uploaded.read()
        row = LedgerImport(
            township=township,
            kind=kind,
            original_name=uploaded.name[:255],
            sha256=file_digest(content),
            size=len(content),
            uploaded_by=request.user,
        )
        try:
            report = ledger_import(resource=resource, content=content, filename=uploaded.name, request=request)
        except FileRefused as refused:
            form.add_error("file", str(refused))
        else:
            discard_stale_previews()
            uploaded.seek(0)
            row.stored_file.save(uploaded.name, uploaded, save=False)
            _remember(row, report)
            row.preview = preview_data(report) if report.is_clean else None
            row.save()
            return redirect("ledger_import_preview", township=township.code, kind=kind, pk=row.pk)
    return render(request, "xilian/ledger_upload.html", {"resource": resource, "form": form, "kind": kind})


@permission_required(Perm.EDIT_RECORDS)
def import_preview(request, township, kind, pk):
    row = get_object_or_404(LedgerImport.objects.defer("preview"), pk=pk, kind=kind)
    resource = resource_class(kind)(township)
    records = []
    if row.status == LedgerImport.Status.COMMITTED:
        ids = row.created_ids + row.updated_ids
        records = [
            (r, resource.detail_url(r)) for r in resource.model().objects.filter(pk__in=ids[:200]).order_by("pk")
        ]
    return render(
        request,
        "xilian/ledger_preview.html",
        {
            "resource": resource,
            "kind": kind,
            "row": row,
            "records": records,
            "hidden_errors": max(0, row.counts.get("errors", 0) - len(row.errors)),
            "error_groups": error_groups(row.errors),
            "foreign_notice": foreign_ledger_notice(resource, row.errors, row.counts.get("total_rows", 0)),
        },
    )


class ConfirmRefused(Exception):
    """Nothing was written; the message is for the clerk."""


def _claim(pk, kind):
    """Mark the preview as committed as the first write of the confirm's transaction: a second (double-clicked)
    confirm waits for this one and then claims nothing."""
    return LedgerImport.objects.filter(pk=pk, kind=kind, status=LedgerImport.Status.PREVIEWED).update(
        status=LedgerImport.Status.COMMITTED, committed_at=timezone.now()
    )


def _commit(request, resource, pk, kind):
    """Confirm a clean preview: the rows it kept, written all or nothing; the record versions it saw must still
    be the current ones."""
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
        request=request,
        dry_run=False,
    )
    if not report.committed:
        raise ChangedSincePreview(report)
    _remember(row, report)
    row.preview = None
    row.save()
    return report


class ChangedSincePreview(ConfirmRefused):
    def __init__(self, report):
        super().__init__("自预览以来有记录被他人修改或录入，未导入任何记录。请重新上传文件预览。")
        self.report = report


@require_POST
@permission_required(Perm.EDIT_RECORDS)
def import_confirm(request, township, kind, pk):
    get_object_or_404(LedgerImport.objects.defer("preview"), pk=pk, kind=kind)
    resource = resource_class(kind)(township)
    try:
        with transaction.atomic():
            report = _commit(request, resource, pk, kind)
    except ChangedSincePreview as changed:
        row = LedgerImport.objects.defer("preview").get(pk=pk)
        _remember(row, changed.report)
        row.save(update_fields=["counts", "errors"])
        messages.error(request, str(changed))
    except ConfirmRefused as refused:
        messages.error(request, str(refused))
    except IntegrityError:
        messages.error(request, f"{STALE_MESSAGE}：同一编号的记录刚被他人录入，未导入任何记录。请重新上传预览。")
    else:
        if report is None:
            messages.info(request, "该文件已经导入，以下是导入结果。")
        else:
            messages.success(
                request, f"导入完成：新增{report.new}条，更新{report.updated}条，未变{report.unchanged}条。"
            )
    return redirect("ledger_import_preview", township=township.code, kind=kind, pk=pk)


@permission_required(Perm.EDIT_RECORDS)
def template_download(request, township, kind):
    resource = resource_class(kind)(township)
    return _attachment(import_template(resource), f"{resource.title}导入模板.xlsx", CONTENT_TYPES["xlsx"])


@permission_required(Perm.VIEW_RECORDS)
def export(request, township, kind):
    resource = resource_class(kind)(township, private=request.user.belongs_to(township))
    file_format = "csv" if request.GET.get("format") == "csv" else "xlsx"
    queryset = resource.export_queryset(request.GET)
    content = export_ledger(resource, queryset, file_format)
    filename = f"{township.name}{resource.title}_{timezone.localdate():%Y%m%d}.{file_format}"
    return _attachment(content, filename, CONTENT_TYPES[file_format])


@permission_required(Perm.VIEW_RECORDS)
def voided_list(request, township, kind):
    """The township's voided records of a ledger, read-only, with who voided each and why: for the township's own
    people, who voided them (the county office reads the township's records, not its corrections)."""
    if not request.user.belongs_to(township):
        raise PermissionDenied("作废的记录只有本镇的工作人员和领导可以查看。")
    resource = resource_class(kind)(township)
    voided = resource.model().objects.filter(township=township, voided_at__isnull=False)
    page, query = paginate(request, voided.select_related("voided_by").order_by("-voided_at", "-pk"))
    records = [(record, resource.detail_url(record)) for record in page]
    return render(request, "xilian/voided_list.html", {
        "resource": resource, "kind": kind, "page": page, "query": query, "records": records,
    })
