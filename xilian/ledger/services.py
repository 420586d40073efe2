"""Running an import for a user: the import itself (resources.py) plus its audit trail — one row for the file
(who, which file, its SHA-256, the counts) and one per record created or changed."""

import hashlib

from django.contrib.contenttypes.models import ContentType

from xilian.audit import _plain, audit_write, changed_fields, client_ip, record_snapshot
from xilian.models import AuditLog


def file_digest(content):
    return hashlib.sha256(content).hexdigest()


def _record_rows(*, resource, created, updated, actor, username, ip_address, import_row):
    content_type = ContentType.objects.get_for_model(resource.model())
    common = {
        "actor": actor,
        "username": username,
        "township": resource.township,
        "content_type": content_type,
        "ip_address": ip_address,
        "detail": {"导入批次": import_row.pk},
    }
    for instance in created:
        snapshot = record_snapshot(instance)
        yield AuditLog(
            action=AuditLog.Action.CREATE,
            object_id=str(instance.pk),
            object_repr=str(instance)[:200],
            changes=changed_fields({}, snapshot),
            **common,
        )
    for instance, before, changes in updated:
        after = {name: _plain(value) for name, value in changes.items()}
        before = {name: _plain(value) for name, value in before.items()}
        yield AuditLog(
            action=AuditLog.Action.UPDATE,
            object_id=str(instance.pk),
            object_repr=str(instance)[:200],
            changes=changed_fields(before, after),
            **common,
        )


def ledger_import(*, resource, content, filename, user=None, request=None, dry_run=True):
    """Preview or commit `content` into the resource's township. A commit writes the audit rows in the same
    transaction as the records."""
    actor = user or (request.user if request is not None else None)
    username = actor.get_username() if actor else "命令行导入"

    def audit(*, created, updated, report):
        import_row = audit_write(
            action=AuditLog.Action.IMPORT,
            request=request,
            actor=actor,
            username=username,
            township=resource.township,
            detail={
                "台账": resource.title,
                "文件": filename,
                "SHA-256": file_digest(content),
                "共计行数": report.total_rows,
                "新增": report.new,
                "更新": report.updated,
                "未变": report.unchanged,
            },
        )
        rows = _record_rows(
            resource=resource,
            created=created,
            updated=updated,
            actor=actor,
            username=username,
            ip_address=client_ip(request),
            import_row=import_row,
        )
        AuditLog.objects.bulk_create(rows, batch_size=2000)

    return resource.import_ledger(content, user=actor, dry_run=dry_run, audit=audit)
