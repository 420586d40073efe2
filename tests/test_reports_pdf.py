"""The report's PDF: the seed's words and figures in it, the GB/T 9704-2012 grid measured from the PDF itself, fonts
embedded and subset, 草稿 until archived, PDF/A-2b for the archive, charts drawn as vectors, and a renderer that
fetches nothing but the portal's own static files."""

import re
from collections import Counter
from datetime import date
from functools import partial
from io import BytesIO, StringIO

import pikepdf
import pytest
from django.core.management import call_command
from django_scopes import scope

from disputes.models import Dispute
from reports.figures import township_figures
from reports.models import Report
from reports.pdf import PRINT_BASE_URL, StaticFilesOnlyFetcher, report_pdf
from reports.selectors import report_figures, report_get
from tests.report_documents import (
    CHART_CAPTION,
    CHART_SVG,
    SEED_PHRASES,
    TEXT_BLOCK,
    body_lines,
    body_text,
    pdf_lines,
    render_demo_report,
)
from xilian.records import record_void

# The module-scoped renders need the test database set up, which pytest-django does for marked tests only.
pytestmark = pytest.mark.django_db

CHARACTER = TEXT_BLOCK["width"] / 28  # mm: one character of the grid
LINE_PITCH = TEXT_BLOCK["height"] / 22
TEXT_BLOCK_RIGHT = TEXT_BLOCK["left"] + TEXT_BLOCK["width"]
TEXT_BLOCK_BOTTOM = TEXT_BLOCK["top"] + TEXT_BLOCK["height"]


@pytest.fixture(scope="module")
def seed_pdf(django_db_setup, django_db_blocker):
    """西连镇's 2021 demo report (a 草稿) with a chart, rendered once for the module."""
    return render_demo_report(django_db_blocker, partial(report_pdf, charts=[(CHART_CAPTION, CHART_SVG)]))


@pytest.fixture(scope="module")
def seed_pages(seed_pdf):
    return pdf_lines(seed_pdf)


@pytest.fixture(scope="module")
def archived_pdfa(django_db_setup, django_db_blocker):
    def archive(report):
        report.state = Report.State.ARCHIVED

    return render_demo_report(django_db_blocker, partial(report_pdf, archival=True), change=archive)


def full_lines(pages):
    """Body lines (16 pt) that start at the left edge of the text block and are all CJK characters: a line that
    the grid fills, unless it ends a paragraph or wraps before a character that may not start a line."""
    return [line for page in pages for line in body_lines(page)
            if line.size == 16 and abs(line.x0 - TEXT_BLOCK["left"]) < 0.5
            and not any(character.isascii() for character in line.text)]


def body_16pt(page):
    return [line for line in body_lines(page) if line.size == 16]


# The words

@pytest.mark.parametrize("phrase", [*SEED_PHRASES, "徐闻县西连镇人民政府2021年12月8日"])
def test_it_says_the_seed_figures_where_the_seed_says_them_and_is_signed_and_dated(seed_pdf, phrase):
    assert phrase in body_text(seed_pdf)


def test_the_text_extracts_as_chinese_from_title_to_date(seed_pdf):
    text = body_text(seed_pdf)
    assert text.startswith("西连镇2021年度法治政府建设情况报告在县委、县政府的坚强领导下")
    assert text.endswith("感受到法治进步带来的变化和成果。徐闻县西连镇人民政府2021年12月8日")


# Fonts

def test_every_font_is_embedded_and_subset(seed_pdf):
    fonts = _fonts(seed_pdf)
    assert len(fonts) >= 3  # 仿宋-style body, 黑体-style 一、, 楷体-style （一）
    for name, descriptor in fonts.items():
        assert re.fullmatch(r"[A-Z]{6}\+.+", name), name
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), name


def test_each_heading_level_has_its_face(seed_pages):
    lines = {line.text: line for page in seed_pages for line in page}
    faces = {
        "一、推进法治政府建设的主要举措和成效": "Noto-Sans-CJK-SC",  # 黑体
        "（一）强化组织领导，深入推进依法行政工作": "AR-PL-UKai-CN",  # 楷体
        "西连镇2021年度法治政府建设情况报告": "Noto-Serif-CJK-SC-Bold",  # 小标宋
    }
    for text, face in faces.items():
        assert {font.split("+")[1] for font in lines[text].fonts} == {face}, text
    paragraph = next(line for text, line in lines.items() if text.startswith("西连镇党委、政府将法治政府建设"))
    assert {font.split("+")[1] for font in paragraph.fonts} == {"Noto-Serif-CJK-SC"}  # 仿宋, for want of it


def test_title_is_22_pt_and_centred_and_the_body_16_pt(seed_pages):
    title = seed_pages[0][1]
    assert (title.text, title.size) == ("西连镇2021年度法治政府建设情况报告", 22)
    assert abs((title.x0 + title.x1) / 2 - (TEXT_BLOCK["left"] + TEXT_BLOCK["width"] / 2)) < 1
    sizes = Counter(line.size for page in seed_pages for line in body_lines(page))
    assert sizes.most_common(1)[0][0] == 16


# The grid, measured

def test_the_text_block_starts_28_mm_from_the_left_and_37_mm_from_the_top(seed_pages):
    for page in seed_pages[1:]:
        first = body_16pt(page)[0]
        if first.text == CHART_CAPTION:  # the page starts with the chart, whose caption is its eighth line
            continue
        assert abs(first.box_top(LINE_PITCH) - TEXT_BLOCK["top"]) < 1, first.text
    left_edges = Counter(round(line.x0) for page in seed_pages for line in body_16pt(page))
    assert left_edges.most_common(1)[0][0] == TEXT_BLOCK["left"]
    # a paragraph's first line is indented two characters
    indented = next(line for line in body_16pt(seed_pages[0]) if line.text.startswith("在县委"))
    assert abs(indented.x0 - (TEXT_BLOCK["left"] + 2 * CHARACTER)) < 0.5


def test_a_full_line_holds_28_characters_across_the_156_mm_block(seed_pages):
    lines = full_lines(seed_pages)
    counts = Counter(len(line.text) for line in lines)
    assert max(counts) == 28 and counts.most_common(1)[0][0] == 28
    for line in lines:
        assert line.x1 < TEXT_BLOCK_RIGHT + 0.2, line.text
        if len(line.text) == 28:
            assert abs(line.x1 - TEXT_BLOCK_RIGHT) < 0.5, line.text


def test_a_full_page_holds_22_lines_225_mm_over_22_apart(seed_pages):
    lines_per_page = [len(body_16pt(page)) for page in seed_pages]
    assert max(lines_per_page) == 22 and lines_per_page.count(22) >= 2, lines_per_page
    for page in seed_pages:
        # Every line box on a grid line, whatever its face: a line that grew taller would shift all below it. (The
        # line of a long run-in 楷体 heading shows only its own face, whose box is up to 0.06 mm off the body's.)
        for line in body_16pt(page):
            grid_lines = (line.box_top(LINE_PITCH) - TEXT_BLOCK["top"]) / LINE_PITCH
            assert abs(grid_lines - round(grid_lines)) * LINE_PITCH < 0.1, line.text
            assert 0 <= round(grid_lines) < 22


def test_page_numbers_sit_7_mm_below_the_text_block_odd_right_even_left_one_character_in(seed_pages):
    assert len(seed_pages) >= 4
    for number, page in enumerate(seed_pages, start=1):
        page_number = page[-1]
        assert (page_number.text, page_number.size) == (f"— {number} —", 14)
        assert abs(page_number.em_top - (TEXT_BLOCK_BOTTOM + 7)) < 1
        if number % 2:
            assert abs(page_number.x1 - (TEXT_BLOCK_RIGHT - CHARACTER)) < 1
        else:
            assert abs(page_number.x0 - (TEXT_BLOCK["left"] + CHARACTER)) < 1


def test_the_signature_stands_two_characters_from_the_right_and_the_date_two_right_of_its_start(seed_pages):
    lines = body_16pt(seed_pages[-1])
    body, signature, dated = lines[-3:]
    assert (signature.text, dated.text) == ("徐闻县西连镇人民政府", "2021年12月8日")
    assert abs(signature.x1 - (TEXT_BLOCK_RIGHT - 2 * CHARACTER)) < 1
    assert abs(dated.x0 - (signature.x0 + 2 * CHARACTER)) < 1
    assert abs(signature.baseline - body.baseline - 2 * LINE_PITCH) < 0.1  # one blank line between


def test_no_heading_ends_a_page(seed_pages):
    for page in seed_pages[:-1]:
        last = body_16pt(page)[-1]
        assert not re.match(r"[一二三四五]、|（[一二三四五六七八九十]+）", last.text) or len(last.text) > 28, last.text


# 草稿 and the archive

def test_a_draft_says_so_on_every_page_above_the_text_block(seed_pages):
    for page in seed_pages:
        mark = page[0]
        assert mark.text == "草稿" and mark.baseline < TEXT_BLOCK["top"]


def test_an_archived_report_is_not_marked_draft(archived_pdfa):
    for page in pdf_lines(archived_pdfa):
        assert all(line.text != "草稿" for line in page)


def test_the_archival_copy_is_pdf_a_2b_with_its_metadata_icc_profile_and_embedded_fonts(archived_pdfa):
    # veraPDF is not available here, so the archival copy is checked by what PDF/A-2b requires of it: the XMP
    # identification, an output intent with an ICC profile, and every font embedded.
    with pikepdf.open(BytesIO(archived_pdfa)) as pdf:
        with pdf.open_metadata() as xmp:
            assert (xmp["pdfaid:part"], xmp["pdfaid:conformance"]) == ("2", "B")
            assert xmp["dc:title"] == "西连镇2021年度法治政府建设情况报告"
            assert xmp["dc:creator"] == ["徐闻县西连镇人民政府"]
        assert str(pdf.Root.Lang) == "zh-CN"
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFA1"
        profile = intent.DestOutputProfile.read_bytes()
        assert profile[36:40] == b"acsp" and intent.DestOutputProfile.N == 3  # an RGB ICC profile
        assert pdf.pdf_version == "1.7"
    for name, descriptor in _fonts(archived_pdfa).items():
        assert any(key in descriptor for key in ("/FontFile2", "/FontFile3")), name


# Charts

def test_a_chart_is_drawn_after_part_one_as_vectors_with_its_chinese_text(seed_pdf):
    text = body_text(seed_pdf)
    chart = text.index(CHART_CAPTION)
    assert text.index("稳定风险发挥积极作用。") < text.index("每月受理纠纷") < chart
    assert chart < text.index("二、推进法治政府建设存在的不足和原因")
    assert "一月" in text and "二月" in text
    assert _images(seed_pdf) == []


# Fetching nothing

@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/x.png",
    "https://example.com/static/reports/print.css",
    "file:///etc/passwd",
    f"{PRINT_BASE_URL}etc/passwd",
    f"{PRINT_BASE_URL}static/../../../etc/passwd",
    f"{PRINT_BASE_URL}static/%2e%2e/%2e%2e/etc/passwd",
    f"{PRINT_BASE_URL}static/reports/no-such-file.css",
    "ftp://example.com/x",
])
def test_the_fetcher_refuses_anything_but_the_portals_static_files(url):
    with pytest.raises(ValueError, match="refused"):
        StaticFilesOnlyFetcher().fetch(url)


def test_the_fetcher_serves_the_print_stylesheet_from_the_static_files_and_data_uris():
    stylesheet = StaticFilesOnlyFetcher().fetch(f"{PRINT_BASE_URL}static/reports/print.css")
    assert b"@page" in stylesheet.read() and stylesheet.content_type == "text/css"
    assert StaticFilesOnlyFetcher().fetch("data:text/plain;base64,5Lit5paH").read() == "中文".encode()


def test_urls_a_clerk_typed_are_neither_fetched_nor_drawn(demo, monkeypatch):
    fetched = []
    fetch = StaticFilesOnlyFetcher.fetch
    monkeypatch.setattr(StaticFilesOnlyFetcher, "fetch", lambda self, url, headers=None: (
        fetched.append(url), fetch(self, url, headers))[1])
    typed = ('<img src="http://127.0.0.1:9/x.png"><link rel="stylesheet" href="file:///etc/passwd">'
             '<style>@import url(http://127.0.0.1:9/a.css);</style>')
    with scope(township=demo.xilian):
        report = Report.objects.create(township=demo.xilian, year=2021, dated_on=date(2021, 12, 8), intro=typed)
        content = report_pdf(report, report_figures(report=report))
    assert fetched == [f"{PRINT_BASE_URL}static/reports/print.css"]
    assert _images(content) == []
    text = body_text(content)
    assert '<img src="http://127.0.0.1:9/x.png">' in text and "root:" not in text


# The figures are the records'

@pytest.fixture
def loaded_demo(demo, monkeypatch, settings):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "Demo#2021x")
    call_command("load_demo", stdout=StringIO())
    return demo


def _rendered_text(township, year=2021):
    with scope(township=township):
        report = report_get(township=township, year=year)
        return body_text(report_pdf(report, report_figures(report=report)))


def _void_an_open_dispute(demo):
    with scope(township=demo.xilian):
        dispute = Dispute.objects.active().filter(
            received_on__year=2021, received_on__lte=date(2021, 12, 8), resolved_on__isnull=True,
        ).first()
        record_void(township=demo.xilian, user=demo.users["xilian_staff"], instance=dispute, reason="重复登记",
                    loaded_version=dispute.version)


def test_voiding_a_dispute_moves_a_drafts_figures(loaded_demo):
    _void_an_open_dispute(loaded_demo)
    assert "各类纠纷117宗，截至目前已办结106宗，化解率91%，剩余11宗正在办理" in _rendered_text(loaded_demo.xilian)


def test_a_submitted_reports_figures_do_not_move(loaded_demo):
    with scope(township=loaded_demo.xilian):
        report = report_get(township=loaded_demo.xilian, year=2021)
        report.frozen_figures = township_figures(township=report.township, year=2021,
                                                 as_of=report.figures_date).frozen()
        report.state = Report.State.SUBMITTED
        report.save()
    _void_an_open_dispute(loaded_demo)
    assert "各类纠纷118宗，截至目前已办结106宗，化解率90%，剩余12宗正在办理" in _rendered_text(loaded_demo.xilian)


def _fonts(content):
    """{font name: its descriptor} of every font the PDF draws with."""
    with pikepdf.open(BytesIO(content)) as pdf:
        return {
            str(item.FontName).lstrip("/"): set(item.keys())
            for item in pdf.objects
            if isinstance(item, pikepdf.Dictionary) and item.get("/Type") == "/FontDescriptor"
        }


def _images(content):
    """The raster images in the PDF (a chart must have none: it is drawn as vectors)."""
    with pikepdf.open(BytesIO(content)) as pdf:
        return [item for item in pdf.objects
                if isinstance(item, pikepdf.Stream) and item.get("/Subtype") == "/Image"]

