from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from xilian.divisions import MAX_ERRORS_SHOWN, DivisionsRefused, divisions_load, read_divisions


class Command(BaseCommand):
    help = ("从统计用区划代码文件（.csv 或 .xlsx，一个县一个文件）载入县、镇（街道）和村（社区）。"
            "可重复运行：新增的加上，改名的更新，文件中没有的保留不删。")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--county-name", default="", help="文件中没有县（区）本身那一行时，县（区）的名称")

    def handle(self, *args, file, county_name, **options):
        try:
            content = file.read_bytes()
        except OSError as problem:
            raise CommandError(f"无法读取文件 {file}：{problem.strerror}") from None
        try:
            divisions = read_divisions(content)
            with scopes_disabled():
                summary = divisions_load(divisions=divisions, county_name=county_name, source=file.name)
        except DivisionsRefused as refused:
            shown = refused.messages[:MAX_ERRORS_SHOWN]
            more = len(refused.messages) - len(shown)
            lines = ["未载入，数据库没有任何改动：", *shown, *([f"……另有{more}处问题"] if more else [])]
            raise CommandError("\n".join(lines)) from None
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"已载入 {file.name}。"))
