"""The report as Word: the same words as the PDF, the same fonts by name (East-Asian faces set), A4 with the GB/T 9704
margins, page numbers "— n —" outside on odd and even pages, 署名 and 成文日期 on the right."""

import re
from functools import partial
from io import BytesIO

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from reports.docx import report_docx, signoff_right_indents
from reports.pdf import report_pdf
from tests.report_documents import SEED_PHRASES, body_text, render_demo_report

# The module-scoped renders need the test database set up, which pytest-django does for marked tests only.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seed_docx(django_db_setup, django_db_blocker):
    return docx.Document(BytesIO(render_demo_report(django_db_blocker, report_docx)))


@pytest.fixture(scope="module")
def seed_pdf_text(django_db_setup, django_db_blocker):
    return body_text(render_demo_report(django_db_blocker, partial(report_pdf)))


def _text(document):
    return re.sub(r"\s+", "", "".join(paragraph.text for paragraph in document.paragraphs))


def _east_asian_faces(paragraph):
    return [run.element.rPr.rFonts.get(qn("w:eastAsia")) for run in paragraph.runs]


def _paragraph(document, start):
    return next(paragraph for paragraph in document.paragraphs if paragraph.text.startswith(start))


def test_it_says_what_the_pdf_says(seed_docx, seed_pdf_text):
    assert _text(seed_docx) == seed_pdf_text


@pytest.mark.parametrize("phrase", SEED_PHRASES)
def test_it_quotes_the_seed_figures(seed_docx, phrase):
    assert phrase in _text(seed_docx)


def test_the_page_is_a4_with_the_text_block_37_mm_from_the_top_and_28_mm_from_the_left(seed_docx):
    section = seed_docx.sections[0]
    size = (section.page_width.mm, section.page_height.mm)
    margins = (section.top_margin.mm, section.right_margin.mm, section.bottom_margin.mm, section.left_margin.mm)
    assert [round(value, 1) for value in size + margins] == [210, 297, 37, 26, 35, 28]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert (grid.get(qn("w:type")), grid.get(qn("w:linePitch"))) == ("linesAndChars", "579")


def test_each_level_has_its_face_and_size(seed_docx):
    title = seed_docx.paragraphs[0]
    assert title.text == "西连镇2021年度法治政府建设情况报告" and title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert _east_asian_faces(title) == ["方正小标宋简体"] and title.runs[0].font.size.pt == 22
    assert _east_asian_faces(_paragraph(seed_docx, "一、推进法治政府建设")) == ["黑体"]
    assert _east_asian_faces(_paragraph(seed_docx, "（一）强化组织领导")) == ["楷体_GB2312"]
    point = _paragraph(seed_docx, "1、进一步加大各类重点对象学法力度。")
    assert point.runs[0].text == "1、进一步加大各类重点对象学法力度。"
    assert _east_asian_faces(point) == ["仿宋_GB2312", "仿宋_GB2312"]
    run_in = _paragraph(seed_docx, "（一）党政主要负责人主动谋划法治政府建设。")
    assert _east_asian_faces(run_in) == ["楷体_GB2312", "仿宋_GB2312"]
    body = seed_docx.styles["Normal"]
    assert body.font.size.pt == 16 and body.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert round(body.paragraph_format.line_spacing.pt, 2) == 28.95


def test_the_official_faces_name_their_replacements(seed_docx):
    font_table = next(part for part in seed_docx.part.package.iter_parts() if part.partname == "/word/fontTable.xml")
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in font_table.blob.decode()


def test_page_numbers_are_outside_on_odd_and_even_pages(seed_docx):
    section = seed_docx.sections[0]
    assert seed_docx.settings.odd_and_even_pages_header_footer
    for footer, alignment in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                              (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        paragraph = footer.paragraphs[0]
        assert paragraph.text == "— 1 —" and paragraph.alignment == alignment
        assert " PAGE " in [node.text for node in paragraph._p.iter(qn("w:instrText"))]
        assert paragraph.runs[0].font.size.pt == 14
    assert section.header.paragraphs[0].text == "草稿"


def test_signature_and_date_close_it_on_the_right(seed_docx):
    signature, dated = seed_docx.paragraphs[-2:]
    assert (signature.text, dated.text) == ("徐闻县西连镇人民政府", "2021年12月8日")
    assert signature.alignment == dated.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert round(signature.paragraph_format.right_indent.pt / 15.79) == 2
    assert round(dated.paragraph_format.right_indent.pt / 15.79, 1) == 3.5  # starts 2 characters right of the 署名


def test_a_date_longer_than_the_signature_ends_two_characters_in_and_pushes_the_signature_left():
    assert signoff_right_indents("徐闻县西连镇人民政府", "2021年12月8日") == (2, 3.5)
    assert signoff_right_indents("某某局", "2021年12月18日") == (8, 2)  # the date is 7 characters wide
