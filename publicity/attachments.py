"""Checking an uploaded attachment by its content: the first bytes (and, for Office files, the package's declared
main part) decide what it is; the name's extension must agree. Every reader opens what is kept here, the county
office too, so active content is refused: PDF scripts and launch or embedded-file actions, Office macros and members
that are programs or web pages, and images whose declared size would take gigabytes to decode. Nothing here touches
the disk."""

import re
import warnings
import xml.etree.ElementTree as ElementTree
import zipfile
import zlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # a 40-megapixel photo; a phone's is 12 to 50, so larger ones are resized first
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


# Office packages -------------------------------------------------------------------------------------------
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
MAIN_CONTENT_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
}
MAX_CONTENT_TYPES_BYTES = 256 * 1024
# Members no document needs and an attacker does: programs, scripts, web pages, macros and ActiveX controls.
ACTIVE_MEMBER = re.compile(
    r"\.(exe|dll|com|scr|msi|bat|cmd|ps1|vbs|vbe|js|jse|wsf|wsh|hta|html?|mht|mhtml|xhtml|jar|lnk)$"
    r"|vbaproject\.bin$|vbadata\.xml$|(^|/)activex/|(^|/)embeddings/.*\.bin$",
    re.IGNORECASE,
)


def _office_type(upload):
    """DOCX or XLSX when the package declares that main part (in [Content_Types].xml) and holds it; None when it is
    no Office package. Active members are refused outright (ValidationError)."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if any(ACTIVE_MEMBER.search(name) for name in names):
                raise ValidationError(f"“{upload.name}”含有宏、程序或网页等可执行的内容，不能上传。"
                                      "请另存为普通的 docx 或 xlsx 后再上传。", code="active_content")
            main_part = _declared_main_part(archive)
    except (zipfile.BadZipFile, OSError, ElementTree.ParseError, NotImplementedError, RuntimeError):
        return None
    finally:
        upload.seek(0)
    if main_part is None or main_part[0] not in names:
        return None
    return EXTENSIONS[MAIN_CONTENT_TYPES[main_part[1]]]


def _declared_main_part(archive):
    """(member name, content type) of the Override that declares a Word or Excel main part, or None."""
    info = archive.getinfo("[Content_Types].xml") if "[Content_Types].xml" in archive.namelist() else None
    if info is None or info.file_size > MAX_CONTENT_TYPES_BYTES:
        return None
    types = ElementTree.fromstring(archive.read(info))
    for override in types.iter(f"{CONTENT_TYPES_NS}Override"):
        content_type = override.get("ContentType", "")
        if content_type in MAIN_CONTENT_TYPES:
            return override.get("PartName", "").lstrip("/"), content_type
    return None


# PDF -------------------------------------------------------------------------------------------------------
# Names that make a reader run or open something: scripts, launching programs, embedded files, multimedia,
# actions on opening a page or a field (/AA), and XML forms (which carry scripts). A harmless /OpenAction (go to
# a page) is kept; one that runs a script names /JavaScript.
ACTIVE_PDF_NAMES = {b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"EmbeddedFiles", b"RichMedia", b"AA", b"XFA"}
NAME_END = rb"(?![^\s/<>\[\]()%{}])"
ACTIVE_PDF_NAME = re.compile(rb"/(?:" + b"|".join(sorted(ACTIVE_PDF_NAMES, key=len, reverse=True)) + rb")" + NAME_END)
ESCAPED_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]*#[0-9A-Fa-f]{2}[^\s/<>\[\]()%{}]*)")  # /J#61vaScript
PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
STREAM_START = re.compile(rb"(?<!end)stream\r?\n")
MAX_INFLATED_BYTES = 50 * 1024 * 1024


def _pdf_problem(content):
    """Why a PDF cannot be kept, or None. Names are read from the raw bytes and from the object streams
    (/ObjStm, deflated), where a file may pack its dictionaries; an encrypted file's streams cannot be read, so
    it is refused."""
    if _has_active_name(content):
        return "含有脚本或自动执行的动作（JavaScript、启动程序或嵌入文件）"
    if b"/Encrypt" in content:
        return "已加密，无法检查其内容"
    budget = MAX_INFLATED_BYTES
    for stream in _object_streams(content):
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(stream, budget)
        except zlib.error:  # another filter, or encrypted with an /Encrypt spelled to be missed
            return "含有无法检查的压缩内容"
        budget -= len(inflated)
        if _has_active_name(inflated):
            return "含有脚本或自动执行的动作（JavaScript、启动程序或嵌入文件）"
        if budget <= 0 or inflater.unconsumed_tail:
            return "结构异常（压缩内容过大），无法检查其内容"
    return None


def _object_streams(content):
    """The data of every stream whose object's dictionary says /ObjStm (looked for between the object's start, at
    most 4 KB back, and the stream keyword). One pass: each search starts where the previous stream ended."""
    position = 0
    while match := STREAM_START.search(content, position):
        end = content.find(b"endstream", match.end())
        if end == -1:
            return
        object_start = content.rfind(b" obj", max(0, match.start() - 4096), match.start())
        dictionary = _unescaped(content[max(object_start, match.start() - 4096, 0):match.start()])
        if b"/ObjStm" in dictionary:
            yield content[match.end():end]
        position = end + len(b"endstream")


def _has_active_name(data):
    if ACTIVE_PDF_NAME.search(data):
        return True
    return any(_unescaped(escaped.group(1)) in ACTIVE_PDF_NAMES for escaped in ESCAPED_PDF_NAME.finditer(data))


def _unescaped(text):
    """A PDF name may spell a character as #xx: /J#61vaScript is /JavaScript."""
    return PDF_NAME_ESCAPE.sub(lambda pair: bytes([int(pair.group(1), 16)]), text) if b"#" in text else text


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


# Images ----------------------------------------------------------------------------------------------------
def _image_problem(upload):
    """Why an image cannot be kept, or None: its declared size (from the header, nothing decoded) or a broken
    file."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    return "too_large"
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return "too_large"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return "broken"
    finally:
        upload.seek(0)
    return None


def check_attachment(upload):
    """The FileType of a valid upload; a ValidationError in Chinese for a file that is too big, of a type not
    allowed, whose content does not match its name, or that carries active content."""
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(f"“{upload.name}”超过10 MB，不能上传。", code="too_big")
    declared = EXTENSIONS.get(upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else "")
    if declared is None:
        raise ValidationError(f"“{upload.name}”的类型不允许。{ALLOWED_MESSAGE}", code="extension")
    actual = _sniff(upload)
    image_problem = _image_problem(upload) if actual == declared and actual.is_image else None
    if actual != declared or image_problem == "broken":
        raise ValidationError(f"“{upload.name}”的内容与文件类型不符。{ALLOWED_MESSAGE}", code="content")
    if image_problem == "too_large":
        raise ValidationError(
            f"“{upload.name}”的图片尺寸过大（超过{MAX_IMAGE_PIXELS // 10_000}万像素）。请缩小后再上传。", code="pixels"
        )
    if actual == PDF:
        problem = _pdf_problem(_read_all(upload))
        if problem:
            raise ValidationError(f"“{upload.name}”{problem}，不能上传。请另存为普通的 PDF 后再上传。",
                                  code="active_content")
    return actual


def _read_all(upload):
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    return content
