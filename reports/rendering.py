"""The report as HTML: the five parts with their numbering generated from order, and the figures the text refers to
written in from the records.

A body refers to a figure by its key in double braces, `{{disputes_received}}` → "118宗" (number and unit, or a
whole percent for a rate); `{{studies:number}}` writes the number alone, for wording such as "16余次"."""

import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from reports.models import Part

FIGURE_TOKEN = re.compile(r"\{\{([^{}\n]{1,60})\}\}")
NUMBER_ONLY = ":number"
# A whole number, or a percent; not part of a longer number, a decimal or a date ("12月16日", "2021-12-16").
TYPED_NUMBER = re.compile(r"(?<![\d.\-])\d+(?:\.\d+)?(%|％)?(?![\d.\-年月日号])")
RUN_IN_ENDINGS = ("。", "；", "：")
CHINESE_DIGITS = "零一二三四五六七八九"


def figure_text(figure, *, unit=True):
    """A figure as the report writes it: "118宗", a rate as a whole percent rounded half up ("90%"), "—" when
    there is nothing to count or divide. `unit=False`: the number alone ("16", "90")."""
    if figure.value is None:
        return "—"
    if figure.unit == "%":
        percent = (Decimal(str(figure.value)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return f"{percent}%" if unit else str(percent)
    return f"{figure.value}{figure.unit}" if unit else str(figure.value)


def typed_numbers_matching_figures(body, figures):
    """The figures whose value the body types as a plain number instead of referring to it ("118宗" typed where
    `{{disputes_received}}` belongs); a rate matches its whole percent typed with a "%"."""
    typed_counts, typed_percents = set(), set()
    for match in TYPED_NUMBER.finditer(FIGURE_TOKEN.sub(" ", body)):
        (typed_percents if match.group(1) else typed_counts).add(match.group(0).rstrip("%％"))
    return [
        figure for figure in figures.values()
        if figure.value is not None and figure_text(figure, unit=False) in (
            typed_percents if figure.unit == "%" else typed_counts
        )
    ]


def chinese_numeral(number):
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (numbering never goes past 99)."""
    tens, units = divmod(number, 10)
    if not tens:
        return CHINESE_DIGITS[units]
    return f"{'' if tens == 1 else CHINESE_DIGITS[tens]}十{CHINESE_DIGITS[units] if units else ''}"


def chinese_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def text_with_figures(text, figures):
    """Escaped text with its figure references written in; an unknown reference shows as 【未知指标：…】."""

    def replace(match):
        key = match.group(1).strip()
        with_unit = not key.endswith(NUMBER_ONLY)
        figure = figures.get(key if with_unit else key.removesuffix(NUMBER_ONLY))
        if figure is None:
            return f"【未知指标：{key}】"
        return format_html('<span class="report-figure" title="{}">{}</span>', figure.label,
                           figure_text(figure, unit=with_unit))

    return FIGURE_TOKEN.sub(replace, escape(text))


def report_html(report, figures, *, after_part=None, unsaved=None):
    """The whole report as an HTML fragment: title, intro, the parts, then 署名 and 成文日期 right-aligned.
    `after_part` ({part: safe HTML}) closes a part with more content, such as the PDF's charts after part 一.
    `unsaved` is a section as the editor holds it, not saved: it stands in for the stored one, or, new (no pk), comes
    last in its part or sub-part; its text is wrapped in `<div class="report-unsaved">` for the editor to find."""
    sections = _outline(report, unsaved)
    after_part = after_part or {}
    html = [format_html('<h1 class="report-title">{}</h1>', report.title)]
    html += _paragraphs(report.intro, figures)
    for part in Part:
        if sections[part] or part != Part.OTHER:  # 五 is optional: left out while it has no text
            html.append(_part_html(part, sections[part], figures, after_part.get(part, ""), unsaved))
    html.append(_signoff_html(report))
    return format_html('<article class="report">{}</article>', mark_safe("\n".join(html)))


def _signoff_html(report):
    """署名 and 成文日期 together, so that print can place the date relative to the signature (GB/T 9704)."""
    lines = [format_html('<p class="report-signature">{}</p>', report.signed_by)]
    if report.dated_on:
        lines.append(format_html('<p class="report-date">{}</p>',
                                 chinese_date(report.dated_on)))
    return format_html('<div class="report-signoff">{}</div>', mark_safe("".join(lines)))


def _outline(report, unsaved=None):
    """{part: [(sub-part, [points])]} in order, from one query, with `unsaved` in its place."""
    points = defaultdict(list)
    sub_parts = defaultdict(list)
    stored = list(report.sections.order_by("part", "position", "pk"))
    if unsaved is not None:
        stored = [unsaved if section.pk == unsaved.pk else section for section in stored]
        if unsaved.pk is None:
            stored.append(unsaved)
    for section in stored:
        if section.parent_id is None:
            sub_parts[section.part].append(section)
        else:
            points[section.parent_id].append(section)
    return {part: [(sub_part, points[sub_part.pk]) for sub_part in sub_parts[part]] for part in Part}


def _part_html(part, sub_parts, figures, after="", unsaved=None):
    html = [format_html("<h2>{}、{}</h2>", chinese_numeral(part), part.label)]
    number = 0
    for sub_part, points in sub_parts:
        if sub_part.heading:
            number += 1
            text = _numbered(f"（{chinese_numeral(number)}）", sub_part, figures, tag="h3", level="sub-part")
        else:
            text = _paragraphs(sub_part.body, figures)
        html += _marked(text) if sub_part is unsaved else text
        for point_number, point in enumerate(points, start=1):
            text = _numbered(f"{point_number}、", point, figures, tag="h4", level="point")
            html += _marked(text) if point is unsaved else text
    if after:
        html.append(after)
    return format_html('<section class="report-part">{}</section>', mark_safe("\n".join(html)))


def _marked(html):
    return [format_html('<div class="report-unsaved">{}</div>', mark_safe("\n".join(html)))]


def _numbered(number, section, figures, *, tag, level):
    """A heading that ends a sentence ("权责明确。") runs into its text, as official documents write it; any other
    heading stands on its own line. `level` ("sub-part", "point") names its face in print, also when it runs in."""
    heading = format_html('<strong class="report-heading report-{}">{}{}</strong>', level, number,
                          mark_safe(text_with_figures(section.heading, figures)))
    paragraphs = _paragraph_texts(section.body, figures)
    if section.heading.endswith(RUN_IN_ENDINGS) or not section.heading:
        first = paragraphs.pop(0) if paragraphs else ""
        return [format_html("<p>{}{}</p>", heading, mark_safe(first))] + [
            format_html("<p>{}</p>", mark_safe(text)) for text in paragraphs
        ]
    return [format_html("<{}>{}</{}>", tag, heading, tag)] + [
        format_html("<p>{}</p>", mark_safe(text)) for text in paragraphs
    ]


def _paragraph_texts(text, figures):
    return [text_with_figures(line.strip(), figures) for line in text.splitlines() if line.strip()]


def _paragraphs(text, figures):
    return [format_html("<p>{}</p>", mark_safe(paragraph)) for paragraph in _paragraph_texts(text, figures)]
