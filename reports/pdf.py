"""Stand-in until the GB/T 9704 renderer is merged: the report's HTML through WeasyPrint, nothing more."""

from weasyprint import HTML

from reports.models import Report
from reports.rendering import report_html


def report_pdf(report, figures, *, archival=False):
    marked = "" if report.state == Report.State.ARCHIVED else "<p>草稿</p>"
    html = f'<html lang="zh-CN"><meta charset="utf-8"><body>{marked}{report_html(report, figures)}</body></html>'
    return HTML(string=html).write_pdf(pdf_variant="pdf/a-2b" if archival else None)
