"""Hostile and broken ledger files: refused with one message, before any cell is read, and nothing is written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_scopes import scope

from disputes.models import Ticket
from tests.hostile import (
    csv_with_long_field,
    xlsx_with_far_cell,
    xlsx_with_huge_member,
    xlsx_with_sheet_xml,
    zip_of,
)
from xilian.ledger import reading
from xilian.ledger.reading import FileRefused, read_sheet
from xilian.models import LedgerImport

pytestmark = pytest.mark.django_db

TOO_BIG = "表格超出可导入的范围：一个台账最多 500,000 行、200 列"


def _cells(count, reference=None):
    attribute = f' r="{reference}"' if reference else ""
    return f"<row{attribute}>" + "<c><v>1</v></c>" * count + "</row>"


@pytest.mark.parametrize("content", [
    pytest.param(xlsx_with_far_cell("ZZ200000"), id="one cell at ZZ200000"),
    pytest.param(xlsx_with_far_cell("XFD1048576"), id="one cell at XFD1048576"),
    pytest.param(xlsx_with_far_cell("A500001"), id="one row too many"),
    pytest.param(xlsx_with_far_cell("GS1"), id="one column too many"),
    pytest.param(xlsx_with_far_cell("GR50001"), id="within rows and columns, too many cells"),
    pytest.param(xlsx_with_sheet_xml('<x:row xmlns:x="urn:x" r="1"><x:c r="zz200000"><x:v>1</x:v></x:c></x:row>'),
                 id="prefixed elements, lower-case reference"),
    pytest.param(xlsx_with_sheet_xml(_cells(201)), id="cells without references, 201 wide"),
    pytest.param(xlsx_with_sheet_xml(_cells(1, reference="500000") + _cells(1)), id="a row without reference"),
    pytest.param(xlsx_with_sheet_xml(_cells(1, reference="500001")), id="a far row of cells without reference"),
    pytest.param(xlsx_with_sheet_xml(f'<row><c s="{"0" * 1_500_000}" r="XFD1"><v>1</v></c></row>'),
                 id="a reference behind a long attribute (read across chunks)"),
])
def test_a_sheet_beyond_the_limits_is_refused_before_calamine_reads_it(content, monkeypatch):
    monkeypatch.setattr(reading.python_calamine, "CalamineWorkbook", None)  # calamine must never be reached
    with pytest.raises(FileRefused, match=TOO_BIG):
        read_sheet(content)


def test_a_tag_longer_than_any_spreadsheet_has_is_refused_as_broken():
    with pytest.raises(FileRefused, match="文件已损坏"):
        read_sheet(xlsx_with_sheet_xml(f'<row><c s="{"0" * 3_000_000}" r="A1"><v>1</v></c></row>'))


def test_an_empty_row_far_away_adds_nothing_calamine_would_fill():
    sheet = read_sheet(xlsx_with_sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row><row r="900000" ht="20"/>'))
    assert sheet.rows == [[1.0]]


def test_a_sheet_at_the_limits_is_read():
    sheet = read_sheet(xlsx_with_sheet_xml(_cells(200, reference="1")))
    assert len(sheet.rows) == 1 and len(sheet.rows[0]) == 200


def test_a_binary_workbook_is_refused_as_it_cannot_be_measured():
    with pytest.raises(FileRefused, match=r"不支持 Excel 二进制工作簿（\.xlsb）"):
        read_sheet(zip_of({"xl/workbook.bin": b"\x83\x01\x00", "xl/worksheets/sheet1.bin": b"\x81\x01\x00"}))


def test_a_workbook_that_unzips_beyond_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(reading, "MAX_UNZIPPED_BYTES", 1024 * 1024)
    with pytest.raises(FileRefused, match="文件解压后超过 1 MB"):
        read_sheet(xlsx_with_huge_member(1024 * 1024 + 1))


def test_a_csv_field_over_the_csv_limit_is_refused():
    with pytest.raises(FileRefused, match="有一个单元格超过 131,072 个字符"):
        read_sheet(csv_with_long_field(131_073))


def test_a_csv_with_too_many_rows_is_refused():
    with pytest.raises(FileRefused, match=TOO_BIG):
        read_sheet(b"\xe5\xb7\xa5\xe5\x8d\x95\xe7\xbc\x96\xe5\x8f\xb7\n" + b"1\n" * 500_001)


def test_a_csv_with_too_many_columns_is_refused():
    with pytest.raises(FileRefused, match=TOO_BIG):
        read_sheet(",".join(["工单编号"] * 201).encode())


def test_the_command_refuses_a_far_cell_and_writes_nothing(demo, tmp_path, capsys):
    path = tmp_path / "工单.xlsx"
    path.write_bytes(xlsx_with_far_cell("XFD1048576"))
    with pytest.raises(SystemExit) as exited:
        call_command("import_records", "tickets", str(path), township="西连镇", dry_run=True)
    assert exited.value.code == 1
    assert TOO_BIG in capsys.readouterr().err
    with scope(township=demo.xilian):
        assert not Ticket.objects.exists()


@pytest.mark.parametrize(("content", "name", "message"), [
    (xlsx_with_far_cell("ZZ200000"), "工单.xlsx", TOO_BIG),
    (csv_with_long_field(200_000), "工单.csv", "有一个单元格超过 131,072 个字符"),
])
def test_the_upload_page_shows_the_message_and_keeps_nothing(client, demo, staff, content, name, message):
    client.force_login(staff)
    url = reverse("ledger_import", kwargs={"township": demo.xilian.code, "kind": "tickets"})
    page = client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True)
    assert page.status_code == 200 and message in page.content.decode()
    assert not LedgerImport.objects.exists()
    with scope(township=demo.xilian):
        assert not Ticket.objects.exists()


def test_a_csv_line_of_commas_is_refused_before_its_row_is_built():
    import tracemalloc

    content = b"," * 2_000_000  # one row of two million cells: the reader would build a list of them
    tracemalloc.start()
    try:
        with pytest.raises(FileRefused, match=TOO_BIG):
            read_sheet(content)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The text and its copies (≈ 12 MB), never the row as well (≈ 29 MB when the reader built it).
    assert peak < 20 * 1024 * 1024


def test_delimiters_inside_quoted_text_are_no_reason_to_refuse_a_row():
    remark = "，".join(["a,b"] * 1500)  # 1,500 commas inside one quoted cell
    sheet = read_sheet(f'工单编号,诉求内容\nXW1,"{remark}"\n'.encode())
    assert list(sheet.numbered())[1] == (2, ["XW1", remark])
