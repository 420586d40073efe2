"""Shared by the tests of the report's PDF and Word copies: the demo reports rendered once per test module, and the
PDF read back (its text, and where each line of it stands on the page)."""

import os
from collections import defaultdict
from dataclasses import dataclass
from io import BytesIO, StringIO
from unittest import mock

import pdfplumber
import pikepdf
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_scopes import scope, scopes_disabled

from reports.selectors import report_figures, report_get
from xilian.models import Township

MM = 72 / 25.4  # PDF points in a millimetre
TEXT_BLOCK = {"left": 28, "top": 37, "width": 156, "height": 225}  # mm, GB/T 9704-2012
SEED_PHRASES = [
    "认真组织开展系列法治宣传教育活动9场",
    "水务等法律法规16余次",
    "各类纠纷118宗，截至目前已办结106宗，化解率90%，剩余12宗正在办理",
    "12345平台受理工单94个，已全部办结，办结率100%",
    "我镇16个村（社区）均配有驻点律师",
]
# A chart as the charts module will hand it over: SVG with Chinese text.
CHART_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="280" viewBox="0 0 600 280">'
    '<text x="300" y="30" font-family="Noto Sans CJK SC" font-size="20" text-anchor="middle">每月受理纠纷</text>'
    '<rect x="80" y="80" width="60" height="160" fill="#5470c6"/>'
    '<rect x="200" y="140" width="60" height="100" fill="#5470c6"/>'
    '<text x="110" y="266" font-family="Noto Sans CJK SC" font-size="16" text-anchor="middle">一月</text>'
    '<text x="230" y="266" font-family="Noto Sans CJK SC" font-size="16" text-anchor="middle">二月</text>'
    "</svg>"
)
CHART_CAPTION = "图1 2021年每月受理的矛盾纠纷"


def render_demo_report(django_db_blocker, renderer, *, township="西连镇", year=2021, change=None):
    """Loads the demo (load_demo), renders `township`'s report with `renderer(report, figures)` and rolls it all
    back: for module-scoped fixtures, so a module renders each document once. `change(report)` may alter the
    report before it is rendered."""
    with (django_db_blocker.unblock(), override_settings(DEBUG=True),
          mock.patch.dict(os.environ, {"DEMO_PASSWORD": "Demo#2021x"}), transaction.atomic()):
        call_command("load_demo", stdout=StringIO())
        with scopes_disabled():
            township = Township.objects.get(name=township)
        with scope(township=township):
            report = report_get(township=township, year=year)
            if change:
                change(report)
            content = renderer(report, report_figures(report=report))
        transaction.set_rollback(True)
    return content


@dataclass
class Line:
    """One line of text on a page, in millimetres from the page's top left corner."""

    text: str
    x0: float
    x1: float
    baseline: float
    size: float  # pt
    faces: list  # (ascent, descent) in mm of each face on the line, as the PDF declares them
    fonts: set

    @property
    def em_top(self):
        """The top of the glyphs' em box, 0.88 em above the baseline in a CJK font."""
        return self.baseline - 0.88 * self.size / MM

    def box_top(self, line_height):
        """The top of the line box CSS lays the line out in: each face's height centred in `line_height` (mm),
        on a common baseline; the face that reaches highest sets the top."""
        return min(self.baseline - ascent - (line_height - ascent - descent) / 2 for ascent, descent in self.faces)


def pdf_lines(content):
    """[[Line, ...] for each page], top to bottom, told apart by their baselines."""
    metrics = font_metrics(content)
    pages = []
    with pdfplumber.open(BytesIO(content)) as pdf:
        for page in pdf.pages:
            rows = defaultdict(list)
            for char in page.chars:
                rows[round(page.height - char["matrix"][5], 2)].append(char)
            pages.append([
                _line(baseline, sorted(chars, key=lambda c: c["x0"]), metrics)
                for baseline, chars in sorted(rows.items())
            ])
    return pages


def _line(baseline, chars, metrics):
    size = max(round(char["size"], 1) for char in chars)
    fonts = {char["fontname"] for char in chars}
    return Line(
        text="".join(char["text"] for char in chars), x0=chars[0]["x0"] / MM, x1=chars[-1]["x1"] / MM,
        baseline=baseline / MM, size=size, fonts=fonts,
        faces=[(metrics[font][0] * size / MM, metrics[font][1] * size / MM) for font in fonts],
    )


def font_metrics(content):
    """{font name: (ascent, descent)} in em, from the fonts' descriptors."""
    with pikepdf.open(BytesIO(content)) as pdf:
        return {
            str(descriptor.FontName).lstrip("/"): (float(descriptor.Ascent) / 1000, -float(descriptor.Descent) / 1000)
            for descriptor in pdf.objects
            if isinstance(descriptor, pikepdf.Dictionary) and descriptor.get("/Type") == "/FontDescriptor"
        }


def body_lines(page_lines):
    """The lines inside the text block (not the page number below it or the 草稿 above)."""
    top, bottom = TEXT_BLOCK["top"], TEXT_BLOCK["top"] + TEXT_BLOCK["height"]
    return [line for line in page_lines if top - 1 < line.baseline < bottom + 1]


def body_text(content):
    """The text of the text blocks of all pages, lines joined without breaks: the words as a reader reads them."""
    return "".join(line.text for page in pdf_lines(content) for line in body_lines(page))
