"""Running an import for a user: the import itself (resources.py) plus its audit trail — one row for the file
(who, which file, its SHA-256, the counts) and one per record created or changed."""

import hashlib

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from xilian.audit import _plain, audit_write, changed_fields, client_ip
from xilian.ledger.bulk import insert_rows
from xilian.models import AuditLog


def file_digest(content):
    return hashlib.sha256(content).hexdigest()


def _audit_value(value):
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, list):
        return sorted(_audit_value(v) for v in value)
    return _plain(value)


def _record_rows(*, resource, created, updated, actor, username, ip_address, import_row):
    """Audit rows as plain dicts (inserted in bulk). A created record points to its import, whose file is kept with
    its SHA-256, so its values are not copied again; an updated record gets the before/after of changed fields."""
    model = resource.model()
    excluded = set(getattr(model, "audit_exclude", ()))
    common = {
        "created_at": timezone.now(),
        "actor": actor,
        "username": username,
        "township": resource.township,
        "content_type": ContentType.objects.get_for_model(model),
        "ip_address": ip_address,
        "detail": {"导入批次": import_row.pk},
    }
    for pk, description in created:
        yield {
            **common,
            "action": AuditLog.Action.CREATE,
            "object_id": str(pk),
            "object_repr": description[:200],
        }
    for instance, before, changes in updated:
        after = {name: _audit_value(value) for name, value in changes.items() if name not in excluded}
        before = {name: _audit_value(value) for name, value in before.items() if name not in excluded}
        yield {
            **common,
            "action": AuditLog.Action.UPDATE,
            "object_id": str(instance.pk),
            "object_repr": str(instance)[:200],
            "changes": changed_fields(before, after, model=model),
        }


def ledger_import(*, resource, content, filename, rows=None, expected=None, user=None, request=None, dry_run=True,
                  progress=None):
    """Preview or commit `content` into the resource's township. A commit writes the audit rows in the same
    transaction as the records; with the preview's `rows` and `expected` matches, it refuses rows whose records
    changed since the preview. `progress(stage, done, total)`: see LedgerResource.import_ledger."""
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
        insert_rows(AuditLog, rows)

    return resource.import_ledger(
        content, rows=rows, expected=expected, user=actor, dry_run=dry_run, audit=audit, source=filename,
        progress=progress,
    )
