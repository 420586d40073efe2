"""backup and restore: a backup of the demo's records and files, restored into a fresh database and a fresh media
folder, has the same rows in every table and the same bytes in every file. On SQLite in the normal suite, on
PostgreSQL when DATABASE_URL points at it (CI): there the backup is restored into a database of its own beside the
test database, and read through a second connection."""

import hashlib
import json
import shutil

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, connections

from xilian.backups import MANIFEST, BackupRefused, backup_create, backup_restore

pytestmark = pytest.mark.django_db(transaction=True)

ARCHIVED_PDF = "reports/440825106/2021/西连镇2021年度法治政府建设情况报告.pdf"
FILES = {
    ARCHIVED_PDF: b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n",
    "attachments/440825106/2021/普法活动照片.jpg": b"\xff\xd8\xff\xe0" + b"photo" * 500,
    "imports/2026/11/0f3c.upload": "工单编号,受理时间\n".encode(),
}


@pytest.fixture
def files(settings, tmp_path, demo):
    """The demo's organisation and users, and a few files under MEDIA_ROOT; returns the settings."""
    settings.MEDIA_ROOT = tmp_path / "media"
    for name, content in FILES.items():
        default_storage.save(name, ContentFile(content))
    return settings


@pytest.fixture
def records(files, monkeypatch):
    """…and every app's demo records."""
    monkeypatch.setenv("DEMO_PASSWORD", "Xilian@2021")
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return files


def row_counts(db):
    tables = set(db.introspection.table_names())
    counts = {}
    with db.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.db_table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {db.ops.quote_name(model._meta.db_table)}")
                counts[model._meta.label] = cursor.fetchone()[0]
    return counts


def media_checksums(root):
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in root.rglob("*") if path.is_file()}


@pytest.fixture
def fresh_database(tmp_path):
    """(settings, a connection) of an empty database beside the test database, dropped afterwards."""
    if connection.vendor == "postgresql":
        name = f"{connection.settings_dict['NAME']}_restore"
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    else:
        name = str(tmp_path / "restored.sqlite3")
    settings_dict = {**connection.settings_dict, "NAME": name}
    second = type(connections["default"])(settings_dict, alias="restored")
    yield settings_dict, second
    second.close()
    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")


def test_a_backup_restores_into_a_fresh_database_with_every_row_and_file(records, tmp_path, fresh_database):
    settings_dict, restored = fresh_database
    before_rows, before_files = row_counts(connection), media_checksums(records.MEDIA_ROOT)
    manifest = backup_create(directory=tmp_path / "backup", connection=connection, storage=default_storage)
    shutil.rmtree(records.MEDIA_ROOT)

    backup_restore(directory=tmp_path / "backup", settings_dict=settings_dict, vendor=connection.vendor,
                   storage=default_storage)

    assert row_counts(restored) == before_rows
    assert before_rows["disputes.Dispute"] > 100 and before_rows["xilian.AuditLog"] > 50
    assert media_checksums(records.MEDIA_ROOT) == before_files and len(before_files) == len(FILES)
    assert media_checksums(records.MEDIA_ROOT)[ARCHIVED_PDF] == hashlib.sha256(FILES[ARCHIVED_PDF]).hexdigest()
    assert manifest["files"][f"media/{ARCHIVED_PDF}"] == hashlib.sha256(FILES[ARCHIVED_PDF]).hexdigest()
    assert "0002_auditlog_append_only" in manifest["migrations"]["xilian"]


def test_the_manifest_lists_every_file_with_its_sha256(files, tmp_path):
    call_command("backup", str(tmp_path / "backup"), stdout=open("/dev/null", "w"))  # noqa: SIM115
    manifest = json.loads((tmp_path / "backup" / MANIFEST).read_text(encoding="utf-8"))
    database_file = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}[connection.vendor]
    assert set(manifest["files"]) == {database_file, *(f"media/{name}" for name in FILES)}
    for name, sha256 in manifest["files"].items():
        assert hashlib.sha256((tmp_path / "backup" / name).read_bytes()).hexdigest() == sha256
    assert manifest["created_at"][:4] >= "2026" and manifest["database"]["vendor"] == connection.vendor


@pytest.mark.parametrize("tamper", ["file", "database", "missing"])
def test_a_tampered_backup_is_refused_and_nothing_is_restored(files, tmp_path, fresh_database, tamper):
    settings_dict, restored = fresh_database
    manifest = backup_create(directory=tmp_path / "backup", connection=connection, storage=default_storage)
    shutil.rmtree(files.MEDIA_ROOT)
    target = tmp_path / "backup" / (f"media/{ARCHIVED_PDF}" if tamper != "database" else manifest["database"]["file"])
    if tamper == "missing":
        target.unlink()
    else:
        target.write_bytes(target.read_bytes()[:-1] + b"X")

    with pytest.raises(BackupRefused) as refused:
        backup_restore(directory=tmp_path / "backup", settings_dict=settings_dict, vendor=connection.vendor,
                       storage=default_storage)

    assert ("缺少文件" if tamper == "missing" else "SHA-256 与清单不符") in str(refused.value)
    assert "未恢复" in str(refused.value)
    assert "xilian_auditlog" not in restored.introspection.table_names()
    assert not files.MEDIA_ROOT.exists()


def test_the_restore_command_refuses_a_tampered_backup_in_chinese(files, tmp_path):
    call_command("backup", str(tmp_path / "backup"), stdout=open("/dev/null", "w"))  # noqa: SIM115
    manifest_path = tmp_path / "backup" / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["files"]["../../etc/passwd"] = "0" * 64
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(CommandError, match="备份清单被改动过"):
        call_command("restore", str(tmp_path / "backup"), yes=True)


def test_a_backup_from_a_newer_program_is_refused(files, tmp_path, fresh_database):
    settings_dict, _restored = fresh_database
    backup_create(directory=tmp_path / "backup", connection=connection, storage=default_storage)
    manifest_path = tmp_path / "backup" / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["migrations"]["xilian"].append("0099_from_the_future")
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BackupRefused, match="请先升级程序再恢复"):
        backup_restore(directory=tmp_path / "backup", settings_dict=settings_dict, vendor=connection.vendor,
                       storage=default_storage)


def test_a_backup_needs_an_empty_directory(files, tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "old.txt").write_text("上次的")
    with pytest.raises(CommandError, match="不是空的"):
        call_command("backup", str(tmp_path / "backup"))
