"""The editor's live preview: what a clerk types in an open form is rendered into the whole report with its figures
written in, and the figures it types as plain numbers are named, without anything being written. Same permissions
as editing: staff of the township, a 草稿 only."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import strip_tags
from django_scopes import scope

from reports.models import TEXT_MAX_LENGTH, Part, ReportSection
from tests.permissions.disputes import make_dispute
from tests.permissions.reports import make_report, make_section, move_report
from xilian.models import AuditLog

pytestmark = pytest.mark.django_db


def _url(demo, township=None):
    return reverse("reports:report_live_preview", kwargs={"township": (township or demo.xilian).code, "year": 2021})


@pytest.fixture
def clerk(client, demo):
    return demo.client_for(client, "xilian_staff")


@pytest.fixture
def report(demo):
    for day in (2, 3, 4):
        make_dispute(demo.xilian, received_on=date(2021, 3, day))
    return make_report(demo.xilian, dated_on=date(2021, 12, 8))


def _stored(report):
    with scope(township=report.township):
        report.refresh_from_db()
        sections = list(report.sections.order_by("part", "position").values_list("pk", "heading", "body"))
    return report.version, report.intro, sections, AuditLog.objects.count()


def _text(response):
    return strip_tags(response.json()["html"]).replace("\n", "")


def test_the_unsaved_body_is_shown_in_place_with_its_figures_and_nothing_is_written(clerk, demo, report):
    first = make_section(report, heading="强化组织领导", body="甲。", position=1)
    make_section(report, heading="深化执法责任制", body="乙。", position=2)
    before = _stored(report)
    response = clerk.post(_url(demo), {"section": first.pk, "heading": "依法化解纠纷",
                                       "body": "全年受理纠纷{{disputes_received}}，尚未保存。"})
    text = _text(response)
    assert "主要举措和成效（一）依法化解纠纷全年受理纠纷3宗，尚未保存。（二）深化执法责任制乙。" in text
    assert "强化组织领导" not in text
    assert '<div class="report-unsaved"><h3><strong class="report-heading report-sub-part">（一）依法化解纠纷' in (
        response.json()["html"])
    assert _stored(report) == before


def test_a_new_section_appears_last_in_its_part_and_a_new_point_last_under_its_sub_part(clerk, demo, report):
    sub_part = make_section(report, heading="强化组织领导", body="甲。")
    make_section(report, heading="权责明确。", body="乙。", parent=sub_part)
    before = _stored(report)
    text = _text(clerk.post(_url(demo), {"part": Part.MEASURES, "heading": "新的小节", "body": "丙。"}))
    assert "（一）强化组织领导甲。1、权责明确。乙。（二）新的小节丙。二、" in text
    text = _text(clerk.post(_url(demo), {"parent": sub_part.pk, "heading": "新的要点。", "body": "丁。"}))
    assert "1、权责明确。乙。2、新的要点。丁。二、" in text
    text = _text(clerk.post(_url(demo), {"part": Part.OTHER, "heading": "", "body": "其他情况。"}))
    assert text.index("五、其他需要报告的情况其他情况。") < text.index("徐闻县西连镇人民政府")
    assert _stored(report) == before


def test_the_unsaved_details_are_shown_and_figures_counted_to_the_unsaved_date(clerk, demo, report):
    make_dispute(demo.xilian, received_on=date(2021, 12, 20))
    before = _stored(report)
    data = {"intro": "共受理纠纷{{disputes_received}}。", "dated_on": "2021-12-30", "figures_as_of": "",
            "signed_by": "", "loaded_version": report.version}
    text = _text(clerk.post(_url(demo), data))
    assert "西连镇2021年度法治政府建设情况报告共受理纠纷4宗。" in text
    assert text.endswith("徐闻县西连镇人民政府2021年12月30日")
    text = _text(clerk.post(_url(demo), {**data, "dated_on": "2021-12-08", "signed_by": "西连镇人民政府"}))
    assert "共受理纠纷3宗。" in text and text.endswith("西连镇人民政府2021年12月8日")
    assert _stored(report) == before


def test_numbers_typed_where_a_figure_belongs_are_named(clerk, demo, report):
    section = make_section(report)
    result = clerk.post(_url(demo), {"section": section.pk, "heading": "化解纠纷", "body": "受理纠纷3宗。"}).json()
    assert result["typed_figures"] == ["纠纷受理数（3宗）", "纠纷在办数（3宗）"]
    assert result["warning"] == "这个数字来自记录，请插入指标：纠纷受理数（3宗）、纠纷在办数（3宗）"
    result = clerk.post(_url(demo), {"section": section.pk, "heading": "化解纠纷",
                                     "body": "受理纠纷{{disputes_received}}。"}).json()
    assert (result["typed_figures"], result["warning"]) == ([], "")
    details = {"intro": "受理纠纷3宗。", "dated_on": "2021-12-08", "loaded_version": report.version}
    assert clerk.post(_url(demo), details).json()["typed_figures"] == ["纠纷受理数（3宗）", "纠纷在办数（3宗）"]


def test_too_long_or_invalid_text_gets_a_chinese_message_and_nothing_is_written(clerk, demo, report):
    section = make_section(report)
    before = _stored(report)
    response = clerk.post(_url(demo), {"section": section.pk, "heading": "甲", "body": "长" * (TEXT_MAX_LENGTH + 1)})
    assert response.status_code == 400
    assert response.json() == {"errors": [f"正文不能超过{TEXT_MAX_LENGTH}字。"]}
    response = clerk.post(_url(demo), {"intro": "导语", "dated_on": "2021-13-01", "loaded_version": report.version})
    assert response.json() == {"errors": ["请输入正确的日期，如 2021-12-08。"]}
    assert _stored(report) == before


def test_only_a_draft_is_previewed_live(clerk, demo, report):
    section = make_section(report)
    move_report(report, "submit", users=demo.users)
    response = clerk.post(_url(demo), {"section": section.pk, "heading": "偷改", "body": ""})
    assert response.status_code == 409
    assert response.json() == {"errors": ["报告已提交，不能再修改；如需修改，请镇领导退回。"]}


def test_the_editor_page_wires_the_open_form_to_the_live_preview(clerk, demo, report):
    section = make_section(report)
    page = clerk.get(reverse("reports:report_edit", kwargs={"township": demo.xilian.code, "year": 2021})
                     + f"?edit={section.pk}").content.decode()
    assert f'data-live-url="{_url(demo)}"' in page
    assert f'class="report-section-form report-live-form" data-section="{section.pk}"' in page
    assert '<div class="col-12 mt-1 live-warning" aria-live="polite"></div>' in page


def test_other_townships_sections_and_users_get_404_and_the_county_and_leaders_403(client, demo, report):
    section = make_section(report)
    other = make_report(demo.maichen)
    other_section = make_section(other, heading="迈陈的小节")
    data = {"section": section.pk, "heading": "改", "body": "乙。"}
    assert demo.client_for(client, "maichen_staff").post(_url(demo), data).status_code == 404
    for username in ("county_office", "xilian_leader"):
        assert demo.client_for(client, username).post(_url(demo), data).status_code == 403
    clerk = demo.client_for(client, "xilian_staff")
    for stranger in ({"section": other_section.pk}, {"parent": other_section.pk}, {"part": "9"}):
        response = clerk.post(_url(demo), {**stranger, "heading": "改", "body": "乙。"})
        assert response.status_code == 404 and "迈陈的小节" not in response.content.decode()
    assert clerk.post(_url(demo, township=demo.maichen), data).status_code == 404
    assert clerk.get(_url(demo), data).status_code == 405
    with scope(township=demo.maichen):
        assert ReportSection.objects.get(pk=other_section.pk).heading == "迈陈的小节"
