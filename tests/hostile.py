"""Hostile and broken files, generated (nothing of this kind is kept in the repository): used by the tests and by
bench/hostile_files.py."""

import io
import struct
import zipfile
import zlib

from openpyxl import Workbook

SPREADSHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
WORDPROCESSING_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def xlsx_with_far_cell(reference, header=("工单编号", "受理时间", "诉求类型", "诉求标题")):
    """A few KB: a ledger header in row 1 and one cell at `reference` (calamine would fill the rectangle)."""
    workbook = Workbook()
    workbook.active.append(list(header))
    workbook.active[reference] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_with_sheet_xml(sheet_data, extra_members=()):
    """A minimal workbook written by hand whose first sheet's <sheetData> is `sheet_data` (no <dimension>)."""
    return _zip({
        "[Content_Types].xml": office_content_types("/xl/workbook.xml", SPREADSHEET_MAIN),
        "_rels/.rels": _relationships("officeDocument", "xl/workbook.xml"),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships"><sheets><sheet name="工单" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": _relationships("worksheet", "worksheets/sheet1.xml"),
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN_NS}"><sheetData>{sheet_data}</sheetData></worksheet>',
        **dict(extra_members),
    })


def xlsx_with_huge_member(size):
    """A valid small workbook plus a member of `size` zero bytes (deflated to about a thousandth), written as a
    stream so that generating it does not hold the member in memory."""
    buffer = io.BytesIO(xlsx_with_sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>工单编号</t></is></c></row>'))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive, archive.open("xl/media/padding.bin", "w",
                                                                                       force_zip64=True) as member:
        chunk = bytes(1024 * 1024)
        for _ in range(size // len(chunk)):
            member.write(chunk)
        member.write(bytes(size % len(chunk)))
    return buffer.getvalue()


def csv_with_long_field(length):
    return ("工单编号,诉求内容\nXW1,\"" + "长" * length + "\"\n").encode()


def png_claiming(width, height):
    """A PNG of some 60 bytes whose header claims width × height pixels (one empty, compressed row)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"")) + _chunk(b"IEND", b"")


def pdf_with(catalog_extra):
    """A one-page PDF whose catalog carries `catalog_extra` (e.g. an /OpenAction running JavaScript)."""
    return (
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


JAVASCRIPT_OPEN_ACTION = b"/OpenAction << /S /JavaScript /JS (app.alert('x')) >>"


def office_content_types(main_part, main_type):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="{main_part}" ContentType="{main_type}"/></Types>'
    )


def docx_bytes(extra_members=()):
    return _zip({
        "[Content_Types].xml": office_content_types("/word/document.xml", WORDPROCESSING_MAIN),
        "_rels/.rels": _relationships("officeDocument", "word/document.xml"),
        "word/document.xml": '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>',
        **dict(extra_members),
    })


def zip_of(members):
    return _zip(dict(members))


def _relationships(kind, target):
    return (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" '
        f'Target="{target}"/></Relationships>'
    )


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
