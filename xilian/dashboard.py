"""The year the 工作台 and the county overview show, and the 工作台's key figures beside the year before's. The figures
come from reports.figures (the one place they are counted); this module only picks the year and the change."""

from dataclasses import dataclass

from django.utils import timezone

from disputes import selectors as dispute_selectors
from publicity import selectors as publicity_selectors
from reports.figures import Figure, township_figures_by_year
from xilian.records import years_with_records
from xilian.validators import plausible_years

# The figures a leader reads first, in the order the 工作台 shows them.
KEY_FIGURES = ("events", "studies", "disputes_received", "dispute_resolution_rate", "disputes_in_progress",
               "tickets_received", "ticket_closing_rate", "ticket_on_time_rate", "ticket_satisfaction_rate")
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


def township_key_figures(*, township, year):
    """The key figures of `year` as they stand today, each beside the year before's and the change."""
    figures = township_figures_by_year(township=township, years=[year - 1, year])
    return compared(figures[year], figures[year - 1])
