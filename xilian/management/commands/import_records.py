import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from xilian.ledger.reading import FileRefused
from xilian.ledger.registry import ledger_kinds, resource_class
from xilian.ledger.services import ledger_import
from xilian.management.townships import township_from_argument


class Command(BaseCommand):
    help = "导入台账文件（与网页导入相同的检查；有任何错误行时不写入，退出码为1）。"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ledger_kinds())
        parser.add_argument("file", type=Path)
        parser.add_argument("--township", required=True, help="镇名或9位区划代码")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")

    def handle(self, *args, kind, file, township, dry_run, **options):
        township = township_from_argument(township)
        try:
            content = file.read_bytes()
        except OSError as problem:
            raise CommandError(f"无法读取文件 {file}：{problem.strerror}") from None
        with scope(township=township):
            resource = resource_class(kind)(township)
            try:
                report = ledger_import(resource=resource, content=content, filename=file.name, dry_run=dry_run)
            except FileRefused as refused:
                self.stderr.write(str(refused))
                sys.exit(1)
        for error in report.errors:
            self.stderr.write(str(error))
        verb = "已导入" if report.committed else "检查通过（未写入）" if report.is_clean else "未导入"
        self.stdout.write(f"{resource.title}：数据行{report.total_rows}，新增{report.new}，更新{report.updated}，"
                          f"未变{report.unchanged}，错误{len(report.errors)} —— {verb}")
        if not report.is_clean:
            sys.exit(1)
