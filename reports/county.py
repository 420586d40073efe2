"""The county office's view of the annual reports: every township × year, what each has filed, and how each year
stands against its deadlines (DOMAIN §1: sent by 3月1日, public by 4月1日 of the next year, per county).

A report counts as 报送 (filed with the county) once it is archived: the filed copy is what the county reads.
Everything here is read in a fixed number of queries, whatever the number of townships or years."""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from reports.models import Report, ReportArchive

YEARS_SHOWN = 3
NEAR_DAYS = 30  # within this many days of a deadline, the townships still missing it are shown as urgent


@dataclass(frozen=True)
class Deadline:
    """One duty (报送 or 公开) of one report against its due date, as of `today`."""

    verb: str
    due: date
    done_on: date | None
    today: date

    @property
    def done(self):
        return self.done_on is not None

    @property
    def days(self):
        """Days left before the due date (negative: days past it); for a done duty, days it was late (≥ 0)."""
        if self.done:
            return (self.done_on - self.due).days
        return (self.due - self.today).days

    @property
    def text(self):
        if self.done:
            return f"已按期{self.verb}" if self.days <= 0 else f"逾期{self.days}天{self.verb}"
        if self.days > 0:
            return f"还剩{self.days}天"
        if self.days == 0:
            return "今天截止"
        return f"已逾期{-self.days}天"

    @property
    def tone(self):
        """Bootstrap's colour for the state: done on time, done late, overdue, near, or still far."""
        if self.done:
            return "success" if self.days <= 0 else "warning"
        if self.days < 0:
            return "danger"
        return "warning" if self.days <= NEAR_DAYS else "secondary"


def year_deadlines(*, county, year, filed_on=None, published_on=None, today=None):
    """(报送, 公开) deadlines of the report of `year` in `county`."""
    today = today or timezone.localdate()
    submission, publication = county.report_deadlines(year)
    return (Deadline("报送", submission, filed_on, today), Deadline("公开", publication, published_on, today))


@dataclass
class ReportCell:
    """One township's report of one year: the report (None: not started) and its filed copies, latest first."""

    township: object
    year: int
    report: Report | None = None
    archives: list = field(default_factory=list)
    deadlines: tuple = ()
    # False for a past year in which no township of the county had a report in the portal (it was not in use
    # yet): its missing reports are not counted down as overdue.
    counted: bool = True

    @property
    def latest(self):
        return self.archives[0] if self.archives else None

    @property
    def earlier(self):
        return self.archives[1:]

    @property
    def filed_on(self):
        """The day the first copy was filed: a later correction does not move the filing date."""
        return timezone.localdate(self.archives[-1].archived_at) if self.archives else None

    @property
    def published_on(self):
        dates = [timezone.localdate(a.published_at) for a in self.archives if a.published_at]
        return min(dates) if dates else None

    @property
    def state_label(self):
        return self.report.get_state_display() if self.report else "未开始"


@dataclass
class YearSummary:
    year: int
    deadlines: tuple  # (报送, 公开) with nothing done: the plain countdown of the year
    cells: list
    missing: list  # townships that have not filed (archived) the year's report

    @property
    def filed_count(self):
        return len(self.cells) - len(self.missing)

    @property
    def urgency(self):
        """How loudly to show the townships still missing: the 报送 deadline's tone (danger once it passed), quiet
        for a past year nobody reported in the portal."""
        if not self.missing:
            return "success"
        return self.deadlines[0].tone if self.cells[0].counted else "secondary"


def current_report_year(*, county, today=None):
    """The year whose report the county is waiting for: last year's until its 公开 deadline has passed, then this
    year's (on 2027年3月15日 it is 2026; on 2027年4月2日, 2027)."""
    today = today or timezone.localdate()
    _, publication = county.report_deadlines(today.year - 1)
    return today.year - 1 if today <= publication else today.year


@dataclass
class CountyReportTable:
    """The chosen year and the years before it (`columns`, one YearSummary each), the same cells by township
    (`rows`), and the years on offer: those with any report in the county, and the current report year with the
    two before it."""

    year: int
    years: list
    columns: list
    rows: list

    @property
    def summary(self):
        return self.columns[0]


def county_report_table(*, county, townships, year=None, today=None):
    """The table for `year` (the current report year when it is None or not on offer), in two queries: every
    report of the townships (which also give the years on offer), and the filed copies of the years shown with
    their approvers."""
    today = today or timezone.localdate()
    townships = list(townships)
    reports = list(Report.objects.filter(township__in=townships).only("id", "township_id", "year", "state",
                                                                       "revision"))
    latest = current_report_year(county=county, today=today)
    years = sorted({r.year for r in reports} | set(range(latest - YEARS_SHOWN + 1, latest + 1)), reverse=True)
    year = year if year in years else latest
    shown = list(range(year, year - YEARS_SHOWN, -1))
    reports = {(r.township_id, r.year): r for r in reports if r.year in shown}
    archives = {}
    for archive in (
        ReportArchive.objects.filter(report__in=list(reports.values()))
        .select_related("approved_by")
        .order_by("report_id", "-revision")
    ):
        archives.setdefault(archive.report_id, []).append(archive)
    columns = []
    for column_year in shown:
        cells = []
        for township in townships:
            report = reports.get((township.pk, column_year))
            cell = ReportCell(township, column_year, report, archives.get(report.pk, []) if report else [])
            cell.deadlines = year_deadlines(county=county, year=column_year, filed_on=cell.filed_on,
                                            published_on=cell.published_on, today=today)
            cells.append(cell)
        plain = year_deadlines(county=county, year=column_year, today=today)
        if plain[0].days < 0 and not any(cell.report for cell in cells):
            for cell in cells:
                cell.counted = False
        columns.append(YearSummary(column_year, plain, cells, [cell.township for cell in cells if not cell.archives]))
    rows = [(township, [column.cells[i] for column in columns]) for i, township in enumerate(townships)]
    return CountyReportTable(year, years, columns, rows)
