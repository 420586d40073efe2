"""The report as a Word document in the same format as the PDF (GB/T 9704-2012, DOMAIN §2), for county offices that
paste township text into the county's own report. It prints the same HTML fragment as the PDF (reports.rendering),
so both say the same words with the same numbering. Word has no font stack: each official face is named with the
face a computer without it should use instead (the font table's altName), as Windows and WPS have them."""

from io import BytesIO

import lxml.etree
import lxml.html
from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt

from reports.models import Report
from reports.rendering import report_html

# The grid of the PDF: 22 lines of 28 characters in a 156 × 225 mm text block.
LINE_PITCH = Pt(28.95)
CHARACTER = Pt(15.79)  # 156 mm / 28
BODY_SIZE, TITLE_SIZE, PAGE_NUMBER_SIZE = Pt(16), Pt(22), Pt(14)

FANGSONG, KAITI, HEITI, XIAOBIAOSONG, SONGTI = "仿宋_GB2312", "楷体_GB2312", "黑体", "方正小标宋简体", "宋体"
# What a county office's computer has in place of the official faces it may lack.
REPLACEMENT_FACES = {FANGSONG: "仿宋", KAITI: "楷体", XIAOBIAOSONG: "宋体"}
HEADING_FACES = {"report-sub-part": KAITI, "report-point": FANGSONG}


def report_docx(report, figures):
    """The report as .docx bytes; marked 草稿 in the header until it is archived."""
    document = Document()
    _set_up_page(document, draft=report.state != Report.State.ARCHIVED)
    article = lxml.html.fragment_fromstring(str(report_html(report, figures)))
    for element in article.iter("h1", "h2", "h3", "h4", "p"):
        _add_block(document, element)
    _name_replacement_faces(document)
    output = BytesIO()
    document.save(output)
    return output.getvalue()


def _add_block(document, element):
    classes = element.classes
    if element.tag == "h1":
        paragraph = _paragraph(document, alignment=WD_ALIGN_PARAGRAPH.CENTER, first_line_indent=0)
        paragraph.paragraph_format.space_after = LINE_PITCH  # one blank line under the title
        _run(paragraph, element.text_content(), XIAOBIAOSONG, size=TITLE_SIZE, bold=True)
    elif "report-signature" in classes or "report-date" in classes:
        _add_signoff_line(document, element)
    elif element.tag == "h2":
        _run(_paragraph(document), element.text_content(), HEITI)
    else:
        paragraph = _paragraph(document)
        heading = next(iter(element.find_class("report-heading")), None)
        body_text = element.text_content()
        if heading is not None:
            heading_text = heading.text_content()
            face = next((HEADING_FACES[c] for c in heading.classes if c in HEADING_FACES), FANGSONG)
            _run(paragraph, heading_text, face)
            body_text = body_text.removeprefix(heading_text)
        if body_text:
            _run(paragraph, body_text, FANGSONG)


def _add_signoff_line(document, element):
    """署名 two characters from the right, one blank line below the body; 成文日期 on the next line, starting two
    characters right of the 署名 (or, when the date is the longer, the date two from the right and the 署名 moved
    left)."""
    signoff = element.getparent()
    signature = signoff.find_class("report-signature")[0].text_content()
    dates = signoff.find_class("report-date")
    date = dates[0].text_content() if dates else ""
    signature_right, date_right = signoff_right_indents(signature, date)
    is_signature = "report-signature" in element.classes
    paragraph = _paragraph(document, alignment=WD_ALIGN_PARAGRAPH.RIGHT, first_line_indent=0)
    paragraph.paragraph_format.right_indent = Pt(CHARACTER.pt * (signature_right if is_signature else date_right))
    if is_signature:
        paragraph.paragraph_format.space_before = LINE_PITCH
    _run(paragraph, element.text_content(), FANGSONG)


def signoff_right_indents(signature, date):
    """How many characters from the right margin the 署名 and the 成文日期 end (digits are half a character)."""
    signature_width, date_width = _width(signature), _width(date)
    if date_width + 2 > signature_width:
        return date_width + 4 - signature_width, 2
    return 2, signature_width - date_width


def _width(text):
    return sum(0.5 if character.isascii() else 1 for character in text)


def _paragraph(document, *, alignment=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line_indent=None):
    paragraph = document.add_paragraph()
    paragraph.alignment = alignment
    if first_line_indent is not None:
        paragraph.paragraph_format.first_line_indent = first_line_indent
    return paragraph


def _run(paragraph, text, face, *, size=BODY_SIZE, bold=False):
    run = paragraph.add_run(text)
    _set_face(run, face)
    run.font.size = size
    run.font.bold = bold
    return run


def _set_face(run_or_style, face):
    """The face for Latin text and, through w:eastAsia, for Chinese: Word picks the latter by script."""
    run_or_style.font.name = face
    run_fonts = run_or_style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        run_fonts.set(qn(attribute), face)


def _set_up_page(document, *, draft):
    section = document.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    # The page number's line, 14 pt high, starts 7 mm below the text block.
    section.footer_distance = Emu(Mm(35 - 7) - PAGE_NUMBER_SIZE)
    section.header_distance = Mm(15)
    _add_document_grid(section)

    normal = document.styles["Normal"]
    _set_face(normal, FANGSONG)
    normal.font.size = BODY_SIZE
    normal_format = normal.paragraph_format
    normal_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal_format.line_spacing = LINE_PITCH
    normal_format.space_before = normal_format.space_after = 0
    normal_format.first_line_indent = Pt(CHARACTER.pt * 2)
    normal_format.widow_control = True

    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, alignment=WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, alignment=WD_ALIGN_PARAGRAPH.LEFT)
    if draft:
        for header in (section.header, section.even_page_header):
            _draft_mark(header)


def _add_document_grid(section):
    """Word's document grid, which is how Word keeps 22 lines of 28 characters: charSpace is how much narrower
    (in 1/4096 pt) a grid cell is than a 16 pt character."""
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH.pt * 20)))
    grid.set(qn("w:charSpace"), str(round((CHARACTER.pt - BODY_SIZE.pt) * 4096)))


def _page_number(footer, *, alignment):
    """ "— 7 —" in 14 pt 宋体, one character in from the outer edge."""
    paragraph = footer.paragraphs[0]
    paragraph.alignment = alignment
    paragraph_format = paragraph.paragraph_format
    paragraph_format.first_line_indent = 0
    paragraph_format.line_spacing = PAGE_NUMBER_SIZE
    if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph_format.right_indent = CHARACTER
    else:
        paragraph_format.left_indent = CHARACTER
    _run(paragraph, "— ", SONGTI, size=PAGE_NUMBER_SIZE)
    _page_field(_run(paragraph, "", SONGTI, size=PAGE_NUMBER_SIZE))
    _run(paragraph, " —", SONGTI, size=PAGE_NUMBER_SIZE)


def _page_field(run):
    """A PAGE field, which Word fills in with each page's number ("1" until it lays the pages out)."""
    for kind, instruction in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif instruction == " PAGE ":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = instruction
        else:
            element = OxmlElement("w:t")
            element.text = instruction
        run._r.append(element)


def _draft_mark(header):
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = 0
    _run(paragraph, "草稿", HEITI, size=TITLE_SIZE)


def _name_replacement_faces(document):
    """Adds the official faces to the font table with their replacements as w:altName, which Word uses on a
    computer without them."""
    font_table = next(part for part in document.part.package.iter_parts()
                      if part.partname == "/word/fontTable.xml")
    fonts = lxml.etree.fromstring(font_table.blob)
    w = fonts.nsmap["w"]
    for face, replacement in REPLACEMENT_FACES.items():
        font = lxml.etree.SubElement(fonts, f"{{{w}}}font", {f"{{{w}}}name": face})
        lxml.etree.SubElement(font, f"{{{w}}}altName", {f"{{{w}}}val": replacement})
        lxml.etree.SubElement(font, f"{{{w}}}charset", {f"{{{w}}}val": "86"})  # GB2312
    font_table._blob = lxml.etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)
