from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from xilian.backups import BackupRefused, backup_create


class Command(BaseCommand):
    help = "备份数据库和上传文件、归档PDF（MEDIA_ROOT 或 S3 存储桶）到一个新目录，附每个文件的 SHA-256 清单。"

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="备份目录（新目录或空目录）")
        parser.add_argument("--database", default="default")

    def handle(self, *args, directory, database, **options):
        try:
            manifest = backup_create(directory=directory, connection=connections[database],
                                     storage=default_storage)
        except BackupRefused as refused:
            raise CommandError(str(refused)) from None
        size = sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())
        self.stdout.write(self.style.SUCCESS(
            f"已备份到 {directory}：数据库（{manifest['database']['vendor']}）和 {len(manifest['files']) - 1} 个文件，"
            f"共 {size / 1024 / 1024:.1f} MB。"
        ))
