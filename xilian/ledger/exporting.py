"""Writing a ledger out as .xlsx or .csv: the resource's export (django-import-export), a 合计 row where the
resource defines totals, and every text cell that Excel would run as a formula neutralised."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from xilian.ledger.widgets import FORMULA_TRIGGERS, ChoiceWidget, MultiChoiceWidget

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def neutralise(value):
    """'=HYPERLINK(…)' → "'=HYPERLINK(…)": Excel shows the text and runs nothing (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def ledger_rows(resource, queryset):
    """Headers and rows of the export; a resource made for a reader outside the township leaves out its private
    columns (a caller's name is for the township's own people only)."""
    dataset = resource.export(queryset=queryset)
    shown = [
        i for i, header in enumerate(dataset.headers) if resource.private or header not in resource.private_columns
    ]
    headers = [dataset.headers[i] for i in shown]
    rows = [[neutralise(row[i]) for i in shown] for row in dataset]
    totals = resource.totals(queryset)
    if totals:
        rows.append(["合计", *[totals.get(header, "") for header in headers[1:]]])
    return headers, rows


def write_xlsx(headers, rows, title):
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(10, len(header) * 2 + 4)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(headers, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Chinese Excel read UTF-8


def export_ledger(resource, queryset, file_format):
    headers, rows = ledger_rows(resource, queryset)
    if file_format == "csv":
        return write_csv(headers, rows)
    return write_xlsx(headers, rows, resource.title)


def import_template(resource):
    """A blank workbook with the import headers, a drop-down for every choice column and one example row."""
    columns = resource.columns()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{resource.title}导入模板"[:31]
    sheet.append([c.column_name for c in columns])
    sheet.append([resource.example_row.get(c.column_name, "") for c in columns])
    for index, column in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.cell(row=1, column=index).font = Font(
            bold=True, color="9B1C1C" if getattr(column.widget, "required", False) else "000000"
        )
        sheet.column_dimensions[letter].width = max(12, len(column.column_name) * 2 + 4)
        if isinstance(column.widget, ChoiceWidget) and not isinstance(column.widget, MultiChoiceWidget):
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(column.widget.labels()) + '"',
                allow_blank=not column.widget.required,
                showErrorMessage=True,
                errorTitle="请从下拉列表中选择",
                error="请从下拉列表中选择一个可选值。",
            )
            validation.add(f"{letter}2:{letter}5000")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
