"""The figures of a township's year: the one place the annual report, the dashboards and the list totals read them
from, so that no two pages can disagree. Each figure says what it is (label, unit), how it is counted (口径, shown
to the clerk with it) and which records it counts (a link to the filtered list). The counting itself lives in the
record apps' selectors; this module names, defines and links the figures.

As of a date (a report's 统计截止日期, by default its 成文日期; without one, today): the records received in the year
up to that day, in the states they had that day, so that a report rendered again later gives the same numbers.
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from disputes import selectors as dispute_selectors
from disputes.models import Satisfaction, Ticket
from disputes.selectors import ALL_MONTHS, DisputeFigures, TicketFigures
from publicity import selectors as publicity_selectors


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str  # "场", "次", "宗", "个", or "%" for a rate
    definition: str  # 口径, in words a clerk can check against the records
    value: int | float | None  # a count, or a rate in [0, 1] (None when there is nothing to divide by)
    list_url: str  # the list of the records it counts, under /t/<code>/


@dataclass(frozen=True)
class TownshipFigures(Mapping):
    """A township's figures of `year` as of `as_of`, by key: `figures["disputes_received"]` or
    `figures.disputes_received`, in the order the report quotes them."""

    township: object  # None for a county's total (county_total)
    year: int
    as_of: date
    figures: dict
    # The counts the figures were made of (None once thawed): what county_total adds up, rates included.
    counts: dict | None = field(default=None, compare=False)
    months: tuple = ALL_MONTHS  # (first, last): the records received (dated) in those months of the year

    def __getitem__(self, key):
        return self.figures[key]

    def __iter__(self):
        return iter(self.figures)

    def __len__(self):
        return len(self.figures)

    def __getattr__(self, name):
        figures = self.__dict__.get("figures", {})
        if name in figures:
            return figures[name]
        raise AttributeError(name)

    def frozen(self):
        """The figures as JSON, to be kept with a submitted or archived report (see `thawed`)."""
        return {"year": self.year, "as_of": self.as_of.isoformat(),
                "figures": [asdict(figure) for figure in self.figures.values()]}

    @classmethod
    def thawed(cls, township, data):
        """The figures kept by `frozen`, exactly as they were: later changes to the records do not move them."""
        figures = [Figure(**fields) for fields in data["figures"]]
        return cls(township, data["year"], date.fromisoformat(data["as_of"]), {f.key: f for f in figures})


def township_figures(*, township, year, as_of=None, months=ALL_MONTHS):
    """Without `as_of`, as of today: the records as they stand, as the lists count them (a report passes its
    统计截止日期). `months` (first, last) narrows the year to the records received (or dated) in those months, for
    a dashboard's month range. Call inside a scope that includes the township (django-scopes)."""
    return _figures(townships=[township], years=[year], as_of=as_of, months=months)[township, year]


def township_figures_by_year(*, township, years, as_of=None, months=ALL_MONTHS):
    """{year: TownshipFigures} for consecutive `years` (this year and the last, for a comparison), all as of the
    same day and in the same months, in the same number of queries as one year's."""
    figures = _figures(townships=[township], years=years, as_of=as_of, months=months)
    return {year: figures[township, year] for year in years}


def county_figures(*, county, year, as_of=None):
    """{township: TownshipFigures} for every township of the county, in a fixed number of grouped queries. Call
    inside a scope that includes the county's townships."""
    townships = list(county.townships.order_by("code"))
    figures = _figures(townships=townships, years=[year], as_of=as_of)
    return {township: figures[township, year] for township in townships}


def breakdown_figures(breakdown):
    """{year: TownshipFigures} of a `PeriodBreakdown`'s township, years, months and day, the disputes' and tickets'
    counts summed from its months: the same figures as `township_figures_by_year`, in two queries (events and
    studies; villages) on top of the breakdown's two."""
    township = breakdown.township
    figures = _figures(townships=[township], years=breakdown.years, as_of=breakdown.as_of, months=breakdown.months,
                       disputes={(township.pk, year): breakdown.disputes_of(year) for year in breakdown.years},
                       tickets={(township.pk, year): breakdown.tickets_of(year) for year in breakdown.years})
    return {year: figures[township, year] for year in breakdown.years}


def _figures(*, townships, years, as_of, months=ALL_MONTHS, disputes=None, tickets=None):
    """{(township, year): TownshipFigures}: four grouped queries whatever the number of townships and years (two
    when the disputes' and tickets' {(township id, year): figures} are given)."""
    as_of = as_of or timezone.localdate()
    counts = {"years": years, "as_of": as_of, "townships": townships, "months": months}
    if disputes is None:
        disputes = dispute_selectors.dispute_figures_by_township_and_year(**counts)
    if tickets is None:
        tickets = dispute_selectors.ticket_figures_by_township_and_year(**counts)
    publicity = publicity_selectors.publicity_counts_by_township_and_year(**counts)
    coverage = publicity_selectors.lawyer_coverage_by_township(townships=townships, on_date=as_of)
    return {
        (township, year): _township_figures(township, year, as_of, {
            "events": publicity[key]["events"],
            "studies": {"studies": publicity[key]["studies"], "principal_chaired": publicity[key]["principal_chaired"]},
            "disputes": disputes[key], "tickets": tickets[key], "coverage": coverage[township.pk],
        }, months)
        for township in townships for year in years for key in [(township.pk, year)]
    }


def _township_figures(township, year, as_of, counts, months=ALL_MONTHS):
    period = _period_filters(year, months)
    return TownshipFigures(township, year, as_of, {figure.key: figure for figure in [
        *_publicity_figures(township, period, counts["events"], counts["studies"]),
        *_dispute_figures(township, period, counts["disputes"]),
        *_ticket_figures(township, period, counts["tickets"]),
        *_lawyer_figures(township, as_of, counts["coverage"]),
    ]}, counts=counts, months=months)


def county_total(figures_by_township, *, year, as_of=None):
    """全县汇总 of `county_figures`' townships: every count summed, and every rate recomputed from the summed
    numerators and denominators (化解率 = Σ化解 ÷ Σ受理), never an average of the townships' rates. Its figures
    link nowhere (township None): the records are listed per township."""
    all_counts = [figures.counts for figures in figures_by_township.values()]
    as_of = as_of or timezone.localdate()
    return _township_figures(None, year, as_of, {
        "events": sum(counts["events"] for counts in all_counts),
        "studies": _summed_dicts([counts["studies"] for counts in all_counts], ("studies", "principal_chaired")),
        "disputes": _summed_dataclasses([counts["disputes"] for counts in all_counts], DisputeFigures),
        "tickets": _summed_dataclasses([counts["tickets"] for counts in all_counts], TicketFigures),
        "coverage": _summed_dicts([counts["coverage"] for counts in all_counts], ("covered", "villages")),
    })


def _summed_dicts(dicts, keys):
    return {key: sum(d[key] for d in dicts) for key in keys}


def _summed_dataclasses(items, cls):
    return cls(**{f.name: sum(getattr(item, f.name) for item in items) for f in dataclass_fields(cls)})


def _period_filters(year, months):
    """The list filters of the year, or of its months first to last (the lists' 月份 … 至 …)."""
    if months == ALL_MONTHS:
        return {"year": year}
    first, last = months
    return {"year": year, "month": first, "month_to": last}


def _list_url(name, township, **filters):
    if township is None:
        return ""
    return f"{reverse(name, kwargs={'township': township.code})}?{urlencode(filters)}"


RECORD_LISTS = {"disputes": "disputes:dispute_list", "tickets": "disputes:ticket_list"}


def records_url(kind, *, township, year, months=ALL_MONTHS, **filters):
    """The list of the township's disputes or tickets (`kind`) received in the period, narrowed by the list's
    `filters`: the records a chart's row counts."""
    return _list_url(RECORD_LISTS[kind], township, **_period_filters(year, months), **filters)


def _publicity_figures(township, period, events, studies):
    events_url = _list_url("publicity:event_list", township, **period)
    studies_url = _list_url("publicity:study_list", township, **period)
    return [
        Figure("events", "普法活动场次", "场",
               "本年度活动日期在统计截止日期及以前的普法活动场数（已作废的不计）。", events, events_url),
        Figure("studies", "学法次数", "次",
               "本年度学习日期在统计截止日期及以前的学法记录次数（已作废的不计）。", studies["studies"], studies_url),
        Figure("principal_chaired_studies", "党政主要负责人主持学法次数", "次",
               "学法次数中，记录为“党政主要负责人主持”的次数。", studies["principal_chaired"], studies_url),
    ]


def _dispute_figures(township, period, disputes):
    def url(**filters):
        return _list_url("disputes:dispute_list", township, **period, **filters)

    return [
        Figure("disputes_received", "纠纷受理数", "宗",
               "本年度受理日期在统计截止日期及以前的矛盾纠纷宗数（已作废的不计）。", disputes.received, url()),
        Figure("disputes_resolved", "纠纷已化解数", "宗",
               "受理的纠纷中，化解日期在统计截止日期及以前的宗数（已回访结案的也计入）。", disputes.resolved, url()),
        Figure("dispute_resolution_rate", "纠纷化解率", "%",
               "化解率 = 已化解数 ÷ 受理数。", disputes.resolution_rate, url()),
        Figure("disputes_in_progress", "纠纷在办数", "宗",
               "在办数 = 受理数 − 已化解数：截至统计截止日期尚未化解的纠纷，"
               "已流转的和未化解（引导诉讼、仲裁）的也计入。",
               disputes.not_resolved, url(state="open")),
    ]


def _ticket_figures(township, period, tickets):
    def url(**filters):
        return _list_url("disputes:ticket_list", township, **period, **filters)

    return [
        Figure("tickets_received", "工单受理数", "个",
               "本年度受理时间在统计截止日期当天结束前的12345工单个数（已作废的不计）。", tickets.received, url()),
        Figure("tickets_closed", "工单办结数", "个",
               "受理的工单中，办结时间在统计截止日期当天结束前的个数。", tickets.closed,
               url(state=Ticket.State.CLOSED.value)),
        Figure("ticket_closing_rate", "工单办结率", "%",
               "办结率 = 已办结数 ÷（受理数 − 退单数）；退单数为截至统计截止日期已退回平台的工单。",
               tickets.closing_rate, url()),
        Figure("ticket_on_time_rate", "按期办结率", "%",
               f"{TicketFigures.ON_TIME_RATE_DEFINITION}按统计截止日期当天的办理情况计算。",
               tickets.on_time_rate, url()),
        Figure("ticket_satisfaction_rate", "满意率", "%",
               f"{TicketFigures.SATISFACTION_RATE_DEFINITION}回访时间在统计截止日期以后的不计。",
               tickets.satisfaction_rate, url()),
    ]


def _lawyer_figures(township, as_of, coverage):
    url = _list_url("publicity:lawyer_list", township, on=as_of.isoformat())
    return [
        Figure("villages_with_lawyer", "配有驻点律师的村（社区）数", "个",
               "统计截止日期当天有驻点律师（驻点期间包含该日，已作废的不计）的本镇村（社区）数。",
               coverage["covered"], url),
        Figure("villages", "村（社区）总数", "个", "本镇的村（社区）总数。", coverage["villages"], url),
        Figure("villages_without_lawyer", "未配驻点律师的村（社区）数", "个",
               "村（社区）总数 − 配有驻点律师的村（社区）数（统计截止日期当天）。",
               coverage["villages"] - coverage["covered"], url),
    ]


# The breakdowns behind the charts: the figures' own counts grouped by one more column in the database (month,
# category, village, 回访 result), so that a chart's rows add up to the figure it splits.

def month_range(months):
    first, last = months
    return range(first, last + 1)


ZERO_DISPUTES = DisputeFigures(*([0] * len(DisputeFigures.__dataclass_fields__)))
ZERO_TICKETS = TicketFigures(*([0] * len(TicketFigures.__dataclass_fields__)))
SURVEY_ORDER = (*[s for s in Satisfaction if s != Satisfaction.NOT_SURVEYED], Satisfaction.NOT_SURVEYED)


@dataclass(frozen=True)
class PeriodBreakdown:
    """A township's disputes and tickets received in the months `months` of `years` (consecutive), counted month by
    month as they stood on `as_of`, in two grouped queries (`period_breakdown`). The 工作台 computes it once for
    the period and the year before and reads from the same rows the key figures (the months summed:
    `breakdown_figures`), the monthly charts and the 回访 chart."""

    township: object
    years: tuple
    as_of: date
    months: tuple
    disputes: dict  # {(year, month): DisputeFigures}
    tickets: dict  # {(year, month): (TicketFigures, {Satisfaction: number})}

    def dispute_months(self, year):
        """[(month, DisputeFigures)] for each month of the period; a month without disputes has zeros."""
        return [(month, self.disputes.get((year, month), ZERO_DISPUTES)) for month in month_range(self.months)]

    def ticket_months(self, year):
        """[(month, TicketFigures)] for each month of the period; a month without tickets has zeros."""
        return [(month, self.tickets[year, month][0] if (year, month) in self.tickets else ZERO_TICKETS)
                for month in month_range(self.months)]

    def disputes_of(self, year):
        return _summed_dataclasses([figures for _, figures in self.dispute_months(year)], DisputeFigures)

    def tickets_of(self, year):
        return _summed_dataclasses([figures for _, figures in self.ticket_months(year)], TicketFigures)

    def survey_results(self, year):
        """[(回访结果, tickets)] of the tickets closed, every result in its fixed order (未回访 last)."""
        months = [results for (row_year, _), (_, results) in self.tickets.items() if row_year == year]
        return [(result, sum(results[result] for results in months)) for result in SURVEY_ORDER]


def period_breakdown(*, township, years, as_of=None, months=ALL_MONTHS):
    """The `PeriodBreakdown` of the township's `years` (consecutive) in `months`, as of `as_of` (today by
    default): two queries. Call inside a scope that includes the township."""
    as_of = as_of or timezone.localdate()
    counts = {"township": township, "years": years, "as_of": as_of, "months": months}
    return PeriodBreakdown(township, tuple(years), as_of, months,
                           dispute_selectors.dispute_figures_by_year_and_month(**counts),
                           dispute_selectors.ticket_figures_by_year_and_month(**counts))


def dispute_months(*, township, year, as_of=None, months=ALL_MONTHS):
    """[(month, DisputeFigures)] for each month of `months`: the disputes received in that month as they stood on
    `as_of` (today by default); a month without disputes has zeros."""
    as_of = as_of or timezone.localdate()
    counts = dispute_selectors.dispute_figures_by_month(township=township, year=year, as_of=as_of, months=months)
    return [(month, counts.get(month, ZERO_DISPUTES)) for month in month_range(months)]


def ticket_months(*, township, year, as_of=None, months=ALL_MONTHS):
    """[(month, TicketFigures)] for each month of `months`: the tickets received in that month as they stood at the
    end of `as_of`."""
    as_of = as_of or timezone.localdate()
    counts = dispute_selectors.ticket_figures_by_month(township=township, year=year, as_of=as_of, months=months)
    return [(month, counts.get(month, ZERO_TICKETS)) for month in month_range(months)]


def dispute_categories(*, township, year, as_of=None, months=ALL_MONTHS):
    """[(category id, 纠纷类型, received, resolved)], most received first."""
    return dispute_selectors.dispute_counts_by_category(
        township=township, year=year, as_of=as_of or timezone.localdate(), months=months)


def ticket_subjects(*, township, year, as_of=None, months=ALL_MONTHS):
    """[(事项分类, received, closed)], most received first."""
    return dispute_selectors.ticket_counts_by_subject(
        township=township, year=year, as_of=as_of or timezone.localdate(), months=months)


def village_records(*, township, year, as_of=None, months=ALL_MONTHS):
    """[(village, disputes, tickets)] for every village, most records first."""
    return dispute_selectors.village_record_counts(
        township=township, year=year, as_of=as_of or timezone.localdate(), months=months)


def ticket_survey_results(*, township, year, as_of=None, months=ALL_MONTHS):
    """[(回访结果, tickets)] of the closed tickets, every result in its fixed order (未回访 last)."""
    counts = dispute_selectors.ticket_counts_by_satisfaction(
        township=township, year=year, as_of=as_of or timezone.localdate(), months=months)
    return [(result, counts[result]) for result in SURVEY_ORDER]
