from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from reports import selectors, services, workflow
from reports.archive_views import archive_response
from reports.archives import report_filename
from reports.docx import report_docx
from reports.forms import ReportCreateForm, ReportDetailsForm, SectionForm, StepForm
from reports.models import MAX_YEAR, MIN_YEAR, Part, Report, ReportSection
from reports.pdf import report_pdf
from reports.rendering import figure_text, report_html
from xilian.jobs import job_url, start_job, worker_configured
from xilian.records import StaleRecordError
from xilian.roles import Perm
from xilian.scoping import permission_required

PDF, DOCX = "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TYPED_NUMBER_WARNING = "这个数字来自记录，请插入指标："


@dataclass(frozen=True)
class Step:
    title: str
    permission: str
    source: str
    service: object
    comment_label: str | None = None
    comment_required: bool = False
    explanation: str = ""


STEPS = {
    "submit": Step("提交", Perm.EDIT_RECORDS, Report.State.DRAFT, workflow.report_submit,
                   explanation="提交后报告不能再修改，文中的数字按统计截止日期固定下来，等待镇领导审定。"),
    "approve": Step("审定", Perm.APPROVE_REPORT, Report.State.SUBMITTED, workflow.report_approve,
                    comment_label="审定意见（可不填）",
                    explanation="审定后由镇工作人员归档：归档时生成PDF和PDF/A文件并永久保存。"),
    "return": Step("退回", Perm.APPROVE_REPORT, Report.State.SUBMITTED, workflow.report_return,
                   comment_label="退回意见", comment_required=True,
                   explanation="退回后报告回到草稿，起草人会在报告上看到您的意见。"),
    "archive": Step("归档", Perm.EDIT_RECORDS, Report.State.APPROVED, workflow.report_archive,
                    explanation="归档时生成PDF和PDF/A-2b文件，连同SHA-256校验值永久保存，此后不再改变。"),
    "revise": Step("修订", Perm.EDIT_RECORDS, Report.State.ARCHIVED, workflow.report_revise,
                   comment_label="修订原因", comment_required=True,
                   explanation="修订后报告成为新一版的草稿；已归档的文件保留，仍可下载。"),
}


def _report_or_404(township, year):
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404("没有该年度的报告。")
    try:
        return selectors.report_get(township=township, year=year)
    except Report.DoesNotExist:
        raise Http404("没有该年度的报告。") from None


def _report_url(name, report, **kwargs):
    return reverse(f"reports:{name}", kwargs={"township": report.township.code, "year": report.year, **kwargs})


@permission_required(Perm.VIEW_RECORDS)
def report_list(request, township):
    can_edit = request.user.can(Perm.EDIT_RECORDS)
    return render(request, "reports/report_list.html", {
        "reports": selectors.report_list(township=township), "can_edit": can_edit,
        "create_form": ReportCreateForm() if can_edit else None,
    })


@require_POST
@permission_required(Perm.EDIT_RECORDS)
def report_new(request, township):
    form = ReportCreateForm(request.POST)
    if form.is_valid():
        year = form.cleaned_data["year"]
        try:
            services.report_create(township=township, user=request.user, year=year)
        except ValidationError as error:
            form.add_error("year", error)
        else:
            messages.success(request, f"已新建{year}年度报告草稿。")
            return redirect("reports:report_edit", township=township.code, year=year)
    return render(request, "reports/report_list.html", {
        "reports": selectors.report_list(township=township), "can_edit": True, "create_form": form,
    })


@permission_required(Perm.VIEW_RECORDS)
def report_preview(request, township, year):
    """The report's page: its state, what a leader asked for, the moves the user may make, the downloads and the
    filed copies, and the report itself."""
    report = _report_or_404(township, year)
    html = report_html(report, selectors.report_figures(report=report))
    filing = selectors.report_filing_job(report=report)
    steps = [(name, step) for name, step in STEPS.items()
             if step.source == report.state and request.user.can(step.permission) and filing is None]
    return render(request, "reports/report_preview.html", {
        "report": report, "report_html": html, "steps": steps, "filing": filing,
        "can_edit": request.user.can(Perm.EDIT_RECORDS) and report.state == Report.State.DRAFT,
        "pending_return": selectors.report_pending_return(report=report),
        "history": selectors.report_steps(report=report), "archives": selectors.report_archives(report=report),
    })


# The editor: one page, one form open at a time (`open_key`), the figures beside it and the report rendered beside
# that (report_html, as the PDF renders it) — the stored report, then, as the clerk types, report_live_preview's.

@permission_required(Perm.EDIT_RECORDS)
def report_edit(request, township, year):
    report = _report_or_404(township, year)
    return _editor(request, report, *_requested_form(request, report))


def _requested_form(request, report):
    """The form the query string asks to open: ?edit=details, ?edit=<section>, ?add=<part>, ?add_point=<section>."""
    edit, add, add_point = (request.GET.get(name, "") for name in ("edit", "add", "add_point"))
    if edit == "details":
        return "details", ReportDetailsForm(instance=report)
    if edit.isdigit():
        section = get_object_or_404(ReportSection, pk=edit, report=report)
        return f"section-{section.pk}", SectionForm(instance=section)
    if add.isdigit() and int(add) in Part.values:
        return f"part-{add}", SectionForm()
    if add_point.isdigit():
        parent = get_object_or_404(ReportSection, pk=add_point, report=report, parent__isnull=True)
        return f"points-{parent.pk}", SectionForm()
    return None, None


def _editor(request, report, open_key=None, form=None, status=200):
    if report.state != Report.State.DRAFT:
        return _not_a_draft(request, report)
    figures = selectors.report_figures(report=report)
    picker = [{"token": f"{{{{{figure.key}}}}}", "label": figure.label, "text": figure_text(figure),
               "definition": figure.definition} for figure in figures.values()]
    return render(request, "reports/report_edit.html", {
        "report": report, "open_key": open_key, "form": form, "figures": picker,
        "outline": selectors.report_outline(report=report, figures=figures),
        "intro_typed_figures": selectors.typed_figure_notes(report.intro, figures),
        "pending_return": selectors.report_pending_return(report=report),
        "report_html": report_html(report, figures),
    }, status=status)


def _not_a_draft(request, report):
    messages.info(request, services.NOT_A_DRAFT[report.state])
    return redirect(_report_url("report_preview", report))


def _after_save(request, report, anchor, text=""):
    """Back to the editor at the section saved, warning about numbers typed where a figure belongs."""
    typed = selectors.typed_figure_notes(text, selectors.report_figures(report=report))
    if typed:
        messages.warning(request, f"已保存。{TYPED_NUMBER_WARNING}{'、'.join(typed)}。")
    else:
        messages.success(request, "已保存。")
    return redirect(f"{_report_url('report_edit', report)}#{anchor}")


def _refused(request, report, error):
    messages.error(request, "；".join(error.messages))
    return redirect(_report_url("report_preview" if report.state != Report.State.DRAFT else "report_edit", report))


@require_POST
@permission_required(Perm.EDIT_RECORDS)
def report_details(request, township, year):
    report = _report_or_404(township, year)
    form = ReportDetailsForm(request.POST, instance=report)
    if form.is_valid():
        try:
            services.report_update(report=report, user=request.user, form=form, request=request)
        except StaleRecordError:
            pass
        except ValidationError as error:
            return _refused(request, report, error)
        else:
            return _after_save(request, report, "details", report.intro)
    return _editor(request, _report_or_404(township, year), "details", form, status=400)


def _new_section_place(request, report):
    """(part, parent) of the section being added: the posted sub-part it is a point of, else the posted part."""
    parent = None
    if request.POST.get("parent"):
        parent = get_object_or_404(ReportSection, pk=request.POST["parent"], report=report, parent__isnull=True)
    part = parent.part if parent else request.POST.get("part", "")
    if not str(part).isdigit() or int(part) not in Part.values:
        raise Http404("没有这一部分。")
    return int(part), parent


@require_POST
@permission_required(Perm.EDIT_RECORDS)
def section_new(request, township, year):
    report = _report_or_404(township, year)
    part, parent = _new_section_place(request, report)
    form = SectionForm(request.POST)
    if form.is_valid():
        try:
            section = services.section_add(report=report, user=request.user, part=part, parent=parent,
                                           **form.cleaned_data)
        except ValidationError as error:
            return _refused(request, report, error)
        return _after_save(request, report, f"section-{section.pk}", f"{section.heading}\n{section.body}")
    open_key = f"points-{parent.pk}" if parent else f"part-{part}"
    return _editor(request, report, open_key, form, status=400)


@require_POST
@permission_required(Perm.EDIT_RECORDS)
def section_edit(request, township, year, pk):
    report = _report_or_404(township, year)
    section = get_object_or_404(ReportSection, pk=pk, report=report)
    form = SectionForm(request.POST)  # not bound to the section, which the service compares before and after
    if form.is_valid():
        try:
            services.section_update(section=section, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            return _refused(request, report, error)
        return _after_save(request, report, f"section-{section.pk}", f"{section.heading}\n{section.body}")
    return _editor(request, report, f"section-{section.pk}", form, status=400)


@require_POST
@permission_required(Perm.EDIT_RECORDS)
def section_move(request, township, year, pk):
    report = _report_or_404(township, year)
    section = get_object_or_404(ReportSection, pk=pk, report=report)
    direction = request.POST.get("direction")
    if direction not in (services.UP, services.DOWN):
        raise Http404("无效的移动方向。")
    try:
        services.section_move(section=section, user=request.user, direction=direction)
    except ValidationError as error:
        return _refused(request, report, error)
    return redirect(f"{_report_url('report_edit', report)}#section-{section.pk}")


@permission_required(Perm.EDIT_RECORDS)
def section_delete(request, township, year, pk):
    report = _report_or_404(township, year)
    section = get_object_or_404(ReportSection, pk=pk, report=report)
    if request.method == "POST":
        try:
            services.section_delete(section=section, user=request.user)
        except ValidationError as error:
            return _refused(request, report, error)
        messages.success(request, f"已删除：{section}")
        return redirect(f"{_report_url('report_edit', report)}#part-{section.part}")
    if report.state != Report.State.DRAFT:
        return _not_a_draft(request, report)
    return render(request, "reports/section_delete.html", {
        "report": report, "section": section, "points": section.points.count(),
    })


@require_POST
@permission_required(Perm.EDIT_RECORDS)
def report_live_preview(request, township, year):
    """The editor's preview as the clerk types: the whole report with the open form's text in place, and the figures
    that text types as plain numbers. The form is validated as a save would be, into objects that are never saved:
    nothing is written. The details form posts `intro`; a section form posts `section` (editing) or its place."""
    report = _report_or_404(township, year)
    if report.state != Report.State.DRAFT:
        return JsonResponse({"errors": [services.NOT_A_DRAFT[report.state]]}, status=409)
    if "intro" in request.POST:
        unsaved, form = None, ReportDetailsForm(request.POST, instance=report)
    else:
        unsaved = _unsaved_section(request, report)
        form = SectionForm(request.POST, instance=unsaved)
    if not form.is_valid():  # is_valid() also puts the text on the unsaved objects
        return JsonResponse({"errors": [error for errors in form.errors.values() for error in errors]}, status=400)
    report.signed_by = report.signed_by or report.default_signature()
    figures = selectors.report_figures(report=report)
    text = report.intro if unsaved is None else f"{unsaved.heading}\n{unsaved.body}"
    typed = selectors.typed_figure_notes(text, figures)
    return JsonResponse({
        "html": str(report_html(report, figures, unsaved=unsaved)),
        "typed_figures": typed, "warning": f"{TYPED_NUMBER_WARNING}{'、'.join(typed)}" if typed else "",
    })


def _unsaved_section(request, report):
    if request.POST.get("section"):
        return get_object_or_404(ReportSection, pk=request.POST["section"], report=report)
    part, parent = _new_section_place(request, report)
    return ReportSection(report=report, part=part, parent=parent)


@permission_required(Perm.VIEW_RECORDS)
def report_step(request, township, year, action):
    """The confirmation page of a move (提交, 审定, 退回, 归档, 修订), then the move itself."""
    step = STEPS.get(action)
    if step is None:
        raise Http404("没有这一操作。")
    if not request.user.can(step.permission):
        raise PermissionDenied("您的角色无权进行此操作。")
    report = _report_or_404(township, year)
    if report.state != step.source:
        messages.info(request, f"报告{report.get_state_display()}，不能{step.title}。")
        return redirect(_report_url("report_preview", report))
    form = StepForm(request.POST or None, report=report, comment_label=step.comment_label,
                    comment_required=step.comment_required)
    if request.method == "POST" and form.is_valid():
        if action == "archive" and worker_configured():
            job = start_job(request=request, township=township, kind="report_archive",
                            title=f"归档{report.year}年度报告",
                            params={"report": report.pk, "loaded_version": form.cleaned_data["loaded_version"]})
            return redirect(job_url(job))
        comment = {"comment": form.cleaned_data["comment"]} if step.comment_label else {}
        try:
            step.service(report=report, user=request.user, loaded_version=form.cleaned_data["loaded_version"],
                         request=request, **comment)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"报告已{step.title}。")
            return redirect(_report_url("report_preview", report))
    return render(request, "reports/report_step.html", {
        "report": report, "step": step, "form": form,
        "typed_figures": _typed_figures(report) if action == "submit" else [],
    })


def _typed_figures(report):
    """[(where, notes)]: the numbers typed where a figure belongs, to look at once more before submitting."""
    figures = selectors.report_figures(report=report)
    found = [("导语", notes) for notes in [selectors.typed_figure_notes(report.intro, figures)] if notes]
    for outline_part in selectors.report_outline(report=report, figures=figures):
        for entry in outline_part.entries:
            for item in [entry, *entry.points]:
                if item.typed_figures:
                    number = entry.number + (item.number if item is not entry else "")
                    found.append((f"{outline_part.number}、{number}{item.section}", item.typed_figures))
    return found


# Downloads. An archived report's PDF is the stored one, streamed; anything else is rendered now and says 草稿.

def _download(content, filename, content_type):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@permission_required(Perm.DOWNLOAD_REPORT)
def report_pdf_file(request, township, year):
    archive = selectors.report_filed_copy(township=township, year=year)
    if archive is not None:
        return archive_response(archive, pdfa=False)
    report = _report_or_404(township, year)
    content = report_pdf(report, selectors.report_figures(report=report), charts=selectors.report_charts(report=report))
    return _download(content, report_filename(report, ".pdf"), PDF)


@permission_required(Perm.DOWNLOAD_REPORT)
def report_docx_file(request, township, year):
    report = _report_or_404(township, year)
    revision = report.revision if report.state == Report.State.ARCHIVED else None
    content = report_docx(report, selectors.report_figures(report=report))
    return _download(content, report_filename(report, ".docx", revision=revision), DOCX)
