import functools

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters

from disputes import selectors, services
from disputes.forms import (
    TICKET_ACTION_FORMS,
    DisputeDateCorrectionForm,
    DisputeFilterForm,
    DisputeForm,
    DisputeStateForm,
    HandlingNoteForm,
    SupervisionForm,
    TicketFilterForm,
    TicketForm,
    TicketTimeCorrectionForm,
)
from disputes.models import Dispute, Ticket, supervision_refusal
from disputes.workdays import WorkCalendar
from xilian.listing import paginate, sort_queryset
from xilian.records import StaleRecordError, void_view
from xilian.roles import Perm
from xilian.scoping import permission_required

DISPUTE_SORT = {
    "received_on": "received_on", "case_number": ("case_sort", "case_number"), "category": "category__order",
    "village": "village__code", "state": "state", "resolved_on": "resolved_on",
}
TICKET_SORT = {
    "received_at": "received_at", "ticket_number": "ticket_number", "request_type": "request_type",
    "due": "due_on", "closed_at": "closed_at", "state": "state",
}


def _can_see_names(user, township):
    """Callers' and parties' names belong to the township's own people, not to the county office (个人信息保护法)."""
    return user.belongs_to(township)


@permission_required(Perm.VIEW_RECORDS)
def dispute_list(request, township):
    form = DisputeFilterForm(request.GET, township=township, years=selectors.dispute_years(township=township))
    show_names = _can_see_names(request.user, township)
    disputes = selectors.dispute_filtered(township=township, filters=form.values(), with_names=show_names)
    figures = selectors.dispute_figures(disputes)
    disputes, sort = sort_queryset(request, disputes.select_related("category", "village"), DISPUTE_SORT,
                                   "-received_on")
    page, query = paginate(request, disputes)
    return render(request, "disputes/dispute_list.html", {
        "township": township, "form": form, "figures": figures, "page": page, "query": query,
        "show_names": show_names, "can_edit": request.user.can(Perm.EDIT_RECORDS),
    })


def _edit_dispute(request, township, form):
    if request.method == "POST" and form.is_valid():
        try:
            dispute = services.dispute_save(township=township, user=request.user, form=form, request=request)
        except StaleRecordError:
            pass
        else:
            messages.success(request, f"已保存：{dispute}")
            return redirect("disputes:dispute_detail", township=township, pk=dispute.pk)
    return render(request, "disputes/dispute_form.html", {"township": township, "form": form})


@permission_required(Perm.EDIT_RECORDS)
def dispute_create(request, township):
    return _edit_dispute(request, township, DisputeForm(request.POST or None, township=township))


@permission_required(Perm.EDIT_RECORDS)
def dispute_edit(request, township, pk):
    dispute = get_object_or_404(Dispute.objects.active(), pk=pk)
    return _edit_dispute(request, township, DisputeForm(request.POST or None, instance=dispute, township=township))


@permission_required(Perm.VIEW_RECORDS)
def dispute_detail(request, township, pk):
    dispute = get_object_or_404(Dispute.objects.select_related("category", "village", "voided_by"), pk=pk)
    return render(request, "disputes/dispute_detail.html", {
        "township": township, "dispute": dispute, "next_states": Dispute.NEXT_STATES[dispute.state],
        "steps": selectors.dispute_timeline(dispute, edit_fields=DisputeForm.Meta.fields),
        "can_edit": request.user.can(Perm.EDIT_RECORDS), "show_names": _can_see_names(request.user, township),
        **_supervision_context(request.user, dispute),
    })


@permission_required(Perm.EDIT_RECORDS)
def dispute_state(request, township, pk):
    dispute = get_object_or_404(Dispute.objects.active(), pk=pk)
    if not Dispute.NEXT_STATES[dispute.state]:
        messages.info(request, "该纠纷已回访结案，状态不能再变更。")
        return redirect(dispute_url(township, dispute))
    return _record_step_page(
        request, township, dispute, DisputeStateForm(request.POST or None, instance=dispute), title="变更状态",
        save=services.dispute_change_state, done=lambda: f"{dispute}：已变更为“{dispute.get_state_display()}”",
    )


@permission_required(Perm.EDIT_RECORDS)
def dispute_correct(request, township, pk):
    dispute = get_object_or_404(Dispute.objects.active(), pk=pk)
    form = DisputeDateCorrectionForm(request.POST or None, instance=dispute)
    return _record_step_page(request, township, dispute, form, title="更正日期", save=services.dispute_correct_date,
                             done=lambda: f"{dispute}：{form.correction_note()}")


@permission_required(Perm.EDIT_RECORDS)
def dispute_void(request, township, pk):
    dispute = get_object_or_404(Dispute.objects.active(), pk=pk)
    return void_view(request, dispute, done_url=_reverse("disputes:dispute_list", township),
                     cancel_url=dispute_url(township, dispute))


def dispute_url(township, dispute):
    return _reverse("disputes:dispute_detail", township, pk=dispute.pk)


def ticket_url(township, ticket):
    return _reverse("disputes:ticket_detail", township, pk=ticket.pk)


def _reverse(name, township, **kwargs):
    return reverse(name, kwargs={"township": township.code, **kwargs})


@permission_required(Perm.VIEW_RECORDS)
def ticket_list(request, township):
    today = timezone.localdate()
    form = TicketFilterForm(request.GET, township=township, years=selectors.ticket_years(township=township))
    tickets = selectors.ticket_filtered(
        township=township, filters=form.values(), today=today, calendar=WorkCalendar.load(),
        with_callers=_can_see_names(request.user, township),
    )
    figures = selectors.ticket_figures(tickets, today=today)
    tickets, sort = sort_queryset(request, tickets.select_related("village"), TICKET_SORT, "-received_at")
    page, query = paginate(request, tickets)
    return render(request, "disputes/ticket_list.html", {
        "township": township, "form": form, "figures": figures, "page": page, "query": query, "today": today,
        "show_callers": _can_see_names(request.user, township), "can_edit": request.user.can(Perm.EDIT_RECORDS),
    })


@permission_required(Perm.VIEW_RECORDS)
def ticket_overdue(request, township):
    today = timezone.localdate()
    overdue = selectors.overdue_tickets(township=township, today=today)
    due_soon = selectors.due_soon_tickets(township=township, today=today, calendar=WorkCalendar.load())
    sections = [
        {"id": "overdue", "title": "已逾期", "icon": "exclamation-octagon", "css": "text-danger",
         "empty": "没有逾期未办结的工单。", **_section_page(request, overdue, "page")},
        {"id": "due-soon", "title": "2个工作日内到期", "icon": "hourglass-split", "css": "text-warning-emphasis",
         "empty": "近2个工作日内没有到期的工单。", **_section_page(request, due_soon, "due_soon_page")},
    ]
    return render(request, "disputes/ticket_overdue.html", {
        "township": township, "today": today, "sections": sections,
        "can_supervise": request.user.can(Perm.APPROVE_REPORT),
        "supervised": {s.ticket_id for s in selectors.open_supervisions(township=township) if s.ticket_id},
    })


def _section_page(request, tickets, param):
    page, query = paginate(request, tickets.select_related("village"), param=param)
    return {"page": page, "query": query, "page_param": param}


def _edit_ticket(request, township, form):
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.ticket_save(township=township, user=request.user, form=form, request=request)
        except StaleRecordError:
            pass
        else:
            messages.success(request, f"已保存：{ticket.ticket_number}，办理时限 {ticket.deadline:%Y年%-m月%-d日}")
            return redirect(ticket_url(township, ticket))
    return render(request, "disputes/ticket_form.html", {"township": township, "form": form})


@sensitive_post_parameters("caller_phone")
@permission_required(Perm.EDIT_RECORDS)
def ticket_create(request, township):
    return _edit_ticket(request, township, TicketForm(request.POST or None, township=township))


@sensitive_post_parameters("caller_phone")
@permission_required(Perm.EDIT_RECORDS)
def ticket_edit(request, township, pk):
    ticket = get_object_or_404(Ticket.objects.active(), pk=pk)
    return _edit_ticket(request, township, TicketForm(request.POST or None, instance=ticket, township=township))


@permission_required(Perm.VIEW_RECORDS)
def ticket_detail(request, township, pk):
    ticket = get_object_or_404(Ticket.objects.select_related("village", "voided_by"), pk=pk)
    return render(request, "disputes/ticket_detail.html", {
        "township": township, "ticket": ticket,
        "steps": selectors.ticket_timeline(ticket, edit_fields=TicketForm.Meta.fields),
        "overdue": ticket.is_overdue(), "show_callers": _can_see_names(request.user, township),
        "can_edit": request.user.can(Perm.EDIT_RECORDS),
        "actions": [(name, form.title) for name, form in TICKET_ACTION_FORMS.items() if not form.refusal(ticket)],
        **_supervision_context(request.user, ticket),
    })


def _supervision_context(user, record):
    """The record's open 督办 (the banner), and whether this user may 督办 it now."""
    return {
        "open_supervisions": [s for s in selectors.record_supervisions(record) if s.is_open],
        "can_supervise": user.can(Perm.APPROVE_REPORT) and supervision_refusal(record) is None,
    }


@permission_required(Perm.EDIT_RECORDS)
def ticket_action(request, township, pk, action):
    form_class = TICKET_ACTION_FORMS[action]
    ticket = get_object_or_404(Ticket.objects.active(), pk=pk)
    if refusal := form_class.refusal(ticket):
        messages.info(request, refusal)
        return redirect(ticket_url(township, ticket))
    return _record_step_page(
        request, township, ticket, form_class(request.POST or None, instance=ticket), title=form_class.title,
        save=services.ticket_act, done=lambda: f"{ticket.ticket_number}：已{form_class.title}",
    )


@permission_required(Perm.EDIT_RECORDS)
def ticket_correct_time(request, township, pk):
    ticket = get_object_or_404(Ticket.objects.active(), pk=pk)
    return _record_step_page(
        request, township, ticket, TicketTimeCorrectionForm(request.POST or None, instance=ticket), title="更正时间",
        save=services.ticket_correct_time, done=lambda: f"{ticket.ticket_number}：已更正时间",
    )


@permission_required(Perm.EDIT_RECORDS)
def ticket_void(request, township, pk):
    ticket = get_object_or_404(Ticket.objects.active(), pk=pk)
    return void_view(request, ticket, done_url=_reverse("disputes:ticket_list", township),
                     cancel_url=ticket_url(township, ticket))


def _note_page(request, township, record):
    return _record_step_page(
        request, township, record, HandlingNoteForm(request.POST or None, record=record), title="添加办理记录",
        save=functools.partial(services.note_add, record=record), done=lambda: f"{record}：已添加办理记录",
    )


LISTS = {Dispute: ("disputes:dispute_list", "矛盾纠纷"), Ticket: ("disputes:ticket_list", "12345工单")}


def _record_step_page(request, township, record, form, *, title, save, done):
    """The page of one step on a ticket or a dispute (变更状态, 办结, 更正, 办理记录…): the form, written by `save` (a
    service taking township, user, form and request), then back to the record with the message `done()` gives."""
    detail_url = dispute_url(township, record) if isinstance(record, Dispute) else ticket_url(township, record)
    state_label = record.get_state_display()  # as the record stands, before a refused form has touched it
    if request.method == "POST" and form.is_valid():
        try:
            save(township=township, user=request.user, form=form, request=request)
        except StaleRecordError:
            pass
        else:
            messages.success(request, done())
            return redirect(detail_url)
    list_url, list_label = LISTS[type(record)]
    return render(request, "disputes/record_action.html", {
        "township": township, "record": record, "form": form, "title": title, "cancel_url": detail_url,
        "state_label": state_label, "list_url": list_url, "list_label": list_label,
    })


@permission_required(Perm.EDIT_RECORDS)
def ticket_note(request, township, pk):
    ticket = get_object_or_404(Ticket.objects.active(), pk=pk)
    return _note_page(request, township, ticket)


@permission_required(Perm.EDIT_RECORDS)
def dispute_note(request, township, pk):
    dispute = get_object_or_404(Dispute.objects.active(), pk=pk)
    return _note_page(request, township, dispute)


def _supervise_page(request, township, record):
    """督办 a ticket or a dispute: the 批示 form, or back to the record with the reason it cannot be supervised."""
    detail_url = dispute_url(township, record) if isinstance(record, Dispute) else ticket_url(township, record)
    if refusal := supervision_refusal(record):
        messages.info(request, refusal)
        return redirect(detail_url)

    def save(*, township, user, form, request):
        services.supervision_create(record=record, user=user, instruction=form.cleaned_data["instruction"],
                                    request=request)

    form = SupervisionForm(request.POST or None, record=record, user=request.user)
    return _record_step_page(request, township, record, form, title="督办", save=save,
                             done=lambda: f"{record}：已督办")


@permission_required(Perm.APPROVE_REPORT)
def ticket_supervise(request, township, pk):
    return _supervise_page(request, township, get_object_or_404(Ticket.objects.active(), pk=pk))


@permission_required(Perm.APPROVE_REPORT)
def dispute_supervise(request, township, pk):
    return _supervise_page(request, township, get_object_or_404(Dispute.objects.active(), pk=pk))
