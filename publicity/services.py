"""Writes of the publicity app. Records themselves are saved through xilian.records.record_save; these add what
comes with them (attachments) and the township's default law list."""

from django.db import transaction

from publicity.attachments import check_attachment
from publicity.models import Attachment, Event, Law
from xilian.audit import audit_seeded, audit_write
from xilian.models import AuditLog

# The laws of the seed report and the 2021 ledger, and the 八五普法 priorities: every township starts with them.
DEFAULT_LAWS = [
    "习近平法治思想",
    "《中华人民共和国宪法》",
    "《中华人民共和国民法典》",
    "《党政主要负责人履行推进法治建设第一责任人职责规定》",
    "《中国共产党政法工作条例》",
    "《中华人民共和国土地管理法》",
    "《中华人民共和国土地管理法实施条例》",
    "《中华人民共和国农业法》",
    "《中华人民共和国森林法》",
    "《中华人民共和国水法》",
    "《中华人民共和国乡村振兴促进法》",
    "《中华人民共和国行政处罚法》",
    "《中华人民共和国安全生产法》",
    "《中华人民共和国数据安全法》",
    "《中华人民共和国个人信息保护法》",
    "农村乱占耕地建房“八不准”",
]


def law_seed_defaults(*, township):
    """Add the default laws a township does not have yet (idempotent), audited as the system's."""
    existing = set(Law.objects.filter(township=township).values_list("name", flat=True))
    laws = Law.objects.bulk_create([Law(township=township, name=name) for name in DEFAULT_LAWS if name not in existing])
    audit_seeded(laws)


@transaction.atomic
def attachment_add(*, user, record, uploads, request=None):
    """Store checked uploads for an event or a study session under generated names, and audit them."""
    attachments = []
    for upload in uploads:
        file_type = check_attachment(upload)
        attachment = Attachment(
            township=record.township,
            original_name=upload.name[-200:],
            extension=file_type.extension,
            content_type=file_type.content_type,
            kind=file_type.kind,
            size=upload.size,
            uploaded_by=user,
            **{"event" if isinstance(record, Event) else "study": record},
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
        attachments.append(attachment)
    if attachments:
        audit_write(
            action=AuditLog.Action.UPDATE, request=request, actor=user, instance=record,
            detail={"上传附件": "、".join(a.original_name for a in attachments)},
        )
    return attachments
