import io
import zipfile

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scope

from publicity.attachments import MAX_ATTACHMENT_BYTES, check_attachment
from publicity.models import Attachment, EventForm
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
    ("签到表.docx", _zip("word/document.xml"), "docx"),
    ("签到表.xlsx", _zip("xl/workbook.xml"), "xlsx"),
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
