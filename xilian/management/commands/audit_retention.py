import datetime

from django.core.management.base import BaseCommand, CommandError

from xilian.audit_retention import (
    MINIMUM_RETENTION_DAYS,
    RetentionRefused,
    audit_export_and_remove,
    earliest_removable_before,
)


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期 {value!r} 无效，请写成 2026-05-01 的形式。") from None


class Command(BaseCommand):
    help = (f"把某日之前的审计日志导出为 JSON Lines 文件；该日期在 {MINIMUM_RETENTION_DAYS} 天以前时"
            "（网络安全法：日志留存不少于六个月），导出后从数据库中清理。每次运行都记入审计日志"
            "（条数、时间范围、文件的 SHA-256）。")

    def add_arguments(self, parser):
        parser.add_argument("--export", required=True, metavar="FILE", help="导出文件（不能已存在）")
        parser.add_argument("--before", required=True, metavar="DATE", help="此日期（不含）之前的日志，如 2026-05-01")

    def handle(self, *args, export, before, **options):
        before = _date(before)
        try:
            result = audit_export_and_remove(before=before, path=export)
        except RetentionRefused as refused:
            raise CommandError(str(refused)) from None
        span = f"（{result.first:%Y-%m-%d %H:%M} 至 {result.last:%Y-%m-%d %H:%M}）" if result.exported else ""
        self.stdout.write(f"已导出 {result.exported} 条审计日志{span}到 {export}，SHA-256 {result.sha256}。")
        if result.removed:
            self.stdout.write(self.style.SUCCESS(f"已从数据库清理这 {result.removed} 条，并记入审计日志。"))
        elif before > earliest_removable_before():
            self.stdout.write(f"未清理：日志至少保留 {MINIMUM_RETENTION_DAYS} 天，"
                              f"只能清理 {earliest_removable_before():%Y-%m-%d} 及以前的日期之前的日志。")
