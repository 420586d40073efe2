"""The county office's dashboard: every township's key figures of one year side by side, with its report's state
and the 全县汇总 row, sortable by any column (server-side, so a sorted link can be sent), and the same table as
xlsx. Figures come from reports.figures (county_figures, county_total); this module only arranges them."""

import io
from dataclasses import dataclass

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from reports.charts import townships_side_by_side
from reports.figures import county_figures, county_total
from reports.models import Report
from reports.selectors import NOT_STARTED, report_states

# The columns of the table, in order: the figures the county's own annual report quotes.
COUNTY_COLUMNS = ("events", "studies", "disputes_received", "disputes_resolved", "dispute_resolution_rate",
                  "disputes_in_progress", "tickets_received", "ticket_closing_rate", "ticket_on_time_rate",
                  "ticket_satisfaction_rate", "villages_with_lawyer", "villages_without_lawyer")
# The headers of the page's narrow columns (the xlsx and the tooltips carry each figure's full label).
SHORT_LABELS = {"events": "普法活动", "studies": "学法", "disputes_received": "纠纷受理", "disputes_resolved": "已化解",
                "dispute_resolution_rate": "化解率", "disputes_in_progress": "在办", "tickets_received": "工单受理",
                "ticket_closing_rate": "办结率", "ticket_on_time_rate": "按期办结率",
                "ticket_satisfaction_rate": "满意率", "villages_with_lawyer": "有驻点律师村",
                "villages_without_lawyer": "无驻点律师村"}
TOWNSHIP, REPORT = "township", "report"
SORTS = (TOWNSHIP, REPORT, *COUNTY_COLUMNS)
REPORT_ORDER = [NOT_STARTED, *Report.State.labels]


@dataclass(frozen=True)
class CountyRow:
    township: object
    figures: list  # Figure, in COUNTY_COLUMNS order
    report_state: str


@dataclass(frozen=True)
class CountyTable:
    county: object
    year: int
    as_of: object
    rows: list
    total: list  # the 全县汇总 Figures, in COUNTY_COLUMNS order
    sort: str
    direction: str  # "asc" or "desc"

    @property
    def chart_option(self):
        """The townships side by side, in the table's order (reports.charts, the one place charts are defined)."""
        return townships_side_by_side([(row.township.name, {figure.key: figure for figure in row.figures})
                                       for row in self.rows])

    @property
    def columns(self):
        """The figures of the total row stand for the columns: key, label, unit, definition."""
        return self.total


def chosen_sort(query):
    """(column, direction) from ?sort=…&dir=…; by township code, ascending, when either is not one we know."""
    sort = query.get("sort", TOWNSHIP)
    if sort not in SORTS:
        return TOWNSHIP, "asc"
    return sort, "desc" if query.get("dir") == "desc" else "asc"


def county_table(*, county, year, sort=TOWNSHIP, direction="asc"):
    """Call inside a scope that includes the county's townships."""
    as_of = timezone.localdate()
    by_township = county_figures(county=county, year=year, as_of=as_of)
    states = report_states(townships=list(by_township), year=year)
    rows = [CountyRow(township, [figures[key] for key in COUNTY_COLUMNS], states[township.pk])
            for township, figures in by_township.items()]
    total = county_total(by_township, year=year, as_of=as_of)
    return CountyTable(county, year, as_of, _sorted(rows, sort, direction), [total[key] for key in COUNTY_COLUMNS],
                       sort, direction)


def _sorted(rows, sort, direction):
    """Rows by `sort`; a rate with nothing to divide by (None) comes last either way; ties by township code."""
    def value(row):
        if sort == TOWNSHIP:
            return row.township.code
        if sort == REPORT:
            return REPORT_ORDER.index(row.report_state)
        return row.figures[COUNTY_COLUMNS.index(sort)].value

    by_code = sorted(rows, key=lambda row: row.township.code)
    known = sorted((row for row in by_code if value(row) is not None), key=value, reverse=direction == "desc")
    return known + [row for row in by_code if value(row) is None]


def county_table_xlsx(table):
    """The table as an .xlsx: a title row (year, 统计截止), the header, a row per township in the page's order,
    and the 全县汇总 row; counts as numbers, rates as percentages (an empty cell where there is no rate)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{table.year}年度各镇（街道）"
    county_name = table.county.full_name or table.county.name
    sheet.append([f"{county_name}各镇（街道）{table.year}年度法治建设主要数据（统计截止{table.as_of:%Y年%-m月%-d日}）"])
    sheet.append(["镇（街道）", "区划代码", *[_header(figure) for figure in table.columns], "年度报告"])
    for row in table.rows:
        sheet.append([row.township.name, row.township.code, *[f.value for f in row.figures], row.report_state])
    sheet.append(["全县汇总", "", *[f.value for f in table.total], ""])
    _style(sheet, table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header(figure):
    return figure.label if figure.unit == "%" else f"{figure.label}（{figure.unit}）"


def _style(sheet, table):
    last_column = len(table.columns) + 3
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_column)
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in (*sheet[2], *sheet[sheet.max_row]):
        cell.font = Font(bold=True)
    for cell in sheet[2]:
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for index, figure in enumerate(table.columns, start=3):
        if figure.unit == "%":
            for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                cell.number_format = "0.0%"
    for index in range(1, last_column + 1):
        sheet.column_dimensions[sheet.cell(row=2, column=index).column_letter].width = 14
    sheet.row_dimensions[2].height = 48
    sheet.freeze_panes = "C3"


@dataclass(frozen=True)
class Header:
    key: str
    label: str
    definition: str
    query: str  # ?year=…&sort=…&dir=… that sorts by this column (toggled when it is the current one)
    aria_sort: str  # "ascending", "descending" or "none"


def headers(table):
    """The sortable column headers: 镇（街道）, each figure, 年度报告. A figure column sorts largest first on
    its first click; the current column toggles."""
    columns = [(TOWNSHIP, "镇（街道）", "")]
    columns += [(f.key, SHORT_LABELS[f.key], f"{f.label}：{f.definition}") for f in table.columns]
    columns += [(REPORT, "年度报告", "本年度《法治政府建设情况报告》的状态。")]
    result = []
    for key, label, definition in columns:
        current = key == table.sort
        first = "asc" if key in (TOWNSHIP, REPORT) else "desc"
        direction = ("desc" if table.direction == "asc" else "asc") if current else first
        aria = {"asc": "ascending", "desc": "descending"}[table.direction] if current else "none"
        result.append(Header(key, label, definition, f"?year={table.year}&sort={key}&dir={direction}", aria))
    return result
