from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from xilian.backups import BackupRefused, backup_restore, backup_verify


class Command(BaseCommand):
    help = ("从 backup 命令做的备份恢复：先核对每个文件的 SHA-256，再用备份替换数据库，"
            "并把文件写回文件存储（MEDIA_ROOT 或 S3 存储桶）。恢复前请停止网站服务。")

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="备份目录")
        parser.add_argument("--database", default="default")
        parser.add_argument("--yes", action="store_true", help="不再询问，直接替换数据库")

    def handle(self, *args, directory, database, yes, **options):
        connection = connections[database]
        try:
            backup_verify(directory=directory)  # a damaged backup is refused before anyone is asked anything
        except BackupRefused as refused:
            raise CommandError(str(refused)) from None
        question = f"将用备份替换数据库 {connection.settings_dict['NAME']} 的全部内容，确定吗？(yes/no) "
        if not yes and input(question) != "yes":
            raise CommandError("已取消，没有恢复。")
        connection.close()  # the restore writes through its own connection
        try:
            manifest = backup_restore(directory=directory, settings_dict=connection.settings_dict,
                                      vendor=connection.vendor, storage=default_storage)
        except BackupRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(self.style.SUCCESS(
            f"已恢复 {manifest['created_at']} 的备份：数据库和 {len(manifest['files']) - 1} 个文件。"
            "如果程序比备份新，请接着运行 python manage.py migrate。"
        ))
