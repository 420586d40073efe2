"""Reading ledger files by their content, and cleaning cells the way Chinese ledgers write them."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook

from xilian.ledger.reading import MAX_FILE_BYTES, FileRefused, decode_text, read_sheet
from xilian.ledger.widgets import (
    DateTimeWidget,
    DecimalWidget,
    IntegerWidget,
    TextWidget,
    mask_phone,
    parse_datetime,
    plain_text,
    village_key,
)


def xlsx_bytes(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_reads_an_xlsx_with_its_cell_types():
    sheet = read_sheet(xlsx_bytes([["工单编号", "受理时间"], [202101270001, datetime(2021, 1, 27, 14, 54)]]))
    assert sheet.rows[1] == [202101270001, datetime(2021, 1, 27, 14, 54)]
    assert list(sheet.numbered())[1][0] == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_it_reads_csv_in_every_encoding_chinese_excel_saves(encoding):
    sheet = read_sheet("工单编号,所属村（社区）\nXW1,迈谷村\n".encode(encoding))
    assert sheet.rows == [["工单编号", "所属村（社区）"], ["XW1", "迈谷村"]]


def test_short_gbk_text_is_not_mistaken_for_another_encoding():
    assert decode_text("迈谷村".encode("gbk")) == "迈谷村"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "文件是空的"),
        (b"x" * (MAX_FILE_BYTES + 1), "文件太大"),
        (b"\x00\x01\x02binary", "无法识别的文件格式"),
        (b"PK\x03\x04broken zip", "文件已损坏"),
    ],
)
def test_a_file_that_is_not_a_ledger_gets_one_clear_message(content, message):
    with pytest.raises(FileRefused, match=message):
        read_sheet(content)


def test_a_word_document_renamed_xlsx_is_named_as_such():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as docx:
        docx.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(FileRefused, match="Word 文档"):
        read_sheet(buffer.getvalue())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2021, 1, 27, 14, 54), datetime(2021, 1, 27, 14, 54)),
        (date(2021, 1, 27), datetime(2021, 1, 27)),
        (44223.5, datetime(2021, 1, 27, 12, 0)),
        ("44223", datetime(2021, 1, 27)),
        ("2021/1/27 14:54", datetime(2021, 1, 27, 14, 54)),
        ("2021/01/27 14:54:40", datetime(2021, 1, 27, 14, 54, 40)),
        ("2021-01-27", datetime(2021, 1, 27)),
        ("2021年1月27日", datetime(2021, 1, 27)),
        ("２０２１年１月２７日", datetime(2021, 1, 27)),
        ("2021.1.27", datetime(2021, 1, 27)),
        ("20210127", datetime(2021, 1, 27)),
    ],
)
def test_dates_in_every_shape_ledgers_use(value, expected):
    assert parse_datetime(value) == expected


@pytest.mark.parametrize("value", ["2021-13-05 09:00", "2021-02-30", "明天", "2021/1/27 25:00"])
def test_an_impossible_date_is_refused(value):
    with pytest.raises(ValueError, match="不是有效日期"):
        parse_datetime(value)


def test_dates_become_aware_in_china_time():
    moment = DateTimeWidget().clean("2021/1/27 14:54")
    assert moment.isoformat() == "2021-01-27T14:54:00+08:00"
    assert DateTimeWidget(date_only=True).clean("2021年1月27日") == date(2021, 1, 27)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(202101270001.0, "202101270001"), ("ＸＷ２０２１　０１", "XW2021 01"), ("  迈谷村  ", "迈谷村"), (None, "")],
)
def test_text_is_cleaned_of_full_width_and_excel_number_habits(value, expected):
    assert plain_text(value) == expected


def test_required_text_and_counts_say_what_is_wrong():
    with pytest.raises(ValueError, match="不能为空"):
        TextWidget(required=True).clean("  ")
    with pytest.raises(ValueError, match="不能为负数"):
        IntegerWidget().clean("-3")
    with pytest.raises(ValueError, match="不是数字"):
        IntegerWidget().clean("三十")
    with pytest.raises(ValueError, match="不是数字"):
        IntegerWidget().clean("nan")
    with pytest.raises(ValueError, match="应为整数"):
        IntegerWidget().clean("2.5")
    assert IntegerWidget().clean("１２０") == 120
    assert DecimalWidget().clean("2.3") == Decimal("2.3")


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("迈谷村", "迈谷村"),
        ("迈谷村委会", "迈谷村"),
        ("迈谷村民委员会", "迈谷村"),
        ("海滨社区居委会", "海滨社区"),
        ("迈谷", "迈谷村"),
    ],
)
def test_village_names_with_or_without_committee_suffix(name, key):
    assert village_key(name) == key


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13907126138", "139****6138"),
        ("139 0712 6138", "139****6138"),
        (13907126138, "139****6138"),
        ("139****6138", "139****6138"),
        ("", ""),
    ],
)
def test_phones_are_masked(phone, masked):
    assert mask_phone(phone) == masked
