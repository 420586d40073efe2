"""Stand-in until the Word renderer is merged: the report's text as python-docx paragraphs, nothing more."""

from io import BytesIO

from django.utils.html import strip_tags
from docx import Document

from reports.rendering import report_html


def report_docx(report, figures):
    document = Document()
    for line in strip_tags(report_html(report, figures)).splitlines():
        if line.strip():
            document.add_paragraph(line.strip())
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
