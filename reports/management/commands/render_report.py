from functools import partial
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from reports.docx import report_docx
from reports.models import Report
from reports.pdf import report_pdf
from reports.selectors import report_charts, report_figures, report_get
from xilian.management.townships import township_from_argument


def _pdf(report, figures, *, archival=False):
    return report_pdf(report, figures, archival=archival, charts=report_charts(report=report))


RENDERERS = {
    "pdf": _pdf,
    "pdfa": partial(_pdf, archival=True),
    "docx": report_docx,
}


class Command(BaseCommand):
    help = "把一个镇的年度报告输出为 PDF、PDF/A-2b（归档用）或 Word（.docx）文件（未归档的标有“草稿”）。"

    def add_arguments(self, parser):
        parser.add_argument("--township", required=True, help="镇名或9位区划代码")
        parser.add_argument("--year", type=int, required=True, help="报告年度，如 2021")
        parser.add_argument("--format", choices=RENDERERS, default="pdf", help="pdf（默认）、pdfa 或 docx")
        parser.add_argument("-o", "--output", type=Path, required=True, help="输出文件")

    def handle(self, *args, township, year, format, output, **options):
        township = township_from_argument(township)
        with scope(township=township):
            try:
                report = report_get(township=township, year=year)
            except Report.DoesNotExist:
                raise CommandError(f"{township.name}没有{year}年度报告。") from None
            content = RENDERERS[format](report, report_figures(report=report))
        Path(output).write_bytes(content)
        self.stdout.write(f"已输出{report.title}（{report.get_state_display()}）到 {output}")
