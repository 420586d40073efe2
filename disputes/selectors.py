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
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils import timezone

from disputes.models import MAX_CASE_SERIAL, Dispute, DisputeStep, Satisfaction, Supervision, Ticket, TicketStep
from xilian.models import AuditLog, Township, Village

SATISFIED = (Satisfaction.SATISFIED, Satisfaction.FAIRLY_SATISFIED)
ALL_MONTHS = (1, 12)


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

    @property
    def not_resolved(self):
        """受理 − 已化解: what the annual report calls 正在办理 (in progress and 未化解 alike)."""
        return self.received - self.resolved


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


def _with_deadlines(tickets):
    due_on = Coalesce("extended_deadline", "deadline")
    on_time_by = Case(When(extension_applied_on__gt=F("deadline"), then=F("deadline")), default=due_on,
                      output_field=DateField())
    return tickets.annotate(due_on=due_on, on_time_by=on_time_by)


def ticket_queryset(*, township):
    """Annotated with `due_on`, the deadline in force, and `on_time_by`, the day a closure is measured against
    (Ticket.on_time_deadline: an extension applied for after the deadline does not excuse the delay)."""
    return _with_deadlines(Ticket.objects.active().filter(township=township))


def end_of_day(day):
    """The last moment of `day`, local time: a ticket closed that evening counts as closed as of that day."""
    return timezone.make_aware(datetime.combine(day, time.max))


def _dated(field, limit):
    """Q that `field` is on or before `limit`; no condition when limit is None (the record as it stands)."""
    return Q(**{f"{field}__lte": limit}) if limit is not None else Q()


def dispute_counts(*, as_of=None):
    """The Count expressions of DisputeFigures, for `aggregate` or a grouped `annotate`: as the disputes stand now
    (as_of None) or as they stood on the day `as_of`, from their dates and dated steps. A dispute that ended
    未化解 counts so from its 未化解 step's day (an imported one without that step: from its receipt)."""
    resolved = Q(resolved_on__isnull=False) & _dated("resolved_on", as_of)
    ended_unresolved = Q(resolved_on__isnull=True) & ~Q(state__in=Dispute.OPEN_STATES)
    if as_of is not None:
        later_step = DisputeStep.objects.filter(dispute=OuterRef("pk"), kind=DisputeStep.Kind.STATE_CHANGE,
                                                state=Dispute.State.UNRESOLVED, happened_on__gt=as_of)
        ended_unresolved &= ~Exists(later_step)
    return {
        "received": Count("pk"),
        "resolved": Count("pk", filter=resolved),
        "in_progress": Count("pk", filter=~resolved & ~ended_unresolved),
        "unresolved": Count("pk", filter=ended_unresolved),
    }


def ticket_counts(*, today, as_of=None):
    """The Count expressions of TicketFigures over tickets annotated by `_with_deadlines`: as they stand now (as_of
    None) or as they stood at the end of the day `as_of`. `today` decides which open tickets are overdue.

    As of a day, a ticket is closed or returned if that happened by the end of the day (a 退单 without its time
    counts as returned throughout), and a 回访 counts from its time (an imported one without it: from the closing).
    The deadlines need no dating: an extension applied for after `as_of` is either too late to count or for a
    deadline after `as_of`, so it changes no figure of that day."""
    moment = end_of_day(as_of) if as_of is not None else None
    closed = Q(state=Ticket.State.CLOSED) & _dated("closed_at", moment)
    returned = Q(state=Ticket.State.RETURNED)
    surveyed = ~Q(satisfaction=Satisfaction.NOT_SURVEYED)
    if moment is not None:
        returned &= Q(returned_at__isnull=True) | Q(returned_at__lte=moment)
        surveyed &= Q(surveyed_at__lte=moment) | Q(surveyed_at__isnull=True, closed_at__lte=moment)
    return {
        "received": Count("pk"),
        "returned": Count("pk", filter=returned),
        "closed": Count("pk", filter=closed),
        "closed_on_time": Count("pk", filter=closed & Q(closed_at__date__lte=F("on_time_by"))),
        "open_overdue": Count("pk", filter=~closed & ~returned & Q(on_time_by__lt=today)),
        "surveyed": Count("pk", filter=surveyed),
        "satisfied": Count("pk", filter=surveyed & Q(satisfaction__in=SATISFIED)),
        "dissatisfied": Count("pk", filter=surveyed & Q(satisfaction=Satisfaction.DISSATISFIED)),
    }


def dispute_figures(disputes):
    return DisputeFigures(**disputes.aggregate(**dispute_counts()))


def ticket_figures(tickets, *, today):
    """Figures of an annotated ticket queryset (from `ticket_queryset`, filtered as the caller likes); `today`
    decides which open tickets are overdue."""
    return TicketFigures(**tickets.aggregate(**ticket_counts(today=today)))


def dispute_stats(*, township, year):
    """Disputes received in `year`: received, resolved (as of now), in progress, 未化解, and resolution_rate."""
    return dispute_figures(dispute_queryset(township=township).filter(received_on__year=year))


def ticket_stats(*, township, year, today=None):
    """Tickets received in `year`: received, closed, closed_on_time, surveyed, satisfied (+ the rates), open
    tickets counted overdue as of `today` (by default the current day)."""
    return ticket_figures(ticket_queryset(township=township).filter(received_at__year=year),
                          today=today or timezone.localdate())


def _in_months(records, field, months):
    """Only the records whose `field` falls in the months `months` (first, last); the whole year adds no condition."""
    if months == ALL_MONTHS:
        return records
    first, last = months
    return records.filter(**{f"{field}__month__gte": first, f"{field}__month__lte": last})


def _disputes_received(*, townships, years, as_of, months):
    """The active disputes of `townships` received in `years` (consecutive) by `as_of`, in the months `months`."""
    disputes = Dispute.objects.active().filter(township__in=townships, received_on__gte=date(min(years), 1, 1),
                                               received_on__lte=min(as_of, date(max(years), 12, 31)))
    return _in_months(disputes, "received_on", months)


def _tickets_received(*, townships, years, as_of, months):
    """The active tickets received in `years` (consecutive) by the end of `as_of`, in the months `months`, with
    their deadlines."""
    start = timezone.make_aware(datetime(min(years), 1, 1))
    end = min(end_of_day(as_of), end_of_day(date(max(years), 12, 31)))
    tickets = Ticket.objects.active().filter(township__in=townships, received_at__gte=start, received_at__lte=end)
    return _with_deadlines(_in_months(tickets, "received_at", months))


def dispute_figures_by_township_and_year(*, townships, years, as_of, months=ALL_MONTHS):
    """{(township id, year): DisputeFigures} of the disputes each township received in each of `years`
    (consecutive) by `as_of` (in the months `months`, first and last, when not the whole year), as they stood on
    `as_of`: one grouped query for any number of townships and years."""
    disputes = _disputes_received(townships=townships, years=years, as_of=as_of, months=months)
    rows = disputes.annotate(year=ExtractYear("received_on")).values("township", "year").annotate(
        **dispute_counts(as_of=as_of)).order_by()
    return _by_township_and_year(rows, townships, years, DisputeFigures)


def dispute_figures_by_township(*, townships, year, as_of, months=ALL_MONTHS):
    """{township id: DisputeFigures} of `year` (see dispute_figures_by_township_and_year)."""
    figures = dispute_figures_by_township_and_year(townships=townships, years=[year], as_of=as_of, months=months)
    return _of_year(figures, year)


def ticket_figures_by_township_and_year(*, townships, years, as_of, months=ALL_MONTHS):
    """{(township id, year): TicketFigures} of the tickets each township received in each of `years` (consecutive)
    by the end of `as_of` (in the months `months`), as they stood then (open ones overdue on `as_of`): one grouped
    query for any number of townships and years."""
    tickets = _tickets_received(townships=townships, years=years, as_of=as_of, months=months)
    rows = tickets.annotate(year=ExtractYear("received_at")).values("township", "year").annotate(
        **ticket_counts(today=as_of, as_of=as_of)).order_by()
    return _by_township_and_year(rows, townships, years, TicketFigures)


def ticket_figures_by_township(*, townships, year, as_of, months=ALL_MONTHS):
    """{township id: TicketFigures} of `year` (see ticket_figures_by_township_and_year)."""
    figures = ticket_figures_by_township_and_year(townships=townships, years=[year], as_of=as_of, months=months)
    return _of_year(figures, year)


# The breakdowns behind the charts: the same counts as the figures, grouped in the database by one more column,
# so that a chart's rows add up to the figure (a record counts in the month it was received).

def dispute_figures_by_year_and_month(*, township, years, as_of, months=ALL_MONTHS):
    """{(year, month): DisputeFigures} of the disputes received in each month of `years` (consecutive; in the months
    `months`), as they stood on `as_of`: one query. Months without disputes have no entry."""
    disputes = _disputes_received(townships=[township], years=years, as_of=as_of, months=months)
    rows = disputes.annotate(year=ExtractYear("received_on"), month=ExtractMonth("received_on")).values(
        "year", "month").annotate(**dispute_counts(as_of=as_of)).order_by()
    return {(row.pop("year"), row.pop("month")): DisputeFigures(**row) for row in rows}


def dispute_figures_by_month(*, township, year, as_of, months=ALL_MONTHS):
    """{month: DisputeFigures} of the disputes received in each month, as they stood on `as_of`: one query."""
    counts = dispute_figures_by_year_and_month(township=township, years=[year], as_of=as_of, months=months)
    return {month: figures for (_, month), figures in counts.items()}


def ticket_figures_by_year_and_month(*, township, years, as_of, months=ALL_MONTHS):
    """{(year, month): (TicketFigures, {Satisfaction: number})} of the tickets received in each month (local time)
    of `years` (consecutive; in the months `months`), as they stood at the end of `as_of`, with the 回访 results of
    those closed by then (see `survey_result_counts`): one query. Months without tickets have no entry."""
    tickets = _tickets_received(townships=[township], years=years, as_of=as_of, months=months)
    rows = tickets.annotate(year=ExtractYear("received_at"), month=ExtractMonth("received_at")).values(
        "year", "month").annotate(**ticket_counts(today=as_of, as_of=as_of), **survey_result_counts(as_of=as_of))
    figures = {}
    for row in rows.order_by():
        key = row.pop("year"), row.pop("month")
        results = survey_results({name: row.pop(name) for name in survey_result_counts(as_of=as_of)}, row["closed"])
        figures[key] = (TicketFigures(**row), results)
    return figures


def ticket_figures_by_month(*, township, year, as_of, months=ALL_MONTHS):
    """{month: TicketFigures} of the tickets received in each month (local time), as they stood at the end of
    `as_of`: one query."""
    counts = ticket_figures_by_year_and_month(township=township, years=[year], as_of=as_of, months=months)
    return {month: figures for (_, month), (figures, _) in counts.items()}


def dispute_counts_by_category(*, township, year, as_of, months=ALL_MONTHS):
    """[(category id, 纠纷类型, received, resolved as of `as_of`)], most received first: one query."""
    disputes = _disputes_received(townships=[township], years=[year], as_of=as_of, months=months)
    counts = dispute_counts(as_of=as_of)
    rows = disputes.values("category", "category__name", "category__order").annotate(
        received=counts["received"], resolved=counts["resolved"]).order_by("-received", "category__order")
    return [(row["category"], row["category__name"], row["received"], row["resolved"]) for row in rows]


def ticket_counts_by_subject(*, township, year, as_of, months=ALL_MONTHS):
    """[(事项分类, received, closed by the end of `as_of`)], most received first: one query."""
    tickets = _tickets_received(townships=[township], years=[year], as_of=as_of, months=months)
    counts = ticket_counts(today=as_of, as_of=as_of)
    rows = tickets.values("subject").annotate(received=counts["received"], closed=counts["closed"]).order_by(
        "-received", "subject")
    return [(row["subject"], row["received"], row["closed"]) for row in rows]


def survey_result_counts(*, as_of):
    """The Count expressions of the 回访 results of the tickets closed by the end of `as_of`, one per result but
    未回访 (`survey_results` makes it: closed − the others), as the result stood then: a 回访 recorded later counts
    as 未回访. 满意 + 基本满意 is TicketFigures' `satisfied`."""
    moment = end_of_day(as_of)
    closed_and_surveyed_by_then = Q(state=Ticket.State.CLOSED, closed_at__lte=moment) & (
        Q(surveyed_at__lte=moment) | Q(surveyed_at__isnull=True))
    return {f"survey_{result.value}": Count("pk", filter=closed_and_surveyed_by_then & Q(satisfaction=result))
            for result in Satisfaction if result != Satisfaction.NOT_SURVEYED}


def survey_results(counts, closed):
    """{Satisfaction: number} from the values of `survey_result_counts` and the number of tickets closed."""
    results = {Satisfaction(name.removeprefix("survey_")): number for name, number in counts.items()}
    return {**results, Satisfaction.NOT_SURVEYED: closed - sum(results.values())}


def ticket_counts_by_satisfaction(*, township, year, as_of, months=ALL_MONTHS):
    """{Satisfaction: number} of the tickets closed by the end of `as_of`, by their 回访 result as it stood then
    (see `survey_result_counts`): one query."""
    tickets = _tickets_received(townships=[township], years=[year], as_of=as_of, months=months)
    counts = tickets.aggregate(closed=ticket_counts(today=as_of, as_of=as_of)["closed"],
                               **survey_result_counts(as_of=as_of))
    closed = counts.pop("closed")
    return survey_results(counts, closed)


def village_record_counts(*, township, year, as_of, months=ALL_MONTHS):
    """[(village, disputes, tickets)] for every village of the township, the records received in `year` by `as_of`
    (in `months`) that name it, most records first: one query (a count subquery per kind of record). Records that
    name no village are in no row."""
    def counted(records):
        return Subquery(records.filter(village=OuterRef("pk")).order_by().values("village").annotate(
            n=Count("pk")).values("n"), output_field=IntegerField())

    scope = {"townships": [township], "years": [year], "as_of": as_of, "months": months}
    villages = Village.objects.filter(township=township).annotate(
        disputes=Coalesce(counted(_disputes_received(**scope)), 0),
        tickets=Coalesce(counted(_tickets_received(**scope)), 0),
    )
    # Sorted here: ordered by the sum in SQL, PostgreSQL counts every village's records twice.
    ranked = sorted(villages, key=lambda village: (-(village.disputes + village.tickets), village.code))
    return [(village, village.disputes, village.tickets) for village in ranked]


def _open_longer_than(*, today, days):
    return Q(state__in=Dispute.OPEN_STATES, received_on__lt=today - timedelta(days=days))


def disputes_open_longer_than(*, township, today, days):
    """Disputes still open (登记/调解中/已流转) that were received more than `days` days before `today` (the
    list's 受理已超过 filter)."""
    return dispute_queryset(township=township).filter(_open_longer_than(today=today, days=days)).order_by(
        "received_on")


def _by_township_and_year(rows, townships, years, figures_class):
    """Grouped rows as {(township id, year): figures}, zero figures for a township and year without a row."""
    counts = {(row.pop("township"), row.pop("year")): row for row in rows}
    zero = {field: 0 for field in figures_class.__dataclass_fields__}
    return {(township.pk, year): figures_class(**counts.get((township.pk, year), zero))
            for township in townships for year in years}


def _of_year(figures, year):
    return {pk: value for (pk, figures_year), value in figures.items() if figures_year == year}


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


def _counted(records):
    """The number of `records` (of one township) as a subquery."""
    return Coalesce(Subquery(records.order_by().values("township").annotate(n=Count("pk")).values("n"),
                             output_field=IntegerField()), 0)


def attention_counts(*, township, today, calendar, long_open_days):
    """{"overdue": `overdue_tickets`, "due_soon": `due_soon_tickets` (within 2 working days), "long_open":
    `disputes_open_longer_than` `long_open_days`}, each counting its list, in one query (the 工作台's cards)."""
    return Township.objects.filter(pk=township.pk).values(
        overdue=_counted(overdue_tickets(township=township, today=today)),
        due_soon=_counted(due_soon_tickets(township=township, today=today, calendar=calendar)),
        long_open=_counted(disputes_open_longer_than(township=township, today=today, days=long_open_days)),
    ).get()


def township_short_name(township):
    """西连镇 → 西连: the name case numbers carry."""
    return township.name.removesuffix("镇").removesuffix("街道")


def dispute_next_case_number(*, township, year):
    """（year）西连调字第N号 with N one above the highest serial of the township's disputes of that year (voided
    ones included: their numbers stay taken)."""
    first, last = year * (MAX_CASE_SERIAL + 1), (year + 1) * (MAX_CASE_SERIAL + 1) - 1
    highest = Dispute.objects.filter(township=township, case_sort__gte=first, case_sort__lte=last).aggregate(
        highest=Max("case_sort"))["highest"]
    serial = min((highest - first if highest is not None else 0) + 1, MAX_CASE_SERIAL)
    return f"（{year}）{township_short_name(township)}调字第{serial}号"


def dispute_years(*, township):
    return sorted({d.year for d in dispute_queryset(township=township).dates("received_on", "year")}, reverse=True)


def ticket_years(*, township):
    return sorted({d.year for d in ticket_queryset(township=township).datetimes("received_at", "year")}, reverse=True)


def _filter_common(records, filters, *, date_field, search_fields):
    if (year := filters.get("year")) is not None:
        records = records.filter(**{f"{date_field}__year": year})
    month, month_to = filters.get("month"), filters.get("month_to")
    if month_to is not None:
        records = records.filter(**{f"{date_field}__month__gte": month or 1, f"{date_field}__month__lte": month_to})
    elif month is not None:
        records = records.filter(**{f"{date_field}__month": month})
    if village := filters.get("village"):
        records = records.filter(village=village)
    if query := (filters.get("q") or "").strip():
        condition = Q()
        for name in search_fields:
            condition |= Q(**{f"{name}__icontains": query})
        records = records.filter(condition)
    return records


def dispute_filtered(*, township, filters, with_names):
    """The disputes a list (or its export) shows for the cleaned values of a DisputeFilterForm. `with_names`: whether
    the search may match the parties' names (only for the township's own people)."""
    search_fields = ["case_number", "summary", "mediator", "mediation_body"] + (["parties"] if with_names else [])
    disputes = _filter_common(
        dispute_queryset(township=township), filters, date_field="received_on", search_fields=search_fields,
    )
    state = filters.get("state")
    if state == "open":
        disputes = disputes.filter(state__in=Dispute.OPEN_STATES)
    elif state:
        disputes = disputes.filter(state=state)
    if category := filters.get("category"):
        disputes = disputes.filter(category=category)
    if days := filters.get("open_over"):
        today = timezone.localdate()
        disputes = disputes.filter(_open_longer_than(today=today, days=days))
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


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a record's 办理过程: a step, a 办理记录, an edit, or its import."""

    when: datetime
    title: str
    note: str
    who: str
    kind: str  # "step", "note", "edit", "import"
    date_only: bool = False


def _who(user):
    return str(user) if user is not None else "导入"


def _edits(record, edit_fields):
    """Audit rows of `record` that are edits through its 修改 form or an import (never a value: field names only)."""
    rows = AuditLog.objects.filter(
        object_id=str(record.pk), content_type=ContentType.objects.get_for_model(record),
        action__in=[AuditLog.Action.CREATE, AuditLog.Action.UPDATE],
    ).select_related("actor")
    labels = {f.name: str(f.verbose_name) for f in type(record)._meta.concrete_fields}
    for row in rows:
        imported = "导入批次" in row.detail
        if row.action == AuditLog.Action.CREATE:
            if imported:
                yield TimelineEntry(row.created_at, "导入", "由台账导入登记", row.username or "导入", "import")
            continue
        changed = [labels[name] for name in row.changes if name in edit_fields or imported and name in labels]
        if changed:
            yield TimelineEntry(row.created_at, "导入更新" if imported else "修改", "、".join(changed),
                                row.username, "import" if imported else "edit")


def ticket_timeline(ticket, *, edit_fields):
    """Steps, 办理记录 and edits of a ticket, in the order they happened."""
    entries = [
        TimelineEntry(s.happened_at, s.get_action_display(), s.note, _who(s.recorded_by), "step")
        for s in ticket.steps.select_related("recorded_by")
    ]
    entries += [_note_entry(n) for n in ticket.notes.select_related("recorded_by")]
    entries += [_supervision_entry(s) for s in record_supervisions(ticket)]
    entries += _edits(ticket, edit_fields)
    return sorted(entries, key=lambda e: e.when)


def dispute_timeline(dispute, *, edit_fields):
    """Steps (dated by day), 办理记录 and edits of a dispute, in the order they happened."""
    entries = [
        TimelineEntry(_day_moment(s.happened_on, s.recorded_at),
                      s.get_kind_display() if s.kind == s.Kind.CORRECTION else s.get_state_display(), s.note,
                      _who(s.recorded_by), "step", date_only=True)
        for s in dispute.steps.select_related("recorded_by")
    ]
    entries += [_note_entry(n) for n in dispute.notes.select_related("recorded_by")]
    entries += [_supervision_entry(s) for s in record_supervisions(dispute)]
    entries += _edits(dispute, edit_fields)
    return sorted(entries, key=lambda e: e.when)


def _note_entry(note):
    return TimelineEntry(note.happened_at, f"办理记录 · {note.get_kind_display()}", note.text, str(note.recorded_by),
                         "note")


def _supervision_entry(supervision):
    status = "督办中" if supervision.is_open else "已推进"
    return TimelineEntry(supervision.issued_at, f"领导督办（{status}）", f"批示：{supervision.instruction}",
                         str(supervision.issued_by), "supervision")


def _day_moment(day, recorded_at):
    """A step known by its day sorts at the time it was recorded when that was the same day, else at the day's start."""
    recorded = timezone.localtime(recorded_at)
    moment = recorded.time() if recorded.date() == day else time()
    return timezone.make_aware(datetime.combine(day, moment))


# The steps that move a record to another state (an import's step is recorded only when it moved the state).
TICKET_MOVING_ACTIONS = (TicketStep.Action.SIGN, TicketStep.Action.RETURN, TicketStep.Action.CLOSE,
                         TicketStep.Action.IMPORT)
DISPUTE_MOVING_KINDS = (DisputeStep.Kind.STATE_CHANGE, DisputeStep.Kind.IMPORT)


def _first_move_after_issue(steps):
    later = steps.filter(recorded_at__gt=OuterRef("issued_at")).order_by("recorded_at")
    return Subquery(later.values("recorded_at")[:1])


def supervisions_with_status(supervisions):
    """Annotated with `closed_at`, when the record moved on after the 督办 (its first state step since), and
    `is_open`: the record is not voided, still in the state it had then, and has no state step since (a dispute
    can come back to a state, 调解中 → 已流转 → 调解中: that moved on too). Derived from the record itself, so
    no path that moves a record (a service, an import, the admin) can leave a 督办 open by forgetting it."""
    ticket_moves = TicketStep.objects.filter(ticket=OuterRef("ticket"), action__in=TICKET_MOVING_ACTIONS)
    dispute_moves = DisputeStep.objects.filter(dispute=OuterRef("dispute"), kind__in=DISPUTE_MOVING_KINDS)
    closed_at = Coalesce(_first_move_after_issue(ticket_moves), _first_move_after_issue(dispute_moves))
    ticket_unmoved = Q(ticket__state=F("state"), ticket__voided_at__isnull=True)
    dispute_unmoved = Q(dispute__state=F("state"), dispute__voided_at__isnull=True)
    return supervisions.annotate(closed_at=closed_at).annotate(is_open=Case(
        When((ticket_unmoved | dispute_unmoved) & Q(closed_at__isnull=True), then=True), default=False,
        output_field=BooleanField(),
    )).select_related("ticket", "dispute", "issued_by")


def open_supervisions(*, township):
    """The township's 督办 whose record has not moved on yet, the latest first (the top of the 工作台)."""
    return supervisions_with_status(Supervision.objects.filter(township=township)).filter(is_open=True)


def record_supervisions(record):
    """Every 督办 of a ticket or a dispute, with its status, the latest first."""
    return supervisions_with_status(record.supervisions.all())


def dated_records(*, townships):
    """The townships' disputes and tickets with the field that dates each, for the years a dashboard offers."""
    return [(Dispute.objects.active().filter(township__in=townships), "received_on"),
            (Ticket.objects.active().filter(township__in=townships), "received_at")]
