from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from xilian.ledger.exporting import export_ledger
from xilian.ledger.registry import ledger_kinds, resource_class
from xilian.management.townships import township_from_argument


class Command(BaseCommand):
    help = "导出台账为 .xlsx 或 .csv（与网页导出相同：电话已隐藏，公式已中和）。"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ledger_kinds())
        parser.add_argument("--township", required=True, help="镇名或9位区划代码")
        parser.add_argument("--year", type=int, help="只导出该年度的记录")
        parser.add_argument("-o", "--output", type=Path, required=True, help="输出文件（.xlsx 或 .csv）")

    def handle(self, *args, kind, township, year, output, **options):
        output = Path(output)
        file_format = output.suffix.lower().lstrip(".")
        if file_format not in ("xlsx", "csv"):
            raise CommandError("输出文件的扩展名应为 .xlsx 或 .csv。")
        township = township_from_argument(township)
        with scope(township=township):
            resource = resource_class(kind)(township)
            queryset = resource.export_queryset({"year": str(year)} if year else {})
            output.write_bytes(export_ledger(resource, queryset, file_format))
            count = queryset.count()
        self.stdout.write(f"已导出{resource.title}{count}条到 {output}")
