"""Backups of the database and of everything under MEDIA_ROOT (uploads, imported files, archived report PDFs), and
their restore (the backup and restore commands).

A backup is a directory: the database (PostgreSQL: pg_dump's custom format; SQLite: a copy made with SQLite's
online backup API, consistent while the portal runs), the media tree under media/, and manifest.json with the
SHA-256 of every file, the migrations applied and the time. Restore checks every hash before it touches anything,
and copies only the files the manifest lists."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path, PurePosixPath

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

def backup_create(*, directory, connection, media_root):
    """Write a backup of `connection`'s database and of `media_root` into `directory` (new or empty)."""
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
    media_files = _copy_media(Path(media_root), directory / MEDIA)
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


def _copy_media(media_root, target):
    """Every regular file under media_root (links are not followed), as paths relative to the backup."""
    copied = []
    if not media_root.is_dir():
        return copied
    for folder, _subfolders, files in os.walk(media_root):
        for name in sorted(files):
            source = Path(folder) / name
            if source.is_symlink() or not source.is_file():
                continue
            relative = source.relative_to(media_root)
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / relative)
            copied.append(str(PurePosixPath(MEDIA, *relative.parts)))
    return copied


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


def backup_restore(*, directory, settings_dict, vendor, media_root):
    """Verify the backup, then restore its database into the database `settings_dict` names (PostgreSQL:
    pg_restore --clean --if-exists in one transaction; SQLite: the file's pages replaced through the backup API)
    and copy its media files into `media_root` (files the backup does not have are left alone)."""
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
    _restore_media(directory, manifest, Path(media_root))
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


def _restore_media(directory, manifest, media_root):
    for name in manifest["files"]:
        path = PurePosixPath(name)
        if path.parts[0] == MEDIA and len(path.parts) > 1:
            destination = media_root.joinpath(*path.parts[1:])
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(directory / name, destination)


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
