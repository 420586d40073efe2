"""Reads of disputes and tickets for the lists, the 工作台, the county dashboard and the annual report. Every
selector takes the township first and filters by it explicitly (it also works inside a django-scopes scope).

Definitions (DOMAIN.md §3–4):
- 化解率 = disputes resolved (a 化解日期 is recorded) ÷ disputes received; in progress = still 登记/调解中/已流转;
  a dispute that ended 未化解 (引导诉讼、仲裁) is neither.
- 办结率 = closed ÷ 应办理 (received minus tickets returned to the platform); 按期办结率 and 满意率: see
  TicketFigures (each rate's 口径 is a constant next to it, shown where the figure is shown).
- Overdue = open (待签收/办理中) with the deadline in force before today; due soon = open and due within the next
  2 working days (today included).
"""

from dataclasses import dataclass

from django.db.models import Case, Count, DateField, F, Q, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from disputes.models import Dispute, Satisfaction, Ticket


def _ratio(part, whole):
    return part / whole if whole else None


@dataclass(frozen=True)
class DisputeFigures:
    received: int
    resolved: int
    in_progress: int
    unresolved: int

    @property
    def resolution_rate(self):
        return _ratio(self.resolved, self.received)


@dataclass(frozen=True)
class TicketFigures:
    received: int
    returned: int
    closed: int
    closed_on_time: int
    open_overdue: int
    surveyed: int
    satisfied: int
    dissatisfied: int

    ON_TIME_RATE_DEFINITION = (
        "按期办结率 = 按期办结数 ÷（已办结数 + 逾期未办结数）。按期：办结日不晚于办理时限（经批准延期的按延期后时限，"
        "逾期后才申请的延期不算）；未到期的在办工单和退单不计入。"
    )
    SATISFACTION_RATE_DEFINITION = (
        "满意率 =（满意 + 基本满意）÷（满意 + 基本满意 + 不满意）；联系不上、拒绝回访和未回访的不计入。"
    )

    @property
    def to_handle(self):
        return self.received - self.returned

    @property
    def closing_rate(self):
        return _ratio(self.closed, self.to_handle)

    @property
    def on_time_rate(self):
        """See ON_TIME_RATE_DEFINITION: open tickets not yet due are not late, so they are not counted."""
        return _ratio(self.closed_on_time, self.closed + self.open_overdue)

    @property
    def rated(self):
        """回访 with a satisfaction result (联系不上 and 拒绝回访 have none)."""
        return self.satisfied + self.dissatisfied

    @property
    def satisfaction_rate(self):
        return _ratio(self.satisfied, self.rated)

    @property
    def dissatisfaction_rate(self):
        return _ratio(self.dissatisfied, self.rated)


def dispute_queryset(*, township):
    return Dispute.objects.active().filter(township=township)


def ticket_queryset(*, township):
    """Annotated with `due_on`, the deadline in force, and `on_time_by`, the day a closure is measured against
    (Ticket.on_time_deadline: an extension applied for after the deadline does not excuse the delay)."""
    due_on = Coalesce("extended_deadline", "deadline")
    on_time_by = Case(When(extension_applied_on__gt=F("deadline"), then=F("deadline")), default=due_on,
                      output_field=DateField())
    return Ticket.objects.active().filter(township=township).annotate(due_on=due_on, on_time_by=on_time_by)


def dispute_figures(disputes):
    counts = disputes.aggregate(
        received=Count("pk"),
        resolved=Count("pk", filter=Q(resolved_on__isnull=False)),
        in_progress=Count("pk", filter=Q(state__in=Dispute.OPEN_STATES)),
        unresolved=Count("pk", filter=Q(resolved_on__isnull=True) & ~Q(state__in=Dispute.OPEN_STATES)),
    )
    return DisputeFigures(**counts)


def ticket_figures(tickets, *, today):
    """Figures of an annotated ticket queryset (from `ticket_queryset`, filtered as the caller likes); `today`
    decides which open tickets are overdue."""
    closed = Q(state=Ticket.State.CLOSED)
    surveyed = ~Q(satisfaction=Satisfaction.NOT_SURVEYED)
    counts = tickets.aggregate(
        received=Count("pk"),
        returned=Count("pk", filter=Q(state=Ticket.State.RETURNED)),
        closed=Count("pk", filter=closed),
        closed_on_time=Count("pk", filter=closed & Q(closed_at__date__lte=F("on_time_by"))),
        open_overdue=Count("pk", filter=Q(state__in=Ticket.OPEN_STATES, on_time_by__lt=today)),
        surveyed=Count("pk", filter=surveyed),
        satisfied=Count("pk", filter=Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.FAIRLY_SATISFIED])),
        dissatisfied=Count("pk", filter=Q(satisfaction=Satisfaction.DISSATISFIED)),
    )
    return TicketFigures(**counts)


def dispute_stats(*, township, year):
    """Disputes received in `year`: received, resolved (as of now), in progress, 未化解, and resolution_rate."""
    return dispute_figures(dispute_queryset(township=township).filter(received_on__year=year))


def ticket_stats(*, township, year, today=None):
    """Tickets received in `year`: received, closed, closed_on_time, surveyed, satisfied (+ the rates), open
    tickets counted overdue as of `today` (by default the current day)."""
    return ticket_figures(ticket_queryset(township=township).filter(received_at__year=year),
                          today=today or timezone.localdate())


def open_tickets(*, township):
    return ticket_queryset(township=township).filter(state__in=Ticket.OPEN_STATES)


def overdue_tickets(*, township, today):
    return open_tickets(township=township).filter(due_on__lt=today).order_by("due_on", "received_at")


def due_soon_tickets(*, township, today, calendar, within=2):
    """Open tickets due today or within the next `within` working days."""
    last_day = calendar.add_working_days(today, within)
    return open_tickets(township=township).filter(due_on__gte=today, due_on__lte=last_day).order_by(
        "due_on", "received_at"
    )


def dispute_years(*, township):
    return sorted({d.year for d in dispute_queryset(township=township).dates("received_on", "year")}, reverse=True)


def ticket_years(*, township):
    return sorted({d.year for d in ticket_queryset(township=township).datetimes("received_at", "year")}, reverse=True)


def _filter_common(records, filters, *, date_field, search_fields):
    if (year := filters.get("year")) is not None:
        records = records.filter(**{f"{date_field}__year": year})
    if (month := filters.get("month")) is not None:
        records = records.filter(**{f"{date_field}__month": month})
    if village := filters.get("village"):
        records = records.filter(village=village)
    if query := (filters.get("q") or "").strip():
        condition = Q()
        for name in search_fields:
            condition |= Q(**{f"{name}__icontains": query})
        records = records.filter(condition)
    return records


def dispute_filtered(*, township, filters):
    """The disputes a list (or its export) shows for the cleaned values of a DisputeFilterForm."""
    disputes = _filter_common(
        dispute_queryset(township=township), filters, date_field="received_on",
        search_fields=["case_number", "parties", "summary", "mediator", "mediation_body"],
    )
    state = filters.get("state")
    if state == "open":
        disputes = disputes.filter(state__in=Dispute.OPEN_STATES)
    elif state:
        disputes = disputes.filter(state=state)
    if category := filters.get("category"):
        disputes = disputes.filter(category=category)
    return disputes


def ticket_filtered(*, township, filters, today, calendar, with_callers):
    """The tickets a list (or its export) shows for the cleaned values of a TicketFilterForm. `with_callers`: whether
    the search may match callers' names (only for the township's own people)."""
    search_fields = ["ticket_number", "title", "content", "handling_unit"] + (["caller_name"] if with_callers else [])
    tickets = _filter_common(
        ticket_queryset(township=township), filters, date_field="received_at", search_fields=search_fields,
    )
    for name in ("state", "request_type", "subject", "satisfaction"):
        if value := filters.get(name):
            tickets = tickets.filter(**{name: value})
    deadline = filters.get("deadline")
    if deadline == "overdue":
        tickets = tickets.filter(state__in=Ticket.OPEN_STATES, due_on__lt=today)
    elif deadline == "due_soon":
        last_day = calendar.add_working_days(today, 2)
        tickets = tickets.filter(state__in=Ticket.OPEN_STATES, due_on__gte=today, due_on__lte=last_day)
    elif deadline == "late":
        tickets = tickets.filter(state=Ticket.State.CLOSED, closed_at__date__gt=F("on_time_by"))
    return tickets
