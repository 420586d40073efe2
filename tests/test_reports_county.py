"""The county office's reports page: every township × year with its state, filing date, deadline countdowns and
downloads; the townships that have not filed; the year's zip with its manifest. Also the township-scoped download
of a filed copy, which the county page links to."""

import csv
import hashlib
import io
import zipfile
from datetime import datetime
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from reports.archives import MANIFEST_HEADER, MANIFEST_NAME
from tests.permissions.reports import make_report
from tests.permissions.reports_archives import make_archive
from xilian.models import Township

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def at(text):
    return timezone.make_aware(datetime.fromisoformat(text))


def county_page(client, demo, **query):
    demo.client_for(client, "county_office")
    return client.get(reverse("county_reports"), query)


def cell(response, township, year):
    (found,) = [c for t, cells in response.context["table"].rows if t.name == township for c in cells if c.year == year]
    return found


def cell_texts(found):
    return [found.state_label] + [d.text for d in found.deadlines]


def test_it_shows_each_townships_state_filing_date_and_countdown(client, demo, time_machine):
    time_machine.move_to("2022-02-10 09:00 +08:00", tick=False)
    make_archive(demo.xilian, 2021, archived_at=at("2022-01-15 10:00"))
    make_report(demo.maichen, 2021)
    response = county_page(client, demo)
    assert response.context["year"] == 2021
    xilian, maichen = cell(response, "西连镇", 2021), cell(response, "迈陈镇", 2021)
    assert cell_texts(xilian) == ["已归档", "已按期报送", "还剩50天"]
    assert cell_texts(maichen) == ["草稿", "还剩19天", "还剩50天"]
    page = response.content.decode()
    assert "报送 2022年1月15日" in page and "2021年度" in page
    assert [t.name for t in response.context["summary"].missing] == ["迈陈镇"]
    assert 'class="alert alert-warning"' in page and 'data-missing="迈陈镇"' in page
    assert 'data-missing="西连镇"' not in page


def test_past_the_deadline_the_missing_are_shown_as_overdue(client, demo, time_machine):
    time_machine.move_to("2022-03-05 09:00 +08:00", tick=False)
    make_archive(demo.xilian, 2021, archived_at=at("2022-03-03 16:00"))
    response = county_page(client, demo)
    assert cell_texts(cell(response, "西连镇", 2021))[1] == "逾期2天报送"
    assert cell_texts(cell(response, "迈陈镇", 2021)) == ["未开始", "已逾期4天", "还剩27天"]
    page = response.content.decode()
    assert 'class="alert alert-danger"' in page and "2021年度报告未报送（1个）" in page


def test_far_from_the_deadline_the_missing_list_is_quiet(client, demo, time_machine):
    time_machine.move_to("2021-11-01 09:00 +08:00", tick=False)
    page = county_page(client, demo).content.decode()
    assert "2021年度报告未报送（2个）" in page and 'class="alert alert-light border"' in page


def test_a_published_report_shows_its_publication(client, demo, time_machine):
    time_machine.move_to("2022-03-20 09:00 +08:00", tick=False)
    make_archive(demo.xilian, 2021, archived_at=at("2022-02-01 10:00"), published_at=at("2022-02-02 10:00"))
    assert cell_texts(cell(county_page(client, demo), "西连镇", 2021))[1:] == ["已按期报送", "已按期公开"]


def test_the_deadlines_are_the_countys(client, demo, time_machine):
    time_machine.move_to("2022-02-10 09:00 +08:00", tick=False)
    demo.county.report_submission_due, demo.county.report_publication_due = "02-15", "03-31"
    demo.county.save()
    response = county_page(client, demo)
    assert cell_texts(cell(response, "迈陈镇", 2021)) == ["未开始", "还剩5天", "还剩49天"]
    assert "报送 2022年2月15日 · 公开 2022年3月31日" in response.content.decode()


def test_the_latest_revision_is_downloaded_and_earlier_ones_stay_reachable(client, demo, time_machine):
    time_machine.move_to("2022-05-10 09:00 +08:00", tick=False)
    make_archive(demo.xilian, 2021, revision=1, archived_at=at("2022-02-01 10:00"))
    make_archive(demo.xilian, 2021, revision=2, archived_at=at("2022-04-20 10:00"))
    response = county_page(client, demo, year="2021")
    found = cell(response, "西连镇", 2021)
    assert found.latest.revision == 2 and [a.revision for a in found.earlier] == [1]
    assert cell_texts(found)[1] == "已按期报送"  # filed on 2月1日: the correction does not move the filing date
    page = response.content.decode()
    pdf = reverse("reports:archive_pdf", kwargs={"township": demo.xilian.code, "year": 2021, "revision": 2})
    earlier = reverse("reports:archive_pdf", kwargs={"township": demo.xilian.code, "year": 2021, "revision": 1})
    assert f'data-download="pdf" href="{pdf}"' in page and f'href="{earlier}"' in page


def test_the_current_report_year_follows_the_publication_deadline(client, demo, time_machine):
    make_report(demo.xilian, 2019)
    time_machine.move_to("2022-04-02 09:00 +08:00", tick=False)
    response = county_page(client, demo)
    assert response.context["year"] == 2022
    assert [c.year for c in response.context["table"].columns] == [2022, 2021, 2020]
    assert response.context["years"] == [2022, 2021, 2020, 2019]
    picked = county_page(client, demo, year="2019")
    assert [c.year for c in picked.context["table"].columns] == [2019, 2018, 2017]
    assert county_page(client, demo, year="1999").context["year"] == 2022


def seventeen_townships(demo):
    with scopes_disabled():
        for n in range(15):
            Township.objects.create(county=demo.county, name=f"测试{n + 1}镇", code=f"440825{200 + n}")
    return list(Township.objects.filter(county=demo.county))


def test_seventeen_townships_by_three_years_take_a_fixed_number_of_queries(
        client, demo, time_machine, django_assert_max_num_queries):
    time_machine.move_to("2024-02-10 09:00 +08:00", tick=False)
    townships = seventeen_townships(demo)
    for township in townships:
        for year in (2021, 2022, 2023):
            make_archive(township, year, archived_at=at(f"{year + 1}-02-01 10:00"))
            if year == 2022:
                make_archive(township, year, revision=2, archived_at=at(f"{year + 1}-05-01 10:00"))
    demo.client_for(client, "county_office")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("county_reports"))
    assert len(response.context["table"].rows) == 17
    assert response.content.decode().count('data-download="pdf"') == 17 * 3


def test_the_years_zip_holds_each_townships_latest_copy_byte_for_byte_and_a_manifest(client, demo):
    first = make_archive(demo.xilian, 2021, revision=1)
    latest = make_archive(demo.xilian, 2021, revision=2, archived_at=at("2022-03-10 09:05"))
    maichen = make_archive(demo.maichen, 2021)
    make_archive(demo.maichen, 2020)
    demo.client_for(client, "county_office")
    response = client.get(reverse("county_reports_zip", kwargs={"year": 2021}))
    assert response.streaming and response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    members = {name: hashlib.sha256(bundle.read(name)).hexdigest() for name in bundle.namelist()}
    manifest = list(csv.reader(io.StringIO(bundle.read(MANIFEST_NAME).decode("utf-8-sig"))))
    del members[MANIFEST_NAME]
    assert sorted(members.values()) == sorted([latest.pdf_sha256, maichen.pdf_sha256])
    assert first.pdf_sha256 not in members.values()
    assert manifest[0] == MANIFEST_HEADER
    rows = {row[0]: row for row in manifest[1:]}
    assert rows["西连镇"][:6] == ["西连镇", demo.xilian.code, "2021", "2", "2022年3月10日 09:05", "王建国"]
    for row in manifest[1:]:
        assert members[row[6]] == row[7]


def test_a_year_without_filed_copies_has_no_zip(client, demo):
    make_report(demo.xilian, 2021)
    demo.client_for(client, "county_office")
    assert client.get(reverse("county_reports_zip", kwargs={"year": 2021})).status_code == 404


def test_township_users_cannot_open_the_county_pages(client, demo):
    make_archive(demo.xilian, 2021)
    for username in ("xilian_staff", "xilian_leader"):
        demo.client_for(client, username)
        assert client.get(reverse("county_reports")).status_code == 403
        response = client.get(reverse("county_reports_zip", kwargs={"year": 2021}))
        assert response.status_code == 403 and not response.streaming


def test_a_filed_copy_downloads_as_stored_for_its_township_and_the_county(client, demo):
    archive = make_archive(demo.xilian, 2021)
    url = reverse("reports:archive_pdf", kwargs={"township": demo.xilian.code, "year": 2021, "revision": 1})
    for username in ("xilian_staff", "county_office"):
        response = demo.client_for(client, username).get(url)
        assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == archive.pdf_sha256
        assert quote("西连镇2021年度法治政府建设情况报告.pdf") in response["Content-Disposition"]
    pdfa = reverse("reports:archive_pdfa", kwargs={"township": demo.xilian.code, "year": 2021, "revision": 1})
    response = demo.client_for(client, "xilian_staff").get(pdfa)
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == archive.pdfa_sha256


def test_another_townships_users_get_404_for_a_filed_copy(client, demo):
    make_archive(demo.xilian, 2021)
    demo.client_for(client, "maichen_staff")
    for name in ("reports:archive_pdf", "reports:archive_pdfa"):
        url = reverse(name, kwargs={"township": demo.xilian.code, "year": 2021, "revision": 1})
        response = client.get(url)
        assert response.status_code == 404 and not response.streaming
    own = reverse("reports:archive_pdf", kwargs={"township": demo.maichen.code, "year": 2021, "revision": 1})
    assert client.get(own).status_code == 404  # its own township has no such copy either


def test_the_county_navigation_links_the_reports_page(client, demo):
    page = county_page(client, demo).content.decode()
    assert f'<a class="nav-link active" href="{reverse("county_reports")}">' in page
    assert f'<a class="nav-link" href="{reverse("county_overview")}">' in page


def test_a_past_year_without_any_report_in_the_portal_is_not_counted_down(client, demo, time_machine):
    time_machine.move_to("2022-02-10 09:00 +08:00", tick=False)
    make_report(demo.xilian, 2021)
    response = county_page(client, demo)
    assert cell(response, "迈陈镇", 2021).counted  # the year is in use: 迈陈镇 is counted down
    old = cell(response, "迈陈镇", 2019)
    assert not old.counted and "本县该年度未在平台报送" in response.content.decode()
    assert 'data-countdown="报送">已逾期' not in response.content.decode()
    page = county_page(client, demo, year="2019").content.decode()
    assert "2019年度报告未报送（2个）" in page and 'class="alert alert-light border"' in page
