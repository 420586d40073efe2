"""Backups of the database and of every file in the file storage (uploads, imported files, archived report PDFs;
MEDIA_ROOT or an S3 bucket, read and written only through Django's storage API), and their restore (the backup and
restore commands).

A backup is a directory: the database (PostgreSQL: pg_dump's custom format; SQLite: a copy made with SQLite's
online backup API, consistent while the portal runs), the stored files under media/ by their storage names, and
manifest.json with the SHA-256 of every file, the migrations applied and the time. Restore checks every hash before
it touches anything, and writes back only the files the manifest lists."""

import hashlib
import json
import os
import posixpath
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path, PurePosixPath

from django.core.files import File
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
FORMAT = 1


class BackupRefused(Exception):
    """The backup cannot be made or restored; the message says why, in Chinese."""


def file_sha256(path):
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


# Making a backup

def backup_create(*, directory, connection, storage):
    """Write a backup of `connection`'s database and of every file in `storage` into `directory` (new or empty)."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupRefused(f"目录 {directory} 不是空的：请为每次备份指定一个新目录。")
    directory.mkdir(parents=True, exist_ok=True)
    database_file = DATABASE_FILES.get(connection.vendor)
    if database_file is None:
        raise BackupRefused(f"不支持备份 {connection.vendor} 数据库（只支持 PostgreSQL 和 SQLite）。")
    if connection.vendor == "postgresql":
        _pg_dump(connection.settings_dict, directory / database_file)
    else:
        _sqlite_copy(connection, directory / database_file)
    media_files = _copy_media(storage, directory / MEDIA)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": {"vendor": connection.vendor, "file": database_file},
        "migrations": applied_migrations(connection),
        "files": {name: file_sha256(directory / name) for name in [database_file, *media_files]},
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def applied_migrations(connection):
    applied = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _pg_dump(settings_dict, target):
    _run_pg(["pg_dump", "--format=custom", f"--file={target}", settings_dict["NAME"]], settings_dict, "备份")


def _sqlite_copy(connection, target):
    connection.ensure_connection()
    with closing(sqlite3.connect(target)) as copy:
        connection.connection.backup(copy)


def _copy_media(storage, target):
    """Every file in the storage, copied under target by its storage name; their paths relative to the backup."""
    copied = []
    for name in storage_names(storage):
        destination = target.joinpath(*PurePosixPath(name).parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as source, open(destination, "wb") as copy:
            shutil.copyfileobj(source, copy)
        copied.append(posixpath.join(MEDIA, name))
    return copied


def storage_names(storage, folder=""):
    """The name of every file in the storage, folder by folder (in S3 a folder is only a prefix of the names)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # MEDIA_ROOT not made yet: nothing was ever stored
        return []
    names = [posixpath.join(folder, name) for name in sorted(files)]
    for subfolder in sorted(folders):
        names += storage_names(storage, posixpath.join(folder, subfolder))
    return names


# Restoring one

def backup_verify(*, directory):
    """The manifest, once every file it lists is there with its SHA-256 (BackupRefused otherwise)."""
    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        files, database_file = manifest["files"], manifest["database"]["file"]
    except (OSError, ValueError, KeyError, TypeError):
        raise BackupRefused(f"{directory} 中没有可读的备份清单 {MANIFEST}，不是本系统的备份，未恢复。") from None
    if database_file not in files or not all(_safe_relative(name) for name in files):
        raise BackupRefused("备份清单被改动过（文件路径不合规），未恢复。")
    for name, expected in files.items():
        path = directory / name
        if not path.is_file():
            raise BackupRefused(f"备份不完整：缺少文件 {name}，未恢复。")
        if file_sha256(path) != expected:
            raise BackupRefused(f"备份已损坏或被篡改：文件 {name} 的 SHA-256 与清单不符，未恢复。")
    return manifest


def _safe_relative(name):
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and bool(path.parts)


def backup_restore(*, directory, settings_dict, vendor, storage):
    """Verify the backup, then restore its database into the database `settings_dict` names (PostgreSQL:
    pg_restore --clean --if-exists in one transaction; SQLite: the file's pages replaced through the backup API)
    and write its files back into `storage` under their names (files the backup does not have are left alone)."""
    directory = Path(directory)
    manifest = backup_verify(directory=directory)
    _check_restorable(manifest, vendor)
    database_file = directory / manifest["database"]["file"]
    if vendor == "postgresql":
        _run_pg(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction",
                 f"--dbname={settings_dict['NAME']}", str(database_file)], settings_dict, "恢复")
    else:
        with closing(sqlite3.connect(database_file)) as source, closing(sqlite3.connect(settings_dict["NAME"])) as db:
            source.backup(db)
    _restore_media(directory, manifest, storage)
    return manifest


def _check_restorable(manifest, vendor):
    if manifest["database"]["vendor"] != vendor:
        raise BackupRefused(f"这是 {manifest['database']['vendor']} 数据库的备份，不能恢复到 {vendor} 数据库。")
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = [f"{app}.{name}" for app, names in manifest.get("migrations", {}).items() for name in names
               if (app, name) not in known]
    if unknown:
        raise BackupRefused(f"备份来自较新版本的程序（有本程序没有的迁移：{'、'.join(unknown[:5])}），"
                            "请先升级程序再恢复。")


def _restore_media(directory, manifest, storage):
    for name in manifest["files"]:
        path = PurePosixPath(name)
        if path.parts[0] == MEDIA and len(path.parts) > 1:
            stored_name = str(PurePosixPath(*path.parts[1:]))
            if storage.exists(stored_name):  # the backup's bytes replace the file, under the same name
                storage.delete(stored_name)
            with open(directory / name, "rb") as copy:
                saved = storage.save(stored_name, File(copy))
            if saved != stored_name:
                raise BackupRefused(f"文件 {stored_name} 无法按原名恢复（存储改名为 {saved}），恢复未完成。")


def _run_pg(command, settings_dict, doing):
    """Run a PostgreSQL client with the connection settings in its environment (never a password on the command
    line, where `ps` shows it)."""
    env = {**os.environ, **{variable: str(settings_dict[key]) for variable, key in
                            [("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")]
                            if settings_dict.get(key)}}
    if settings_dict.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = settings_dict["OPTIONS"]["sslmode"]
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupRefused(f"找不到 {command[0]}：请安装 PostgreSQL 客户端（postgresql-client）。") from None
    if result.returncode != 0:
        raise BackupRefused(f"{doing}数据库失败（{command[0]}）：{result.stderr.strip()[-2000:]}")
