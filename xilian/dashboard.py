"""The period the 工作台 and the county overview show (a year, or months of it), and the 工作台's key figures beside
the same period of the year before. The figures come from reports.figures (the one place they are counted); this
module only picks the period and the change."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils import timezone

from disputes import selectors as dispute_selectors
from publicity import selectors as publicity_selectors
from reports.figures import ALL_MONTHS, Figure, breakdown_figures, period_breakdown
from xilian.records import years_with_records
from xilian.validators import plausible_years

# The figures a leader reads first, in the order the 工作台 shows them.
KEY_FIGURES = ("events", "studies", "disputes_received", "dispute_resolution_rate", "disputes_in_progress",
               "tickets_received", "ticket_closing_rate", "ticket_on_time_rate", "ticket_satisfaction_rate",
               "villages_without_lawyer")
MINUS = "−"


def record_years(*, townships):
    """The years in which any of the townships has a dispute, a ticket, an event or a study."""
    first, last = plausible_years()
    sources = [*dispute_selectors.dated_records(townships=townships),
               *publicity_selectors.dated_records(townships=townships)]
    return years_with_records(sources, range(first, last + 1))


def chosen_year(query, *, townships):
    """(year, years to offer): `?year=` when it is one of the offered years (those with records and the current
    one), else the current year — never the latest year with records, which lags behind on a new year's morning."""
    this_year = timezone.localdate().year
    years = sorted(record_years(townships=townships) | {this_year}, reverse=True)
    asked = query.get("year", "")
    year = int(asked) if asked.isdecimal() and int(asked) in years else this_year
    return year, years


@dataclass(frozen=True)
class Period:
    """A year, or its months `first` to `last`: the records received (or dated) in them."""

    year: int
    months: tuple = ALL_MONTHS

    @property
    def whole_year(self):
        return self.months == ALL_MONTHS

    @property
    def label(self):
        """"2026年度", or "2026年1—6月" / "2026年3月"."""
        first, last = self.months
        if self.whole_year:
            return f"{self.year}年度"
        return f"{self.year}年{first}月" if first == last else f"{self.year}年{first}—{last}月"

    @property
    def previous(self):
        return Period(self.year - 1, self.months)

    @property
    def query(self):
        """The URL query that picks this period again (?year=2026&from=1&to=6), for links a leader can send."""
        if self.whole_year:
            return urlencode({"year": self.year})
        return urlencode({"year": self.year, "from": self.months[0], "to": self.months[1]})


def _month(query, name):
    asked = query.get(name, "")
    return int(asked) if asked.isdecimal() and 1 <= int(asked) <= 12 else None


def chosen_period(query, *, townships):
    """(period, years to offer, problem): the year as `chosen_year` picks it and the months `?from=` to `?to=`
    (each 1–12; either alone means from January / to December). A range that ends before it starts, or a month
    that is not one, gives the whole year and a sentence saying why."""
    year, years = chosen_year(query, townships=townships)
    if not query.get("from") and not query.get("to"):
        return Period(year), years, ""
    first, last = _month(query, "from"), _month(query, "to")
    if (query.get("from") and first is None) or (query.get("to") and last is None):
        return Period(year), years, "月份应为1至12月，已显示全年。"
    first, last = first or 1, last or 12
    if first > last:
        return Period(year), years, f"起始月份（{first}月）晚于截止月份（{last}月），已显示全年。"
    return Period(year, (first, last)), years, ""


@dataclass(frozen=True)
class ComparedFigure:
    figure: Figure
    previous: Figure

    @property
    def change(self):
        """"+12" / "−3" for counts, "+5个百分点" for rates; "—" when either year has no rate."""
        now, before = self.figure.value, self.previous.value
        if now is None or before is None:
            return "—"
        if self.figure.unit == "%":
            points = round((now - before) * 100, 1)
            return f"{_signed(points)}个百分点"
        return _signed(now - before)


def _signed(number):
    text = f"{abs(number):g}" if isinstance(number, float) else str(abs(number))
    return f"+{text}" if number > 0 else f"{MINUS}{text}" if number < 0 else "0"


def compared(current, previous):
    return [ComparedFigure(current[key], previous[key]) for key in KEY_FIGURES]


def township_breakdown(*, township, period):
    """The disputes and tickets of `period` and of the same months of the year before, month by month as they
    stand today (reports.figures.PeriodBreakdown): counted once for the key figures and the charts."""
    return period_breakdown(township=township, years=[period.year - 1, period.year], months=period.months)


def township_key_figures(*, breakdown):
    """(the key figures of the breakdown's period, each beside the same months of the year before and the change;
    all the period's figures, by key)."""
    last_year, year = breakdown.years
    figures = breakdown_figures(breakdown)
    return compared(figures[year], figures[last_year]), figures[year]
