"""Audit log retention: entries are kept at least 190 days (网络安全法 第二十一条: network logs kept no less than
six months). Older ones may be exported to a file and then removed, only here, through the one permit the
database trigger allows (xilian/db_triggers.py), and the log records that it was done."""

import datetime
import getpass
import hashlib
import json
import os
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, transaction
from django.utils import timezone

from xilian.audit import audit_write
from xilian.db_triggers import audit_removal_permitted
from xilian.models import AuditLog

MINIMUM_RETENTION_DAYS = 190


class RetentionRefused(Exception):
    """Nothing was exported or removed; the message says why, in Chinese."""


@dataclass
class RetentionResult:
    exported: int
    removed: int
    sha256: str
    first: datetime.datetime | None
    last: datetime.datetime | None
    entry: AuditLog  # the row that records this run


def earliest_removable_before(today=None):
    """The latest `before` date whose older entries may be removed: 190 days before today."""
    return (today or timezone.localdate()) - datetime.timedelta(days=MINIMUM_RETENTION_DAYS)


def audit_export_and_remove(*, before, path, using="default"):
    """Write every entry made before `before` (a date, local time) to `path` as JSON lines and, when `before` is
    at least 190 days ago, remove them: all in one transaction, so that the rows removed are the rows written.
    A new entry records the run (counts, time range, the file's SHA-256)."""
    if os.path.exists(path):
        raise RetentionRefused(f"文件 {path} 已存在：导出不会覆盖已有的文件，请换一个文件名。")
    cutoff = timezone.make_aware(datetime.datetime.combine(before, datetime.time.min))
    removable = before <= earliest_removable_before()
    with transaction.atomic(using=using):
        rows = AuditLog.objects.using(using).filter(created_at__lt=cutoff).order_by("created_at", "id")
        exported, first, last = _export(rows, path)
        sha256 = _sha256(path)
        removed = _remove(cutoff, using) if removable else 0
        if removable and removed != exported:  # a row was added or removed meanwhile: the file would not match
            raise RetentionRefused(f"导出 {exported} 条、删除 {removed} 条，数目不一致，没有删除任何记录。")
        entry = audit_write(action=AuditLog.Action.RETENTION, username="audit_retention 命令", detail={
            "截止日期": before.isoformat(), "导出条数": exported, "删除条数": removed,
            "最早": first.isoformat() if first else None, "最晚": last.isoformat() if last else None,
            "文件": os.path.basename(path), "SHA-256": sha256, "操作系统用户": getpass.getuser(),
        })
    return RetentionResult(exported, removed, sha256, first, last, entry)


def _export(rows, path):
    count, first, last = 0, None, None
    fields = [field.attname for field in AuditLog._meta.concrete_fields]
    with open(path, "x", encoding="utf-8") as stream:
        for row in rows.iterator(chunk_size=2000):
            stream.write(json.dumps({name: getattr(row, name) for name in fields}, cls=DjangoJSONEncoder,
                                    ensure_ascii=False) + "\n")
            count += 1
            first, last = first or row.created_at, row.created_at
        stream.flush()
        os.fsync(stream.fileno())  # on disk before a row is removed
    return count, first, last


def _sha256(path):
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _remove(cutoff, using):
    with audit_removal_permitted(connections[using]):
        removed, _by_model = AuditLog._base_manager.using(using).filter(created_at__lt=cutoff).delete()
    return removed
