"""Writing a ledger out as .xlsx or .csv: the resource's export (django-import-export), a 合计 row where the
resource defines totals, and every text cell that Excel would run as a formula neutralised."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from xilian.ledger.resources import EXAMPLE_ROW_MARK
from xilian.ledger.widgets import FORMULA_TRIGGERS, ChoiceWidget, DateTimeWidget, MultiChoiceWidget, VillageWidget

TEMPLATE_LAST_ROW = 5000
OPTIONS_SHEET = "村（社区）"  # the hidden sheet listing the township's villages
EXAMPLE_FONT = Font(italic=True, color="808080")
EXAMPLE_FILL = PatternFill("solid", fgColor="EEEEEE")
DATE_FORMATS = {True: "yyyy-mm-dd", False: "yyyy-mm-dd hh:mm"}  # by DateTimeWidget.date_only
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def neutralise(value):
    """'=HYPERLINK(…)' → "'=HYPERLINK(…)": Excel shows the text and runs nothing (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def ledger_rows(resource, queryset, *, typed=False):
    """Headers and rows of the export; a resource made for a reader outside the township leaves out its private
    columns (a caller's name is for the township's own people only). `typed`: dates as date/datetime values (for
    xlsx cells), not text."""
    dataset = resource.export(queryset=queryset, typed=typed)
    shown = [
        i for i, header in enumerate(dataset.headers) if resource.private or header not in resource.private_columns
    ]
    headers = [dataset.headers[i] for i in shown]
    rows = [[neutralise(row[i]) for i in shown] for row in dataset]
    totals = resource.totals(queryset)
    if totals:
        rows.append(["合计", *[totals.get(header, "") for header in headers[1:]]])
    return headers, rows


def date_formats(resource):
    """{column name: Excel number format} of the resource's date columns."""
    return {
        f.column_name: DATE_FORMATS[f.widget.date_only]
        for f in resource.get_export_fields()
        if isinstance(f.widget, DateTimeWidget)
    }


def write_xlsx(headers, rows, title, formats=None):
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for index, header in enumerate(headers, start=1):
        if header in (formats or {}):
            _format_dates(sheet, index, formats[header])
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(10, len(header) * 2 + 4)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _format_dates(sheet, column, number_format):
    for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
        if hasattr(cell.value, "year"):
            seconds = getattr(cell.value, "second", 0)
            cell.number_format = number_format + (":ss" if seconds else "")


def write_csv(headers, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Chinese Excel read UTF-8


def export_ledger(resource, queryset, file_format):
    if file_format == "csv":
        return write_csv(*ledger_rows(resource, queryset))
    headers, rows = ledger_rows(resource, queryset, typed=True)
    return write_xlsx(headers, rows, resource.title, date_formats(resource))


def import_template(resource):
    """A blank workbook with the import headers, a drop-down for every choice column, the township's villages and
    the resource's suggested values, and one example row marked "示例：" (the importer skips it)."""
    columns = resource.columns()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{resource.title}导入模板"[:31]
    sheet.append([c.column_name for c in columns])
    _append_example_row(sheet, resource, columns)
    for index, column in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.cell(row=1, column=index).font = Font(
            bold=True, color="9B1C1C" if getattr(column.widget, "required", False) else "000000"
        )
        sheet.column_dimensions[letter].width = max(12, len(column.column_name) * 2 + 4)
        validation = _drop_down(workbook, resource, column)
        if validation is not None:
            validation.add(f"{letter}2:{letter}{TEMPLATE_LAST_ROW}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _append_example_row(sheet, resource, columns):
    values = [resource.example_row.get(c.column_name, "") for c in columns]
    values[0] = f"{EXAMPLE_ROW_MARK}：{values[0]}"
    sheet.append(values)
    for cell in sheet[2]:
        cell.font = EXAMPLE_FONT
        cell.fill = EXAMPLE_FILL


def _drop_down(workbook, resource, column):
    """The column's list: its choices (nothing else accepted), the township's villages, or suggested values
    (other text accepted after a notice, since each platform has its own)."""
    widget = column.widget
    if isinstance(widget, ChoiceWidget) and not isinstance(widget, MultiChoiceWidget):
        return DataValidation(
            type="list", formula1=_inline_list(widget.labels()), allow_blank=not widget.required,
            showErrorMessage=True, errorTitle="请从下拉列表中选择", error="请从下拉列表中选择一个可选值。",
        )
    if isinstance(widget, VillageWidget) and resource.township is not None:
        names = [village.name for village in resource.township.villages.all()]
        if not names:
            return None
        return DataValidation(
            type="list", formula1=_options_range(workbook, names), allow_blank=True,
            showErrorMessage=True, errorTitle="请从下拉列表中选择",
            error=f"请选择{resource.township.name}的村（社区）。",
        )
    suggested = resource.suggested_values.get(column.column_name)
    if suggested:
        return DataValidation(
            type="list", formula1=_inline_list(suggested), allow_blank=True, showErrorMessage=True,
            errorStyle="information", errorTitle="不在常用分类中", error="可以继续填写平台上的其他分类。",
        )
    return None


def _inline_list(labels):
    return '"' + ",".join(labels) + '"'


def _options_range(workbook, names):
    """The names as a column of a hidden sheet: an inline list is limited to 255 characters."""
    options = workbook.create_sheet(OPTIONS_SHEET)
    options.sheet_state = "hidden"
    for row, name in enumerate(names, start=1):
        options.cell(row=row, column=1, value=name)
    return f"'{OPTIONS_SHEET}'!$A$1:$A${len(names)}"
