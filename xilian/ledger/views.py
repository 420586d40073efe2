from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xilian.jobs import job_url, start_job, worker_configured
from xilian.ledger.errors import error_groups, foreign_ledger_notice
from xilian.ledger.exporting import CONTENT_TYPES, export_ledger, import_template
from xilian.ledger.jobs import ConfirmRefused, confirm_import, preview_upload
from xilian.ledger.reading import MAX_FILE_BYTES, FileRefused
from xilian.ledger.registry import resource_class
from xilian.listing import paginate
from xilian.models import LedgerImport
from xilian.roles import Perm
from xilian.scoping import permission_required


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


@permission_required(Perm.EDIT_RECORDS)
def import_upload(request, township, kind):
    resource = resource_class(kind)(township)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        if worker_configured() and uploaded.size > settings.JOBS_BACKGROUND_MIN_BYTES:
            job = start_job(request=request, township=township, kind="ledger_preview",
                            title=f"检查{resource.title}台账：{uploaded.name}",
                            params={"kind": kind, "original_name": uploaded.name[:255]}, file=uploaded)
            return redirect(job_url(job))
        try:
            row = preview_upload(resource=resource, kind=kind, content=uploaded.read(), original_name=uploaded.name,
                                 user=request.user, file=uploaded)
        except FileRefused as refused:
            form.add_error("file", str(refused))
        else:
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


@require_POST
@permission_required(Perm.EDIT_RECORDS)
def import_confirm(request, township, kind, pk):
    row = get_object_or_404(LedgerImport.objects.defer("preview"), pk=pk, kind=kind)
    resource = resource_class(kind)(township)
    if worker_configured() and row.size > settings.JOBS_BACKGROUND_MIN_BYTES:
        job = start_job(request=request, township=township, kind="ledger_commit",
                        title=f"导入{resource.title}台账：{row.original_name}", params={"kind": kind, "import": pk})
        return redirect(job_url(job))
    try:
        message, written = confirm_import(resource=resource, pk=pk, kind=kind, request=request)
    except ConfirmRefused as refused:
        messages.error(request, str(refused))
    else:
        (messages.success if written else messages.info)(request, message)
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
