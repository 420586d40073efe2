"""Turning an uploaded file into rows of cells: .xlsx/.xls read with calamine, .csv decoded strictly as UTF-8
(with or without BOM) and otherwise as GB18030. The kind of file is decided by its content, not its name."""

import csv
import io
import zipfile
from dataclasses import dataclass

import python_calamine

MAX_FILE_BYTES = 20 * 1024 * 1024
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and .doc)
ZIP_SIGNATURE = b"PK\x03\x04"


class FileRefused(Exception):
    """The file as a whole cannot be read; the message is for the clerk."""


@dataclass
class Sheet:
    rows: list  # lists of cell values
    first_row_number: int = 1  # the number Excel shows for rows[0]

    def numbered(self):
        for index, cells in enumerate(self.rows):
            yield self.first_row_number + index, cells


def read_sheet(content: bytes) -> Sheet:
    if not content:
        raise FileRefused("文件是空的，请选择填好的台账文件。")
    if len(content) > MAX_FILE_BYTES:
        raise FileRefused(
            f"文件太大（{len(content) / 1024 / 1024:.1f} MB），"
            f"一次导入的文件不能超过 {MAX_FILE_BYTES // 1024 // 1024} MB，请分成几个文件导入。"
        )
    if content.startswith(ZIP_SIGNATURE):
        return _read_workbook(content, _zip_kind(content))
    if content.startswith(OLE_SIGNATURE):
        return _read_workbook(content, "xls")
    return _read_csv(content)


def _zip_kind(content):
    try:
        names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    except zipfile.BadZipFile:
        raise FileRefused("文件已损坏，无法打开。请在 Excel 中重新保存后再导入。") from None
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    if any(name.startswith("word/") for name in names):
        raise FileRefused("这是一个 Word 文档，不是 Excel 表格。请导入 .xlsx 或 .csv 格式的台账。")
    raise FileRefused("无法识别的文件格式。请导入 .xlsx 或 .csv 格式的台账。")


def _read_workbook(content, kind):
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception:  # calamine raises its own error types for every kind of broken workbook
        label = "Excel 97-2003 (.xls) 文件" if kind == "xls" else "Excel 文件"
        raise FileRefused(f"{label}已损坏或不是表格，无法读取。请在 Excel 中另存为 .xlsx 后再导入。") from None
    return Sheet(rows=rows, first_row_number=sheet.start[0] + 1 if sheet.start else 1)


def decode_text(content):
    """Strict UTF-8 first (a BOM is dropped), then GB18030 (a superset of GBK): never a guess from a few bytes."""
    if b"\x00" in content[:4096]:
        raise FileRefused("无法识别的文件格式（不是文本，也不是 Excel 表格）。请导入 .xlsx 或 .csv 格式的台账。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused("无法识别文件的文字编码。请在 Excel 中另存为“CSV UTF-8”或 .xlsx 后再导入。")


def _read_csv(content):
    text = decode_text(content)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    return Sheet(rows=list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))
