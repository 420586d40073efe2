import datetime

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from publicity import selectors
from publicity.forms import (
    EventFilterForm,
    EventRecordForm,
    LawRecordForm,
    LawyerRecordForm,
    StudyFilterForm,
    StudyRecordForm,
)
from publicity.models import Attachment, Event, Law, Lawyer, Study
from publicity.services import attachment_add
from xilian.listing import paginate, sort_queryset
from xilian.records import StaleRecordError, record_save, void_view
from xilian.roles import Perm
from xilian.scoping import permission_required

EVENT_SORT = {"date": "date", "name": "name", "participants": "participants", "materials": "materials"}
STUDY_SORT = {"date": "date", "form": "form", "attendees": "attendees", "hours": "hours"}


def _render(request, template, context):
    """Render with `can_edit`, so that leaders and the county office see no edit buttons."""
    return render(request, template, {**context, "can_edit": request.user.can(Perm.EDIT_RECORDS)})


def _years(queryset):
    return {d.year for d in queryset.dates("date", "year")}


def _list_context(request, township, records, filter_form_class, sort_columns):
    form = filter_form_class(request.GET, township=township, years=_years(records))
    records = form.filter(records) if form.is_valid() else records.none()
    records, sort = sort_queryset(request, records, sort_columns, "-date")
    page, query = paginate(request, records)
    return {"filter_form": form, "page": page, "query": query, "sort": sort, "records": records}


def _save_with_attachments(request, form):
    """Save the record and its uploads in one transaction; False when another user saved first."""
    try:
        with transaction.atomic():
            record = record_save(township=request.township, user=request.user, form=form, request=request)
            attachment_add(
                user=request.user, record=record, uploads=form.cleaned_data.get("attachments", []), request=request
            )
    except StaleRecordError:
        return None
    return record


def _record_form_page(request, township, form_class, record, template, done_url):
    """The create/edit page of a record; `done_url(saved)` is where a successful save goes."""
    form = form_class(request.POST or None, request.FILES or None, instance=record, township=township)
    if request.method == "POST" and form.is_valid():
        saved = _save_with_attachments(request, form)
        if saved is not None:
            messages.success(request, f"已保存：{saved}")
            return redirect(done_url(saved))
    return _render(request, template, {"form": form, "record": record, "township": township})


def _detail_url(name):
    return lambda record: reverse(name, kwargs={"township": record.township, "pk": record.pk})


def _list_url(name):
    return lambda record: reverse(name, kwargs={"township": record.township})


# 普法活动


@require_GET
@permission_required(Perm.VIEW_RECORDS)
def event_list(request, township):
    context = _list_context(request, township, selectors.event_list(township=township), EventFilterForm, EVENT_SORT)
    context["totals"] = selectors.event_totals(context.pop("records"))
    return _render(request, "publicity/event_list.html", context)


@require_GET
@permission_required(Perm.VIEW_RECORDS)
def event_detail(request, township, pk):
    event = get_object_or_404(Event.objects.select_related("village", "lawyer", "voided_by", "created_by"), pk=pk)
    return _render(request, "publicity/event_detail.html", {"event": event, "attachments": event.attachments.all()})


@permission_required(Perm.EDIT_RECORDS)
def event_create(request, township):
    return _record_form_page(request, township, EventRecordForm, Event(), "publicity/event_form.html",
                             _detail_url("publicity:event_detail"))


@permission_required(Perm.EDIT_RECORDS)
def event_edit(request, township, pk):
    event = get_object_or_404(Event.objects.active(), pk=pk)
    return _record_form_page(request, township, EventRecordForm, event, "publicity/event_form.html",
                             _detail_url("publicity:event_detail"))


@permission_required(Perm.EDIT_RECORDS)
def event_void(request, township, pk):
    event = get_object_or_404(Event.objects.active(), pk=pk)
    return void_view(
        request, event,
        done_url=reverse("publicity:event_list", kwargs={"township": township}),
        cancel_url=reverse("publicity:event_detail", kwargs={"township": township, "pk": pk}),
    )


# 学法记录


@require_GET
@permission_required(Perm.VIEW_RECORDS)
def study_list(request, township):
    context = _list_context(request, township, selectors.study_list(township=township), StudyFilterForm, STUDY_SORT)
    context["totals"] = selectors.study_totals(context.pop("records"))
    return _render(request, "publicity/study_list.html", context)


@require_GET
@permission_required(Perm.VIEW_RECORDS)
def study_detail(request, township, pk):
    study = get_object_or_404(Study.objects.select_related("voided_by", "created_by"), pk=pk)
    return _render(request, "publicity/study_detail.html", {"study": study, "attachments": study.attachments.all()})


@permission_required(Perm.EDIT_RECORDS)
def study_create(request, township):
    return _record_form_page(request, township, StudyRecordForm, Study(), "publicity/study_form.html",
                             _detail_url("publicity:study_detail"))


@permission_required(Perm.EDIT_RECORDS)
def study_edit(request, township, pk):
    study = get_object_or_404(Study.objects.active(), pk=pk)
    return _record_form_page(request, township, StudyRecordForm, study, "publicity/study_form.html",
                             _detail_url("publicity:study_detail"))


@permission_required(Perm.EDIT_RECORDS)
def study_void(request, township, pk):
    study = get_object_or_404(Study.objects.active(), pk=pk)
    return void_view(
        request, study,
        done_url=reverse("publicity:study_list", kwargs={"township": township}),
        cancel_url=reverse("publicity:study_detail", kwargs={"township": township, "pk": pk}),
    )


# 驻点律师


def _parse_day(text):
    try:
        return datetime.date.fromisoformat(text)
    except (TypeError, ValueError):
        return timezone.localdate()


@require_GET
@permission_required(Perm.VIEW_RECORDS)
def lawyer_list(request, township):
    on_date = _parse_day(request.GET.get("on"))
    lawyers = Lawyer.objects.active().filter(township=township).prefetch_related("villages")
    context = {
        "lawyers": lawyers,
        "on_date": on_date,
        "coverage": selectors.lawyer_coverage(township=township, on_date=on_date),
    }
    return _render(request, "publicity/lawyer_list.html", context)


@permission_required(Perm.EDIT_RECORDS)
def lawyer_create(request, township):
    return _record_form_page(request, township, LawyerRecordForm, Lawyer(), "publicity/lawyer_form.html",
                             _list_url("publicity:lawyer_list"))


@permission_required(Perm.EDIT_RECORDS)
def lawyer_edit(request, township, pk):
    lawyer = get_object_or_404(Lawyer.objects.active(), pk=pk)
    return _record_form_page(request, township, LawyerRecordForm, lawyer, "publicity/lawyer_form.html",
                             _list_url("publicity:lawyer_list"))


@permission_required(Perm.EDIT_RECORDS)
def lawyer_void(request, township, pk):
    lawyer = get_object_or_404(Lawyer.objects.active(), pk=pk)
    done_url = reverse("publicity:lawyer_list", kwargs={"township": township})
    return void_view(request, lawyer, done_url=done_url, cancel_url=done_url)


# 法律法规清单


@require_GET
@permission_required(Perm.VIEW_RECORDS)
def law_list(request, township):
    laws = selectors.law_choices(township=township)
    return _render(request, "publicity/law_list.html", {"laws": laws, "form": LawRecordForm(township=township)})


@permission_required(Perm.EDIT_RECORDS)
def law_create(request, township):
    form = LawRecordForm(request.POST or None, instance=Law(), township=township)
    if request.method == "POST" and form.is_valid():
        law = record_save(township=township, user=request.user, form=form, request=request)
        messages.success(request, f"已添加：{law}")
        return redirect("publicity:law_list", township=township.code)
    return _render(request, "publicity/law_list.html", {"laws": selectors.law_choices(township=township), "form": form})


# 附件


@require_GET
@permission_required(Perm.VIEW_RECORDS)
def attachment_file(request, township, pk):
    """The only way to an attachment: looked up in the township's scope, so another township's is 404."""
    attachment = get_object_or_404(Attachment.objects.select_related("event", "study"), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("附件文件不存在。") from None
    # Only an image is shown in the browser; anything else is downloaded, and the sandbox keeps a document that
    # a browser renders anyway (a PDF viewer, a file stored before the checks) from running scripts on our origin.
    response = FileResponse(
        handle, content_type=attachment.content_type, as_attachment=not attachment.is_image,
        filename=attachment.original_name,
    )
    response["Content-Security-Policy"] = "sandbox"  # X-Content-Type-Options: nosniff comes from SecurityMiddleware
    return response
