import io
import zipfile
import zlib

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scope

from publicity.attachments import MAX_ATTACHMENT_BYTES, check_attachment
from publicity.models import Attachment, EventForm
from tests.hostile import (
    JAVASCRIPT_OPEN_ACTION,
    WORDPROCESSING_MAIN,
    docx_bytes,
    office_content_types,
    pdf_with,
    png_claiming,
    xlsx_with_sheet_xml,
    zip_of,
)
from tests.permissions.publicity import make_attachment, make_event, png_bytes

pytestmark = pytest.mark.django_db


def _zip(entry):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(entry, "<xml/>")
    return buffer.getvalue()


def _upload(name, content):
    return SimpleUploadedFile(name, content)


def _files_on_disk():
    root = settings.MEDIA_ROOT / "publicity"
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


@pytest.mark.parametrize(("name", "content", "extension"), [
    ("现场.png", png_bytes(), "png"),
    ("签到表.pdf", b"%PDF-1.7\n...", "pdf"),
    ("签到表.docx", docx_bytes(), "docx"),
    ("签到表.xlsx", xlsx_with_sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'), "xlsx"),
])
def test_it_accepts_the_allowed_types_by_content(name, content, extension):
    assert check_attachment(_upload(name, content)).extension == extension


def test_it_refuses_an_exe_renamed_jpg():
    with pytest.raises(ValidationError, match="内容与文件类型不符"):
        check_attachment(_upload("照片.jpg", b"MZ\x90\x00\x03" + b"\x00" * 100))


def test_it_refuses_a_png_named_pdf():
    with pytest.raises(ValidationError, match="内容与文件类型不符"):
        check_attachment(_upload("签到表.pdf", png_bytes()))


def test_it_refuses_a_zip_that_is_no_office_document():
    with pytest.raises(ValidationError, match="内容与文件类型不符"):
        check_attachment(_upload("表.xlsx", _zip("payload.sh")))


def test_it_refuses_a_broken_image_with_a_valid_header():
    with pytest.raises(ValidationError, match="内容与文件类型不符"):
        check_attachment(_upload("照片.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10))


def test_it_refuses_other_extensions():
    with pytest.raises(ValidationError, match="类型不允许"):
        check_attachment(_upload("病毒.exe", b"MZ"))


def test_it_refuses_files_over_10_mb():
    big = SimpleUploadedFile("大图.png", png_bytes())
    big.size = MAX_ATTACHMENT_BYTES + 1
    with pytest.raises(ValidationError, match="超过10 MB"):
        check_attachment(big)


def test_an_exe_renamed_jpg_is_refused_and_leaves_no_file(client, demo):
    event = make_event(demo.xilian)
    client.force_login(demo.users["xilian_staff"])
    before = _files_on_disk()
    url = reverse("publicity:event_edit", kwargs={"township": demo.xilian.code, "pk": event.pk})
    lecture = EventForm.objects.get(name="讲座").pk
    data = {"date": "2021-06-26", "name": "禁毒宣传", "theme": "禁毒", "forms": [lecture], "place": "西连圩",
            "organiser": "西连镇人民政府", "participants": "100", "materials": "0", "loaded_version": "1",
            "attachments": [_upload("照片.jpg", b"MZ\x90\x00" + b"\x00" * 64)]}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "内容与文件类型不符" in response.content.decode()
    assert _files_on_disk() == before
    with scope(township=demo.xilian):
        assert not Attachment.objects.exists()


def test_a_stored_file_has_a_generated_name(demo):
    attachment = make_attachment(make_event(demo.xilian))
    assert attachment.file.name.startswith(f"publicity/{demo.xilian.code}/")
    assert "现场" not in attachment.file.name and attachment.file.name.endswith(".png")


def test_it_serves_an_attachment_to_a_reader(client, demo):
    attachment = make_attachment(make_event(demo.xilian))
    client.force_login(demo.users["xilian_leader"])
    response = client.get(reverse("publicity:attachment_file", kwargs={"township": demo.xilian.code,
                                                                       "pk": attachment.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes()


def test_another_townships_attachment_is_404(client, demo):
    attachment = make_attachment(make_event(demo.xilian))
    client.force_login(demo.users["maichen_staff"])
    url = reverse("publicity:attachment_file", kwargs={"township": demo.maichen.code, "pk": attachment.pk})
    assert client.get(url).status_code == 404


def test_there_is_no_public_media_url(client, demo):
    attachment = make_attachment(make_event(demo.xilian))
    client.force_login(demo.users["xilian_staff"])
    assert client.get(f"/{settings.MEDIA_URL}{attachment.file.name}").status_code == 404


# Hostile files --------------------------------------------------------------------------------------------------
XLSX_ROW = '<row r="1"><c r="A1"><v>1</v></c></row>'


def test_it_refuses_a_tiny_png_that_claims_ten_billion_pixels():
    upload = _upload("现场.png", png_claiming(100_000, 100_000))
    assert upload.size < 100
    with pytest.raises(ValidationError, match="图片尺寸过大（超过4000万像素）"):
        check_attachment(upload)


def test_the_event_form_says_so_and_keeps_no_file(client, demo):
    event = make_event(demo.xilian)
    client.force_login(demo.users["xilian_staff"])
    before = _files_on_disk()
    url = reverse("publicity:event_edit", kwargs={"township": demo.xilian.code, "pk": event.pk})
    data = {"date": "2021-06-26", "name": "禁毒宣传", "theme": "禁毒", "forms": [EventForm.objects.get(name="讲座").pk],
            "place": "西连圩", "organiser": "西连镇人民政府", "participants": "100", "materials": "0",
            "loaded_version": "1", "attachments": [_upload("现场.png", png_claiming(100_000, 100_000))]}
    response = client.post(url, data)
    assert "“现场.png”的图片尺寸过大" in response.content.decode()
    assert _files_on_disk() == before
    with scope(township=demo.xilian):
        assert not Attachment.objects.exists()


def test_it_refuses_an_image_just_over_40_megapixels():
    with pytest.raises(ValidationError, match="图片尺寸过大"):
        check_attachment(_upload("现场.png", png_claiming(8001, 5000)))


@pytest.mark.parametrize("catalog", [
    JAVASCRIPT_OPEN_ACTION,
    b"/OpenAction << /S /Launch /F (cmd.exe) >>",
    b"/Names << /EmbeddedFiles << /Names [(a.exe) 5 0 R] >> >>",
    b"/AA << /O << /S /J#61vaScript /JS (x) >> >>",  # a name spelled with an escape
    b"/Encrypt 9 0 R",
])
def test_it_refuses_a_pdf_that_runs_or_hides_something(catalog):
    with pytest.raises(ValidationError, match="不能上传。请另存为普通的 PDF"):
        check_attachment(_upload("签到表.pdf", pdf_with(catalog)))


def _object_stream(data, type_name=b"/ObjStm"):
    return (b"5 0 obj << /Type " + type_name + b" /N 1 /First 4 /Filter /FlateDecode >> stream\n" + data
            + b"\nendstream")


@pytest.mark.parametrize("type_name", [b"/ObjStm", b"/Obj#53tm"])
def test_it_finds_a_script_packed_in_an_object_stream(type_name):
    packed = zlib.compress(b"4 0 << /S /JavaScript /JS (app.alert(1)) >>")
    with pytest.raises(ValidationError, match="含有脚本"):
        check_attachment(_upload("签到表.pdf", pdf_with(b"") + _object_stream(packed, type_name)))


def test_it_refuses_an_object_stream_it_cannot_inflate():
    with pytest.raises(ValidationError, match="含有无法检查的压缩内容"):
        check_attachment(_upload("签到表.pdf", pdf_with(b"") + _object_stream(b"not deflated")))


def test_it_keeps_a_pdf_with_a_harmless_object_stream():
    packed = zlib.compress(b"4 0 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    assert check_attachment(_upload("签到表.pdf", pdf_with(b"") + _object_stream(packed))).extension == "pdf"


def test_it_keeps_a_pdf_that_opens_on_its_first_page():
    assert check_attachment(_upload("签到表.pdf", pdf_with(b"/OpenAction [3 0 R /Fit]"))).extension == "pdf"


@pytest.mark.parametrize(("name", "content"), [
    ("表.xlsx", zip_of({"xl/evil.html": "<script>alert(1)</script>", "xl/run.exe": "MZ"})),
    ("签到表.docx", zip_of({"word/evil.html": "<script>alert(1)</script>"})),
    ("表.xlsx", xlsx_with_sheet_xml(XLSX_ROW, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"})),
    ("签到表.docx", docx_bytes({"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0"})),
])
def test_it_refuses_an_office_file_with_programs_pages_or_macros(name, content):
    with pytest.raises(ValidationError, match="含有宏、程序或网页"):
        check_attachment(_upload(name, content))


@pytest.mark.parametrize(("name", "content"), [
    ("表.xlsx", zip_of({"xl/workbook.xml": "<workbook/>"})),  # no [Content_Types].xml
    ("签到表.docx", zip_of({"[Content_Types].xml": office_content_types("/word/document.xml", WORDPROCESSING_MAIN)})),
    ("表.xlsx", docx_bytes()),  # a Word document named .xlsx
])
def test_it_refuses_a_zip_that_is_not_the_office_package_it_claims(name, content):
    with pytest.raises(ValidationError, match="内容与文件类型不符"):
        check_attachment(_upload(name, content))


def _serve(client, demo, attachment):
    client.force_login(demo.users["xilian_leader"])
    return client.get(reverse("publicity:attachment_file", kwargs={"township": demo.xilian.code,
                                                                   "pk": attachment.pk}))


def test_an_image_is_shown_inline_in_a_sandbox(client, demo):
    response = _serve(client, demo, make_attachment(make_event(demo.xilian)))
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_pdf_is_downloaded_not_shown(client, demo):
    event = make_event(demo.xilian)
    with scope(township=demo.xilian):
        attachment = Attachment(township=demo.xilian, event=event, original_name="签到表.pdf", extension="pdf",
                                content_type="application/pdf", kind=Attachment.Kind.DOCUMENT, size=10)
        attachment.file.save("签到表.pdf", ContentFile(pdf_with(b"")), save=True)
    response = _serve(client, demo, attachment)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "sandbox"
