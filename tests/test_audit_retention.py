"""Audit log retention: entries older than a date are exported, and removed only when the date is 190 days ago or
more, through the one permit the DELETE trigger allows; every other delete is still refused by the database
(SQLite in the normal suite, PostgreSQL in CI)."""

import datetime
import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from xilian.audit import SYSTEM_USERNAME
from xilian.db_triggers import audit_removal_permitted
from xilian.models import AuditLog

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def entry(days_ago, username="xilian_staff"):
    return AuditLog.objects.create(action=AuditLog.Action.LOGIN, username=username,
                                   created_at=timezone.now() - datetime.timedelta(days=days_ago))


@pytest.fixture
def history():
    """Two entries of last year, one 191 days old, one of last week."""
    return [entry(400, "old_1"), entry(380, "old_2"), entry(191, "old_3"), entry(7, "recent")]


def run(path, before, capsys):
    call_command("audit_retention", export=str(path), before=before.isoformat())
    return capsys.readouterr().out


def test_entries_older_than_190_days_are_exported_then_removed_and_the_run_recorded(history, tmp_path, capsys):
    seeded = {SYSTEM_USERNAME} if AuditLog.objects.filter(username=SYSTEM_USERNAME).exists() else set()
    before = TODAY - datetime.timedelta(days=190)
    out = run(tmp_path / "audit.jsonl", before, capsys)

    exported = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [row["username"] for row in exported] == ["old_1", "old_2", "old_3"]
    assert exported[0]["id"] == history[0].pk and exported[0]["action"] == "login"
    assert set(AuditLog.objects.values_list("username", flat=True)) == {"recent", "audit_retention 命令"} | seeded
    sha256 = hashlib.sha256((tmp_path / "audit.jsonl").read_bytes()).hexdigest()
    record = AuditLog.objects.get(action=AuditLog.Action.RETENTION)
    assert record.detail["导出条数"] == record.detail["删除条数"] == 3
    assert record.detail["SHA-256"] == sha256 and record.detail["文件"] == "audit.jsonl"
    assert record.detail["最早"] == history[0].created_at.isoformat()
    assert record.detail["最晚"] == history[2].created_at.isoformat()
    assert "已导出 3 条审计日志" in out and sha256 in out and "已从数据库清理这 3 条" in out


def test_a_date_less_than_190_days_ago_exports_but_removes_nothing(history, tmp_path, capsys):
    out = run(tmp_path / "audit.jsonl", TODAY - datetime.timedelta(days=189), capsys)
    assert len((tmp_path / "audit.jsonl").read_text(encoding="utf-8").splitlines()) == 3
    assert AuditLog.objects.filter(username__startswith="old_").count() == 3
    assert AuditLog.objects.get(action=AuditLog.Action.RETENTION).detail["删除条数"] == 0
    assert "未清理：日志至少保留 190 天" in out


def test_an_existing_file_is_never_overwritten(history, tmp_path):
    (tmp_path / "audit.jsonl").write_text("上次导出的\n", encoding="utf-8")
    with pytest.raises(CommandError, match="已存在"):
        call_command("audit_retention", export=str(tmp_path / "audit.jsonl"), before="2020-01-01")
    assert (tmp_path / "audit.jsonl").read_text(encoding="utf-8") == "上次导出的\n"
    assert not AuditLog.objects.filter(action=AuditLog.Action.RETENTION).exists()


def test_a_malformed_date_is_refused_in_chinese(tmp_path):
    with pytest.raises(CommandError, match="日期 '去年' 无效"):
        call_command("audit_retention", export=str(tmp_path / "a.jsonl"), before="去年")


def _raw_delete(row):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM xilian_auditlog WHERE id = %s", [row.pk])


def _base_manager_delete(row):
    AuditLog._base_manager.filter(pk=row.pk).delete()


@pytest.mark.parametrize("delete", [_raw_delete, _base_manager_delete], ids=["raw-sql", "base-manager"])
def test_the_database_refuses_any_other_delete_even_of_an_old_entry(delete):
    old = entry(400)
    with pytest.raises(DatabaseError, match="审计日志只能追加，不能删除"), transaction.atomic():
        delete(old)
    assert AuditLog.objects.filter(pk=old.pk).exists()


def test_the_permit_lasts_one_transaction():
    first, second = entry(400), entry(400)
    with audit_removal_permitted(connection):
        _raw_delete(first)
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw_delete(second)
    assert not AuditLog.objects.filter(pk=first.pk).exists() and AuditLog.objects.filter(pk=second.pk).exists()


PERMIT_QUERY = {
    "postgresql": "SELECT coalesce(current_setting('xilian.audit_removal', true), '') = 'on'",
    "sqlite": "SELECT xilian_audit_removal_permitted() = 1",
}


def _permit_open():
    with connection.cursor() as cursor:
        cursor.execute(PERMIT_QUERY[connection.vendor])
        return bool(cursor.fetchone()[0])


def test_the_permit_the_trigger_reads_is_on_inside_its_block_and_off_after_it_on_the_same_connection():
    with audit_removal_permitted(connection):
        assert _permit_open()
    assert not _permit_open()


def test_a_failure_inside_the_permit_removes_nothing_and_closes_it():
    first, second = entry(400), entry(400)
    with pytest.raises(RuntimeError), audit_removal_permitted(connection):
        _raw_delete(first)
        raise RuntimeError("export failed")
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw_delete(second)
    assert AuditLog.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
