"""Checking an uploaded attachment by its content: the first bytes (and, for Office files, the zip's entries) decide
what it is; the name's extension must agree. Nothing here touches the disk."""

import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ALLOWED_MESSAGE = "只能上传 jpg、png、webp 图片或 pdf、docx、xlsx 文档。"


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    kind: str  # Attachment.Kind value

    @property
    def is_image(self):
        return self.kind == "image"


JPG = FileType("jpg", "image/jpeg", "image")
PNG = FileType("png", "image/png", "image")
WEBP = FileType("webp", "image/webp", "image")
PDF = FileType("pdf", "application/pdf", "document")
DOCX = FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "document")
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "document")

EXTENSIONS = {"jpg": JPG, "jpeg": JPG, "png": PNG, "webp": WEBP, "pdf": PDF, "docx": DOCX, "xlsx": XLSX}


def _office_type(upload):
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return None
    if any(name.startswith("word/") for name in names):
        return DOCX
    if any(name.startswith("xl/") for name in names):
        return XLSX
    return None


def _sniff(upload):
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        return JPG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _office_type(upload)
    return None


def _is_readable_image(upload):
    try:
        with Image.open(upload) as image:
            image.verify()
        return True
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    finally:
        upload.seek(0)


def check_attachment(upload):
    """The FileType of a valid upload; a ValidationError in Chinese for a file that is too big, of a type not
    allowed, or whose content does not match its name."""
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(f"“{upload.name}”超过10 MB，不能上传。", code="too_big")
    declared = EXTENSIONS.get(upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else "")
    if declared is None:
        raise ValidationError(f"“{upload.name}”的类型不允许。{ALLOWED_MESSAGE}", code="extension")
    actual = _sniff(upload)
    if actual != declared or (actual.is_image and not _is_readable_image(upload)):
        raise ValidationError(f"“{upload.name}”的内容与文件类型不符。{ALLOWED_MESSAGE}", code="content")
    return actual
