"""Turning an uploaded file into rows of cells: .xlsx/.xls read with calamine, .csv decoded strictly as UTF-8
(with or without BOM) and otherwise as GB18030. The kind of file is decided by its content, not its name.

calamine fills the whole rectangle from A1 to the farthest cell (about 30 bytes a cell), so a 5 KB workbook with one
cell at XFD1048576 would take many gigabytes: the extent of every sheet is measured from its XML before calamine
reads a cell (see measure_workbook). Rows are then handed out one at a time (a county's year is 200,000 of them):
never all at once as Python lists."""

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import python_calamine

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
# A county's year is about 200,000 rows of some 20 columns; no real ledger comes near these.
MAX_ROWS = 500_000
MAX_COLUMNS = 200
MAX_CELLS = 10_000_000
MAX_DELIMITERS_PER_ROW = 100 * MAX_COLUMNS
SHEET_TOO_BIG = (
    f"表格超出可导入的范围：一个台账最多 {MAX_ROWS:,} 行、{MAX_COLUMNS} 列"
    f"（合计不超过 {MAX_CELLS // 10_000} 万个单元格）。请删除远处多余的行、列或单元格后再导入，或分成几个文件导入。"
)
CORRUPT_WORKBOOK = "文件已损坏，无法打开。请在 Excel 中重新保存后再导入。"
CSV_FIELD_TOO_LONG = (
    f"文件中有一个单元格超过 {csv.field_size_limit():,} 个字符，不是正常的台账（常见原因：引号没有配对）。"
    "请在 Excel 中打开检查后另存为 .xlsx 再导入。"
)
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and .doc)
ZIP_SIGNATURE = b"PK\x03\x04"


class FileRefused(Exception):
    """The file as a whole cannot be read; the message is for the clerk."""


@dataclass
class Sheet:
    """A sheet whose rows (lists of cell values, the first one Excel's row 1) are read one at a time, afresh on each
    call of `source`."""

    source: Callable[[], Iterator[list]]
    height: int  # the number of rows

    def numbered(self):
        """(the row number Excel shows, cells) for each row."""
        return enumerate(self.source(), start=1)

    @property
    def rows(self):
        return list(self.source())


def read_sheet(content: bytes) -> Sheet:
    if not content:
        raise FileRefused("文件是空的，请选择填好的台账文件。")
    if len(content) > MAX_FILE_BYTES:
        raise FileRefused(
            f"文件太大（{len(content) / 1024 / 1024:.1f} MB），"
            f"一次导入的文件不能超过 {MAX_FILE_BYTES // 1024 // 1024} MB，请分成几个文件导入。"
        )
    if content.startswith(ZIP_SIGNATURE):
        return _read_workbook(content, _checked_zip_kind(content))
    if content.startswith(OLE_SIGNATURE):
        return _read_workbook(content, "xls")
    return _read_csv(content)


def _checked_zip_kind(content):
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        kind = _zip_kind(archive.namelist())
        measure_workbook(archive)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
        # RuntimeError: an encrypted member; NotImplementedError: a compression method zipfile lacks.
        raise FileRefused(CORRUPT_WORKBOOK) from None
    return kind


def _zip_kind(names):
    if "xl/workbook.bin" in names:  # .xlsb: its cells are binary records, which measure_workbook cannot measure
        raise FileRefused("不支持 Excel 二进制工作簿（.xlsb）。请在 Excel 中另存为 .xlsx 后再导入。")
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    if any(name.startswith("word/") for name in names):
        raise FileRefused("这是一个 Word 文档，不是 Excel 表格。请导入 .xlsx 或 .csv 格式的台账。")
    raise FileRefused("无法识别的文件格式。请导入 .xlsx 或 .csv 格式的台账。")


def _read_workbook(content, kind):
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0)
    except Exception:  # calamine raises its own error types for every kind of broken workbook
        label = "Excel 97-2003 (.xls) 文件" if kind == "xls" else "Excel 文件"
        raise FileRefused(f"{label}已损坏或不是表格，无法读取。请在 Excel 中另存为 .xlsx 后再导入。") from None
    # An .xls has no XML to measure first; its rectangle is at most 65,536 × 256 cells, refused here before
    # to_python turns it into Python objects.
    _check_extent(sheet.height, sheet.width)
    # iter_rows starts at row 1 (the empty rows above the first cell included) and converts a row when asked.
    return Sheet(source=sheet.iter_rows, height=(sheet.start[0] if sheet.start else 0) + sheet.height)


def _check_extent(height, width, cells=0):
    if height > MAX_ROWS or width > MAX_COLUMNS or max(height * width, cells) > MAX_CELLS:
        raise FileRefused(SHEET_TOO_BIG)


# Measuring a workbook without reading it. Every member is scanned, not only the first sheet: the relationship
# that names the first sheet could point at any member, so guessing which one calamine will read would be a hole.
# A cell or row without an `r` attribute sits one after its predecessor (calamine follows the spec), so the
# extent is bounded by the farthest reference plus the elements without one.
READ_CHUNK = 1024 * 1024
LONGEST_TAG = 1024 * 1024


def _element_patterns(name):
    """(start of any such element, such an element with an `r` reference) for `<c>` or `<row>`; `name` may carry
    a namespace prefix."""
    reference = rb"\s[^>]*?\br\s*=\s*[\"']\s*\$?([A-Za-z]*)\$?0*(\d*)"
    return re.compile(name + rb"[\s/>]"), re.compile(name + reference)


# Elements without a prefix are searched for from their literal start (fast); prefixed ones only in a part that
# has any (rare: a slower pattern).
PLAIN_CELL, PLAIN_CELL_REF = _element_patterns(rb"<c")
PLAIN_ROW, PLAIN_ROW_REF = _element_patterns(rb"<row")
PREFIXED_CELL, PREFIXED_CELL_REF = _element_patterns(rb"<[\w.-]+:c")
PREFIXED_ROW, PREFIXED_ROW_REF = _element_patterns(rb"<[\w.-]+:row")


@dataclass
class Extent:
    """At least what calamine would fill for one sheet. Only cells count (an empty row adds nothing; an empty cell
    does not either, but is counted: a sheet formatted far away is refused too). A cell without a reference sits
    after its predecessor in a row placed by its own reference or after the previous row, so when any cell lacks
    one, the rows' references, every row without one and the widest row are added."""

    farthest_row: int = 0
    farthest_column: int = 0
    farthest_row_element: int = 0
    cells: int = 0  # elements, wherever they sit: more than MAX_CELLS is no ledger either
    rows_without_ref: int = 0
    cells_without_ref: int = 0
    widest_row: int = 0  # cells in the longest row, counted only when some cells have no reference

    @property
    def height(self):
        if not self.cells_without_ref:
            return self.farthest_row
        return max(self.farthest_row, self.farthest_row_element) + self.rows_without_ref

    @property
    def width(self):
        return self.farthest_column + self.widest_row


def measure_workbook(archive):
    """Refuse (FileRefused) a workbook that unzips to more than MAX_UNZIPPED_BYTES or any of whose sheets reaches
    beyond the limits, reading the members as a stream (a megabyte at a time) and never building a cell."""
    if sum(member.file_size for member in archive.infolist()) > MAX_UNZIPPED_BYTES:
        raise FileRefused(_unzipped_too_big())
    unzipped = 0
    for member in archive.infolist():
        extent = Extent()
        for part in _tag_aligned_chunks(archive, member):
            unzipped += len(part)
            if unzipped > MAX_UNZIPPED_BYTES:
                raise FileRefused(_unzipped_too_big())
            _measure_part(part, extent)
            # Refuse as soon as a far cell or too many are seen (these only grow).
            _check_extent(extent.height, extent.farthest_column, extent.cells)
        if extent.cells_without_ref:
            extent.widest_row = _widest_row(archive, member)
        _check_extent(extent.height, extent.width)


def _unzipped_too_big():
    return f"文件解压后超过 {MAX_UNZIPPED_BYTES // 1024 // 1024} MB，不是正常的台账，无法导入。"


def _tag_aligned_chunks(archive, member):
    """The member's bytes in pieces that never split a tag: a piece ends before a `<` that has no `>` after it
    (in XML a raw `<` always starts markup). A tag still open after LONGEST_TAG is no spreadsheet's: refused."""
    carried = b""
    with archive.open(member) as stream:
        while chunk := stream.read(READ_CHUNK):
            buffer = carried + chunk
            cut = buffer.rfind(b"<")
            if cut == -1 or buffer.rfind(b">") > cut:
                cut = len(buffer)
            yield buffer[:cut]
            carried = buffer[cut:]
            if len(carried) > LONGEST_TAG:
                raise FileRefused(CORRUPT_WORKBOOK)
    if carried:
        yield carried


def _measure_part(part, extent):
    patterns = [(PLAIN_CELL, PLAIN_CELL_REF, PLAIN_ROW, PLAIN_ROW_REF)]
    if b":c" in part or b":row" in part:
        patterns.append((PREFIXED_CELL, PREFIXED_CELL_REF, PREFIXED_ROW, PREFIXED_ROW_REF))
    for cell, cell_ref, row, row_ref in patterns:
        cells, cell_refs = len(cell.findall(part)), cell_ref.findall(part)
        rows, row_refs = len(row.findall(part)), row_ref.findall(part)
        extent.cells += cells
        extent.cells_without_ref += cells - len(cell_refs)
        extent.rows_without_ref += rows - len(row_refs)
        columns = {letters for letters, _ in cell_refs}
        extent.farthest_column = max(extent.farthest_column, 0, *map(_column_number, columns))
        extent.farthest_row = max(extent.farthest_row, 0, *map(_row_number, {number for _, number in cell_refs}))
        row_numbers = {number for _, number in row_refs}
        extent.farthest_row_element = max(extent.farthest_row_element, 0, *map(_row_number, row_numbers))


def _column_number(letters):
    if len(letters) > 3:  # beyond Excel's XFD: surely too far, and no huge number to compute
        return MAX_COLUMNS + 1
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - ord("A") + 1
    return number


def _row_number(digits):
    return int(digits) if 0 < len(digits) <= 9 else (MAX_ROWS + 1 if digits else 0)


def _widest_row(archive, member):
    """The most cells in one row, for a sheet whose cells do not all carry a reference (a second pass)."""
    widest = current = 0
    for part in _tag_aligned_chunks(archive, member):
        has_prefixes = b":c" in part or b":row" in part
        pieces = (PREFIXED_ROW if has_prefixes else PLAIN_ROW).split(part)
        if has_prefixes:  # the prefixed pattern split only prefixed rows: split the pieces at plain rows too
            pieces = [piece for prefixed in pieces for piece in PLAIN_ROW.split(prefixed)]
        current += _cells_in(pieces[0], has_prefixes)
        for piece in pieces[1:]:
            widest = max(widest, current)
            current = _cells_in(piece, has_prefixes)
    return max(widest, current)


def _cells_in(text, has_prefixes):
    return len(PLAIN_CELL.findall(text)) + (len(PREFIXED_CELL.findall(text)) if has_prefixes else 0)


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
    if text.count(delimiter) + text.count("\n") > MAX_CELLS:  # bounds the cells before any row is built
        raise FileRefused(SHEET_TOO_BIG)

    def source():
        return _bounded_rows(text, delimiter)

    height = 0
    try:  # one pass keeping nothing, so every row is known to fit before any is used
        for cells in source():
            if height == MAX_ROWS or len(cells) > MAX_COLUMNS:
                raise FileRefused(SHEET_TOO_BIG)
            height += 1
    except csv.Error:  # in the default, non-strict mode the reader raises only for a field over the limit
        raise FileRefused(CSV_FIELD_TOO_LONG) from None
    return Sheet(source=source, height=height)


def _bounded_rows(text, delimiter):
    """csv.reader's rows, refusing a row before the reader builds it when the lines it is made of hold more than
    MAX_DELIMITERS_PER_ROW delimiters: one line of ten million commas would otherwise become a list of ten million
    cells. (Quoted text may hold delimiters too, hence the margin over MAX_COLUMNS.)"""
    since_last_row = 0

    def lines():
        nonlocal since_last_row
        for line in io.StringIO(text, newline=""):
            since_last_row += line.count(delimiter)
            if since_last_row > MAX_DELIMITERS_PER_ROW:
                raise FileRefused(SHEET_TOO_BIG)
            yield line

    for cells in csv.reader(lines(), delimiter=delimiter):
        since_last_row = 0
        yield cells
