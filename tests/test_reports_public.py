"""已公开: a leader publishes the township's filed report; the public page, with no login, lists the county's
published reports and serves their PDFs as filed, and nothing else."""

import hashlib
import re
from datetime import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from reports.models import ReportStep
from reports.publishing import report_publish
from tests.permissions.reports import make_report
from tests.permissions.reports_archives import make_archive
from xilian.models import AuditLog, County, Township, User
from xilian.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def at(text):
    return timezone.make_aware(datetime.fromisoformat(text))


def public_pdf_url(archive):
    report = archive.report
    return reverse("gongkai:pdf", kwargs={
        "county_code": report.township.county.code, "year": report.year, "township_code": report.township.code,
        "revision": archive.revision,
    })


def sha256(response):
    return hashlib.sha256(b"".join(response.streaming_content)).hexdigest()


def publish(archive, user):
    with scope(township=archive.report.township):
        return report_publish(archive=archive, user=user)


def reloaded(archive):
    with scopes_disabled():
        archive.refresh_from_db()
    return archive


def audit_entries(archive):
    return AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(archive), object_id=str(archive.pk))


def steps(report):
    with scopes_disabled():
        return list(ReportStep.objects.filter(report=report).values_list("action", "actor__username"))


# --- the service ---------------------------------------------------------------------------------------------


def test_a_leader_publishes_the_filed_copy_with_a_step_and_an_audit_entry(demo):
    archive = make_archive(demo.xilian, 2021)
    publish(archive, demo.users["xilian_leader"])
    assert reloaded(archive).published_at is not None and archive.published_by == demo.users["xilian_leader"]
    assert steps(archive.report) == [(ReportStep.Action.PUBLISH, "xilian_leader")]
    entry = audit_entries(archive).get()
    assert entry.action == AuditLog.Action.UPDATE and entry.username == "xilian_leader"
    assert entry.detail == {"操作": "公开", "修订版次": 1} and "published_at" in entry.changes


@pytest.mark.parametrize("username", ["xilian_staff", "county_office", "maichen_leader"])
def test_only_a_leader_of_the_township_publishes(demo, username):
    with scopes_disabled():
        User.objects.create(username="maichen_leader", role=Role.LEADER, township=demo.maichen)
    archive = make_archive(demo.xilian, 2021)
    with pytest.raises(PermissionDenied):
        publish(archive, User.objects.get(username=username))
    assert reloaded(archive).published_at is None and steps(archive.report) == []


def test_a_report_that_is_not_archived_is_refused_and_nothing_is_written(demo):
    archive = make_archive(demo.xilian, 2021, revision=1, state="draft")
    report = archive.report
    report.revision = 2
    report.save()  # a correction in progress: revision 2 is a 草稿
    with pytest.raises(ValidationError) as refused:
        publish(archive, demo.users["xilian_leader"])
    assert refused.value.messages == ["只有已归档的报告才能公开：本报告第2版目前为“草稿”，请归档后再公开。"]
    assert reloaded(archive).published_at is None and steps(report) == []
    assert not audit_entries(archive).exists()


def test_a_copy_is_published_once(demo):
    archive = make_archive(demo.xilian, 2021, published_at=at("2022-03-02 10:00"))
    with pytest.raises(ValidationError, match="第1版已于2022年3月2日公开"):
        publish(archive, demo.users["xilian_leader"])


def test_the_leader_publishes_from_the_townships_archive_page(client, demo):
    archive = make_archive(demo.xilian, 2021)
    demo.client_for(client, "xilian_leader")
    page = reverse("reports:archive_list", kwargs={"township": demo.xilian.code, "year": 2021})
    assert "公开</button>" in client.get(page).content.decode()
    url = reverse("reports:archive_publish", kwargs={"township": demo.xilian.code, "year": 2021, "revision": 1})
    response = client.post(url)
    assert response["Location"] == page
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["第1版已公开，任何人无需登录即可查看和下载。"]
    assert reloaded(archive).published_at is not None
    after = client.get(page).content.decode()
    assert "公开</button>" not in after
    assert reverse("gongkai:year", kwargs={"county_code": "440825", "year": 2021}) in after


def test_staff_see_no_publish_button(client, demo):
    make_archive(demo.xilian, 2021)
    page = demo.client_for(client, "xilian_staff").get(
        reverse("reports:archive_list", kwargs={"township": demo.xilian.code, "year": 2021})).content.decode()
    assert "第1版" in page and "公开</button>" not in page


# --- the public page -----------------------------------------------------------------------------------------


@pytest.fixture
def published_and_not(demo):
    """西连镇 2021 published; 迈陈镇 2021 filed but not published; 迈陈镇 2020 a draft; another county's 2021
    published."""
    with scopes_disabled():
        other = County.objects.create(code="440823", name="遂溪县")
        other_township = Township.objects.create(county=other, code="440823100", name="遂城镇")
    return {
        "published": make_archive(demo.xilian, 2021, published_at=at("2022-03-02 10:00")),
        "unpublished": make_archive(demo.maichen, 2021),
        "draft": make_report(demo.maichen, 2020),
        "other_county": make_archive(other_township, 2021, published_at=at("2022-03-01 10:00")),
    }


def test_the_public_page_needs_no_login_and_lists_only_the_countys_published_reports(client, published_and_not):
    for url in ("/gongkai/440825/", "/gongkai/440825/2021/"):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert 'data-published="西连镇-2021"' in page and "2022年3月2日公开" in page and "第1版" in page
        assert "迈陈镇" not in page and "遂城镇" not in page
        assert public_pdf_url(published_and_not["published"]) in page


def test_a_published_pdf_is_the_filed_copy_byte_for_byte(client, published_and_not):
    archive = published_and_not["published"]
    response = client.get(public_pdf_url(archive))
    assert response["Content-Type"] == "application/pdf" and response["Content-Disposition"].startswith("inline")
    assert sha256(response) == archive.pdf_sha256


def test_unpublished_draft_and_other_countys_pdfs_are_404_without_login(client, demo, published_and_not):
    unpublished, other = published_and_not["unpublished"], published_and_not["other_county"]
    assert client.get(public_pdf_url(unpublished)).status_code == 404
    # another county's published copy, asked for under this county's address
    assert client.get(reverse("gongkai:pdf", kwargs={
        "county_code": "440825", "year": 2021, "township_code": other.report.township.code, "revision": 1,
    })).status_code == 404
    assert client.get(reverse("gongkai:pdf", kwargs={
        "county_code": "440825", "year": 2020, "township_code": demo.maichen.code, "revision": 1,
    })).status_code == 404
    assert client.get("/gongkai/999999/").status_code == 404


def test_the_public_page_links_to_nothing_else_of_the_portal(client, published_and_not):
    for url in ("/gongkai/440825/", "/gongkai/440825/2021/"):
        page = client.get(url).content.decode()
        links = re.findall(r'href="([^"]+)"', page)
        assert links
        assert all(link.startswith(("/gongkai/", "/static/", "data:")) for link in links), links
        for portal in ("/t/", "/county/", "/admin/", "/accounts/", "/audit/"):
            assert portal not in page


def test_a_published_correction_replaces_the_earlier_copy(client, demo):
    first = make_archive(demo.xilian, 2021, revision=1, published_at=at("2022-03-02 10:00"))
    second = make_archive(demo.xilian, 2021, revision=2, archived_at=at("2022-05-01 10:00"))
    assert client.get(public_pdf_url(first)).status_code == 200  # until the correction is published
    publish(second, demo.users["xilian_leader"])
    page = client.get("/gongkai/440825/2021/").content.decode()
    assert "第2版" in page and "第1版" not in page
    assert client.get(public_pdf_url(first)).status_code == 404
    assert sha256(client.get(public_pdf_url(second))) == second.pdf_sha256


def test_the_public_page_shows_how_close_the_publication_deadline_is(client, demo, time_machine):
    time_machine.move_to("2022-03-20 09:00 +08:00", tick=False)
    make_archive(demo.xilian, 2021, published_at=at("2022-03-02 10:00"))
    page = client.get("/gongkai/440825/").content.decode()
    assert ("2021年度报告应于2022年4月1日前公开：已公开 <strong id=\"published-count\">1</strong> / 2 个镇（街道），"
            "还剩12天") in page
    assert 'class="alert alert-warning"' in page
    time_machine.move_to("2022-04-03 09:00 +08:00", tick=False)
    late = client.get("/gongkai/440825/2021/").content.decode()
    assert "已逾期2天（期限已过）" in late and 'class="alert alert-danger"' in late


def test_login_is_still_required_everywhere_else(client, published_and_not):
    for url in (reverse("county_reports"), reverse("reports:archive_pdf", kwargs={
            "township": "440825106", "year": 2021, "revision": 1})):
        assert client.get(url)["Location"].startswith(reverse("login"))


def test_the_township_page_says_which_copy_is_public(client, demo):
    make_archive(demo.xilian, 2021, revision=1, published_at=at("2022-03-02 10:00"))
    make_archive(demo.xilian, 2021, revision=2, published_at=at("2022-05-02 10:00"))
    page = demo.client_for(client, "xilian_staff").get(
        reverse("reports:archive_list", kwargs={"township": demo.xilian.code, "year": 2021})).content.decode()
    assert "公开中</span> 2022年5月2日" in page and "已由第2版取代</span> 2022年3月2日公开" in page


def test_when_every_township_has_published_the_deadline_is_met(client, demo, time_machine):
    time_machine.move_to("2022-04-20 09:00 +08:00", tick=False)
    for township in (demo.xilian, demo.maichen):
        make_archive(township, 2021, published_at=at("2022-03-02 10:00"))
    page = client.get("/gongkai/440825/2021/").content.decode()
    assert 'class="alert alert-success"' in page and "/ 2 个镇（街道）。" in page and "逾期" not in page


def test_the_page_says_why_a_copy_cannot_be_published(client, demo):
    archive = make_archive(demo.xilian, 2021, state="approved")
    url = reverse("reports:archive_publish", kwargs={"township": demo.xilian.code, "year": 2021, "revision": 1})
    response = demo.client_for(client, "xilian_leader").post(url)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "只有已归档的报告才能公开：本报告第1版目前为“已审定”，请归档后再公开。"]
    assert reloaded(archive).published_at is None
