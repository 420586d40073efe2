"""With STORAGE_BACKEND=s3 every file lives in the bucket: an attachment uploaded through the page, an archived
report's PDFs, and a backup's files, which restore writes back. Against moto's S3 server, started here on a free
local port, with the storage configured by the settings' own STORAGE_BACKEND=s3 code."""

import hashlib
import io
import socket
import uuid
import zipfile
from datetime import date

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django_scopes import scope
from moto.server import ThreadedMotoServer

from publicity.models import Event
from tests.permissions.publicity import png_bytes
from tests.permissions.reports import make_report, make_section, move_report
from tests.test_backups import fresh_database  # noqa: F401 (a fixture)
from tests.test_publicity_views import _event_data
from tests.test_settings import PRODUCTION_LIKE, _manage
from xilian.backups import backup_create, backup_restore
from xilian.settings import default_storage_from_env

ACCESS = {"S3_ACCESS_KEY_ID": "fazhitong-test", "S3_SECRET_ACCESS_KEY": "not-a-secret", "S3_REGION": "us-east-1"}


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A new private bucket, and the default storage pointed at it (the settings' change signal drops the storage
    objects Django had made, so every FileField writes to S3 from here on); boto3's client on the bucket."""
    name = f"fazhitong-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=ACCESS["S3_REGION"],
                          aws_access_key_id=ACCESS["S3_ACCESS_KEY_ID"],
                          aws_secret_access_key=ACCESS["S3_SECRET_ACCESS_KEY"])
    client.create_bucket(Bucket=name)
    for variable, value in {**ACCESS, "STORAGE_BACKEND": "s3", "S3_BUCKET": name,
                            "S3_ENDPOINT_URL": s3_endpoint}.items():
        monkeypatch.setenv(variable, value)
    settings.STORAGES = {**settings.STORAGES, "default": default_storage_from_env()}
    assert default_storage.bucket_name == name  # a FileSystemStorage has no bucket
    client.name = name
    return client


def _object(bucket, key):
    return bucket.get_object(Bucket=bucket.name, Key=key)["Body"].read()


def _bytes(response):
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_an_attachment_uploaded_through_the_page_is_stored_in_the_bucket_and_comes_back_unchanged(client, demo,
                                                                                                   bucket):
    photo = png_bytes((40, 30))
    demo.client_for(client, "xilian_staff").post(
        reverse("publicity:event_create", kwargs={"township": demo.xilian.code}),
        _event_data(attachments=[SimpleUploadedFile("宪法日.png", photo)]),
    )
    with scope(township=demo.xilian):
        attachment = Event.objects.get().attachments.get()
    url = reverse("publicity:attachment_file", kwargs={"township": demo.xilian.code, "pk": attachment.pk})

    assert _object(bucket, attachment.file.name) == photo
    grants = bucket.get_object_acl(Bucket=bucket.name, Key=attachment.file.name)["Grants"]
    assert [grant["Grantee"]["Type"] for grant in grants] == ["CanonicalUser"]  # the owner only, nothing public
    assert "Signature" not in default_storage.url(attachment.file.name)  # no working link around the checks
    assert _bytes(client.get(url)) == photo
    assert demo.client_for(client, "maichen_staff").get(url).status_code == 404


@pytest.mark.django_db
def test_an_archived_reports_pdf_is_filed_in_the_bucket_and_downloads_with_its_hash(client, demo, bucket):
    report = make_report(demo.xilian, dated_on=date(2021, 12, 8), intro="全年受理纠纷{{disputes_received}}。")
    make_section(report, heading="强化组织领导", body="甲。")
    move_report(report, "submit", "approve", "archive", users=demo.users)
    with scope(township=demo.xilian):
        archive = report.archives.get()
    url = reverse("reports:archive_pdf", kwargs={"township": demo.xilian.code, "year": 2021, "revision": 1})

    downloaded = _bytes(demo.client_for(client, "xilian_leader").get(url))
    assert downloaded.startswith(b"%PDF") and hashlib.sha256(downloaded).hexdigest() == archive.pdf_sha256
    head = bucket.head_object(Bucket=bucket.name, Key=archive.pdf.name)
    assert head["ContentLength"] == len(downloaded)
    assert hashlib.sha256(_object(bucket, archive.pdfa.name)).hexdigest() == archive.pdfa_sha256
    county_zip = _bytes(demo.client_for(client, "county_office").get(reverse("county_reports_zip",
                                                                             kwargs={"year": 2021})))
    with zipfile.ZipFile(io.BytesIO(county_zip)) as bundle:
        assert downloaded in [bundle.read(member) for member in bundle.namelist()]
    assert demo.client_for(client, "maichen_staff").get(url).status_code == 404


FILES = {
    "reports/440825106/2021/西连镇2021年度法治政府建设情况报告.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 40,
    "publicity/440825106/0f3c.jpg": b"\xff\xd8\xff\xe0" + b"photo" * 500,
    "imports/2026/11/0f3c.upload": "工单编号,受理时间\n".encode(),
}


@pytest.mark.django_db(transaction=True)
def test_a_backup_holds_the_buckets_objects_and_restore_writes_them_back(demo, bucket, tmp_path, fresh_database):  # noqa: F811
    for name, content in FILES.items():
        default_storage.save(name, ContentFile(content))
    manifest = backup_create(directory=tmp_path / "backup", connection=connection, storage=default_storage)
    lost, changed = list(FILES)[:2]
    bucket.delete_object(Bucket=bucket.name, Key=lost)
    bucket.put_object(Bucket=bucket.name, Key=changed, Body=b"overwritten after the backup")

    settings_dict, _restored = fresh_database
    backup_restore(directory=tmp_path / "backup", settings_dict=settings_dict, vendor=connection.vendor,
                   storage=default_storage)

    assert {f"media/{name}" for name in FILES} <= set(manifest["files"])
    for name, content in FILES.items():
        assert manifest["files"][f"media/{name}"] == hashlib.sha256(content).hexdigest()
        assert _object(bucket, name) == content
    keys = {entry["Key"] for entry in bucket.list_objects_v2(Bucket=bucket.name)["Contents"]}
    assert keys == set(FILES)  # written back under their own names, no copies beside them


@pytest.mark.django_db
def test_server_side_encryption_is_asked_for_when_configured(bucket, settings, monkeypatch):
    monkeypatch.setenv("S3_SERVER_SIDE_ENCRYPTION", "AES256")
    settings.STORAGES = {**settings.STORAGES, "default": default_storage_from_env()}
    name = default_storage.save("imports/2026/11/sse.upload", ContentFile(b"secret"))
    assert bucket.head_object(Bucket=bucket.name, Key=name)["ServerSideEncryption"] == "AES256"


S3_SETTINGS = {**ACCESS, "STORAGE_BACKEND": "s3", "S3_BUCKET": "fazhitong", "S3_ENDPOINT_URL": "http://127.0.0.1:9"}


@pytest.mark.parametrize("missing", ["S3_BUCKET", "S3_ENDPOINT_URL", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"])
def test_s3_storage_without_a_required_variable_stops_start_up_naming_it(missing):
    result = _manage("check", **PRODUCTION_LIKE, **{**S3_SETTINGS, missing: ""})
    assert result.returncode != 0
    assert f"必须设置环境变量 {missing}" in result.stderr and f"variable {missing} is required" in result.stderr


@pytest.mark.parametrize(("name", "value"), [("STORAGE_BACKEND", "minio"), ("S3_SERVER_SIDE_ENCRYPTION", "yes")])
def test_a_malformed_storage_variable_names_itself(name, value):
    result = _manage("check", **PRODUCTION_LIKE, **{**S3_SETTINGS, name: value})
    assert result.returncode != 0 and f"{name}={value!r} is invalid" in result.stderr, result.stderr[-500:]


def test_complete_s3_settings_pass_the_deploy_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_LIKE, **S3_SETTINGS)
    assert result.returncode == 0, result.stdout + result.stderr
