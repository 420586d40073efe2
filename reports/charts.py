"""The charts of a township's year, defined once: each is a function building an ECharts option (plain JSON
values) and the table behind it from the figures module's breakdowns. The 工作台 hands the option to ECharts in
the browser, shows the table under it and offers it as xlsx; the annual report draws the same option as SVG
(`report_charts`, through reports.chart_svg), so the dashboard and the report never disagree.

Every row counts records by the month they were received (or, for 回访, among the tickets closed), with their
states as of the cut-off: the rows of a chart add up to the figure it splits (纠纷受理数, 工单办结数…).
"""

from dataclasses import dataclass
from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from disputes.models import Satisfaction, Ticket
from reports import figures as township_figures
from reports.chart_svg import chart_svg
from reports.figures import ALL_MONTHS, records_url

# Single quotes: ECharts' SVG writes the family into a double-quoted style attribute as it is.
FONT_FAMILY = "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"
RECEIVED_COLOUR, DONE_COLOUR, THIRD_COLOUR = "#1f5fa8", "#2e9d6a", "#e0a030"
SATISFACTION_COLOURS = {
    Satisfaction.SATISFIED: "#2e9d6a", Satisfaction.FAIRLY_SATISFIED: "#8cc56e",
    Satisfaction.DISSATISFIED: "#d0463c", Satisfaction.UNREACHABLE: "#a0a7b4", Satisfaction.REFUSED: "#6c7383",
    Satisfaction.NOT_SURVEYED: "#d9dde3",
}
TOTAL = "合计"
CLOSED = Ticket.State.CLOSED.value


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    note: str  # how the numbers are counted, shown under the chart and written into the xlsx
    columns: tuple
    rows: list  # the table behind the chart, each a tuple of `columns`; a 合计 row last where the rows add up
    option: dict  # the ECharts option: JSON values only, no functions
    links: list  # for each row, for each cell, the list of the records the cell counts ("" for none)

    @property
    def table(self):
        """The rows as [(value, list URL or "")], for the page's table: a count links to the records it counts."""
        return [list(zip(row, links, strict=True)) for row, links in zip(self.rows, self.links, strict=True)]

    @property
    def option_id(self):
        """The id of the json_script element that carries the option to the browser."""
        return f"chart-{self.key}-option"

    @property
    def height(self):
        """"tall" for a bar per village or category, else "" (the CSS class sets the height)."""
        return "tall" if self.key in TALL_CHARTS else ""


def _base_option(**option):
    return {
        "textStyle": {"fontFamily": FONT_FAMILY},
        "animationDuration": 300,
        # richText: ECharts' default HTML tooltip writes style attributes, which the Content Security Policy refuses.
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}, "renderMode": "richText"},
        "legend": {"bottom": 0},
        "grid": {"left": 8, "right": 24, "top": 16, "bottom": 36, "containLabel": True},
        **option,
    }


def _labelled(values):
    """The values of bars that carry them on top, except the zeros (which would crowd the axis)."""
    return [value if value else {"value": value, "label": {"show": False}} for value in values]


def _narrow_without_labels(option):
    """On a phone the labels of two bars a month overlap: below 500 px the tooltip alone tells the values."""
    hidden = [{"label": {"show": False}} for _ in option["series"]]
    return {"baseOption": option, "media": [{"query": {"maxWidth": 500}, "option": {"series": hidden}}]}


def _bars(categories, series, *, horizontal=False, stacked=False, labelled=False):
    """A bar chart of `series` [(name, values, colour)] over `categories`; horizontal bars rank top-down; `labelled`
    bars carry their values (for print, where there is no tooltip)."""
    names = {"type": "category", "data": list(categories), "axisTick": {"alignWithLabel": True}}
    values = {"type": "value", "minInterval": 1}
    if horizontal:
        names["inverse"] = True
    # No white halo round the values: the PDF renderer ignores SVG's paint-order and would paint it over the text.
    value_label = {"show": True, "position": "top", "fontSize": 10, "textBorderColor": "transparent"}
    label = {"label": value_label} if labelled else {}
    option = _base_option(
        color=[colour for _, _, colour in series],
        xAxis=values if horizontal else names,
        yAxis=names if horizontal else values,
        series=[{"type": "bar", "name": name, "data": _labelled(data) if labelled else list(data), "barMaxWidth": 24,
                 **label, **({"stack": "total"} if stacked else {})} for name, data, _ in series],
    )
    return _narrow_without_labels(option) if labelled else option


def _with_total(rows):
    return [*rows, (TOTAL, *(sum(column) for column in list(zip(*rows, strict=True))[1:]))] if rows else []


def _linked(rows, row_links, total_links):
    """Each row's links, ("", *links) to leave its label unlinked, and the 合计 row's."""
    return [("", *links) for links in row_links] + ([("", *total_links)] if rows else [])


def disputes_by_month(*, township, year, as_of=None, months=ALL_MONTHS, breakdown=None):
    counted = breakdown.dispute_months(year) if breakdown else township_figures.dispute_months(
        township=township, year=year, as_of=as_of, months=months)
    rows = [(f"{month}月", counts.received, counts.resolved) for month, counts in counted]
    labels, received, resolved = zip(*rows, strict=True)
    links = _linked(rows, [(records_url("disputes", township=township, year=year, month=m), "")
                           for m in township_figures.month_range(months)],
                    (records_url("disputes", township=township, year=year, months=months), ""))
    return Chart("disputes-by-month", "矛盾纠纷：每月受理与化解",
                 "按受理月份统计：当月受理的纠纷数，及其中截至统计日已化解的宗数（合计即纠纷受理数、已化解数）。",
                 ("受理月份", "受理数（宗）", "其中已化解（宗）"), _with_total(rows),
                 _bars(labels, [("受理", received, RECEIVED_COLOUR), ("已化解", resolved, DONE_COLOUR)],
                       labelled=True), links)


def tickets_by_month(*, township, year, as_of=None, months=ALL_MONTHS, breakdown=None):
    counted = breakdown.ticket_months(year) if breakdown else township_figures.ticket_months(
        township=township, year=year, as_of=as_of, months=months)
    rows = [(f"{month}月", counts.received, counts.closed) for month, counts in counted]
    labels, received, closed = zip(*rows, strict=True)

    def url(**filters):
        return records_url("tickets", township=township, year=year, **filters)

    links = _linked(rows, [(url(month=m), url(month=m, state=CLOSED)) for m in township_figures.month_range(months)],
                    (url(months=months), url(months=months, state=CLOSED)))
    return Chart("tickets-by-month", "12345工单：每月受理与办结",
                 "按受理月份统计：当月受理的工单数，及其中截至统计日已办结的个数（合计即工单受理数、办结数）。",
                 ("受理月份", "受理数（个）", "其中已办结（个）"), _with_total(rows),
                 _bars(labels, [("受理", received, RECEIVED_COLOUR), ("已办结", closed, DONE_COLOUR)],
                       labelled=True), links)


def dispute_categories(*, township, year, as_of=None, months=ALL_MONTHS):
    counted = township_figures.dispute_categories(township=township, year=year, as_of=as_of, months=months)
    rows = [row[1:] for row in counted]

    def url(**filters):
        return records_url("disputes", township=township, year=year, months=months, **filters)

    links = _linked(rows, [(url(category=category), "") for category, *_ in counted], (url(), ""))
    return Chart("dispute-categories", "矛盾纠纷：按纠纷类型",
                 "所选期间受理的纠纷按纠纷类型统计，受理多的在前；已化解为截至统计日的宗数。",
                 ("纠纷类型", "受理数（宗）", "其中已化解（宗）"), _with_total(rows),
                 _bars([r[0] for r in rows], [("受理", [r[1] for r in rows], RECEIVED_COLOUR),
                                              ("已化解", [r[2] for r in rows], DONE_COLOUR)], horizontal=True), links)


def ticket_subjects(*, township, year, as_of=None, months=ALL_MONTHS):
    rows = township_figures.ticket_subjects(township=township, year=year, as_of=as_of, months=months)

    def url(**filters):
        return records_url("tickets", township=township, year=year, months=months, **filters)

    links = _linked(rows, [(url(subject=subject), url(subject=subject, state=CLOSED)) for subject, *_ in rows],
                    (url(), url(state=CLOSED)))
    return Chart("ticket-subjects", "12345工单：按事项分类",
                 "所选期间受理的工单按事项分类统计，受理多的在前；已办结为截至统计日的个数。",
                 ("事项分类", "受理数（个）", "其中已办结（个）"), _with_total(rows),
                 _bars([r[0] for r in rows], [("受理", [r[1] for r in rows], RECEIVED_COLOUR),
                                              ("已办结", [r[2] for r in rows], DONE_COLOUR)], horizontal=True), links)


def villages(*, township, year, as_of=None, months=ALL_MONTHS):
    counted = township_figures.village_records(township=township, year=year, as_of=as_of, months=months)
    rows = [(village.name, disputes, tickets, disputes + tickets) for village, disputes, tickets in counted]

    def urls(**filters):
        return tuple(records_url(kind, township=township, year=year, months=months, **filters)
                     for kind in ("disputes", "tickets"))

    links = _linked(rows, [(*urls(village=village.pk), "") for village, *_ in counted], ("", "", ""))
    return Chart("villages", "各村（社区）纠纷与工单",
                 "所选期间受理、登记了所属村（社区）的纠纷和工单，按合计从多到少排列；未填村（社区）的记录不计入。",
                 ("村（社区）", "纠纷（宗）", "工单（个）", "合计"), _with_total(rows),
                 _bars([r[0] for r in rows], [("纠纷", [r[1] for r in rows], RECEIVED_COLOUR),
                                              ("工单", [r[2] for r in rows], THIRD_COLOUR)],
                       horizontal=True, stacked=True), links)


def satisfaction(*, township, year, as_of=None, months=ALL_MONTHS, breakdown=None):
    results = breakdown.survey_results(year) if breakdown else township_figures.ticket_survey_results(
        township=township, year=year, as_of=as_of, months=months)
    rows = [(result.label, number) for result, number in results]

    def url(**filters):
        return records_url("tickets", township=township, year=year, months=months, state=CLOSED, **filters)

    links = _linked(rows, [(url(satisfaction=result.value),) for result, _ in results], (url(),))
    option = _base_option(
        tooltip={"trigger": "item", "renderMode": "richText"},
        color=[SATISFACTION_COLOURS[result] for result, _ in results],
        series=[{"type": "pie", "name": "回访结果", "radius": ["38%", "66%"], "center": ["50%", "45%"],
                 "label": {"formatter": "{b} {c}"},
                 "data": [{"name": result.label, "value": number} for result, number in results if number]}],
    )
    return Chart("satisfaction", "12345工单：回访满意度",
                 "所选期间受理、截至统计日已办结的工单按回访结果统计。满意率 =（满意 + 基本满意）÷"
                 "（满意 + 基本满意 + 不满意）；联系不上、拒绝回访和未回访的不计入。",
                 ("回访结果", "工单数（个）"), _with_total(rows), option, links)


CHARTS = {chart.__name__.replace("_", "-"): chart for chart in (
    disputes_by_month, tickets_by_month, dispute_categories, ticket_subjects, villages, satisfaction)}
TALL_CHARTS = {"dispute-categories", "ticket-subjects", "villages"}
# The charts that can read a PeriodBreakdown (reports.figures) instead of counting their own rows.
FROM_BREAKDOWN = (disputes_by_month, tickets_by_month, satisfaction)


def township_charts(*, township, year, as_of=None, months=ALL_MONTHS, breakdown=None):
    """Every chart of the township's year (or its months first to last), in the order the 工作台 shows them.
    `breakdown`: the period's PeriodBreakdown when the caller has one (its months, year and day are the charts'),
    for the monthly and the 回访 charts to read instead of three queries."""
    scope = {"township": township, "year": year, "as_of": as_of, "months": months}
    return [build(**scope, breakdown=breakdown) if build in FROM_BREAKDOWN else build(**scope)
            for build in CHARTS.values()]


def townships_side_by_side(rows):
    """The county dashboard's chart: each township's disputes received and resolved and tickets received, in the
    table's order. `rows` [(township name, {figure key: Figure})]; the table behind it is the county table itself
    (with its xlsx), so this returns the ECharts option alone."""
    names = [name for name, _ in rows]
    return _bars(names, [(label, [figures[key].value for _, figures in rows], colour) for key, label, colour in (
        ("disputes_received", "纠纷受理", RECEIVED_COLOUR), ("disputes_resolved", "纠纷已化解", DONE_COLOUR),
        ("tickets_received", "工单受理", THIRD_COLOUR))])


def report_charts(*, township, year, as_of):
    """[(caption, SVG)] for the annual report, counted as of its 统计截止日期 `as_of` (None: today, as for an undated
    draft) so that the charts agree with the report's figures: the disputes' and the tickets' months received and
    resolved / closed, through the cut-off's month. Each SVG is 640 × 300 px, vector, its text in a CJK face."""
    as_of = as_of or timezone.localdate()
    months = (1, as_of.month) if as_of.year == year else ALL_MONTHS
    cut_off = f"截至{as_of.year}年{as_of.month}月{as_of.day}日"
    breakdown = township_figures.period_breakdown(township=township, years=[year], as_of=as_of, months=months)
    charts = [disputes_by_month(township=township, year=year, months=months, breakdown=breakdown),
              tickets_by_month(township=township, year=year, months=months, breakdown=breakdown)]
    return [(f"{year}年{chart.title}（{cut_off}，按受理月份）", chart_svg(chart.option, width=640, height=300))
            for chart in charts]


def chart_xlsx(chart, *, heading):
    """The table behind `chart` as an xlsx workbook (bytes): `heading` (township and period), the table, its 口径."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = chart.title.replace("：", "-")[:31]
    sheet.append([heading])
    sheet.append([chart.title])
    sheet.append(list(chart.columns))
    for row in chart.rows:
        sheet.append(list(row))
    sheet.append([])
    sheet.append([f"口径：{chart.note}"])
    for cell in (sheet["A1"], sheet["A2"], *sheet[3]):
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 24
    for letter in "BCD":
        sheet.column_dimensions[letter].width = 16
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()
