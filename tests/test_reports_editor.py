"""The report editor: staff open a year, write the five parts with generated numbering, refer to figures from a
picker, are warned about numbers typed where a figure belongs, and see the stored report beside the editor. Only a
草稿 can be edited; the county office reads and writes nothing."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.urls import reverse
from django.utils.html import strip_tags
from django_scopes import scope, scopes_disabled

from reports.models import Part, Report, ReportSection
from tests.permissions.disputes import make_dispute
from tests.permissions.reports import make_report, make_section, move_report
from xilian.models import AuditLog

pytestmark = pytest.mark.django_db


def _url(name, demo, year=2021, **kwargs):
    return reverse(f"reports:{name}", kwargs={"township": demo.xilian.code, "year": year, **kwargs})


@pytest.fixture
def clerk(client, demo):
    return demo.client_for(client, "xilian_staff")


@pytest.fixture
def report(demo):
    return make_report(demo.xilian, dated_on=date(2021, 12, 8))


def _sections(report):
    with scope(township=report.township):
        # Sub-parts (no parent) before points on every database: PostgreSQL sorts NULL last by default.
        return list(report.sections.order_by("part", F("parent").asc(nulls_first=True), "position").values_list(
            "heading", flat=True))


def _editor(clerk, demo, query=""):
    return clerk.get(_url("report_edit", demo) + query).content.decode()


def _preview_text(page):
    return strip_tags(page.split('id="preview"')[1])


def test_staff_open_a_new_year_from_the_list_with_last_years_structure(clerk, demo, report):
    make_section(report, heading="强化组织领导", body="受理纠纷{{disputes_received}}。")
    response = clerk.post(reverse("reports:report_new", kwargs={"township": demo.xilian.code}), {"year": "2022"})
    assert response["Location"] == _url("report_edit", demo, year=2022)
    with scope(township=demo.xilian):
        new = Report.objects.get(township=demo.xilian, year=2022)
    assert (new.state, _sections(new)) == (Report.State.DRAFT, ["强化组织领导"])
    page = clerk.get(_url("report_edit", demo, year=2022)).content.decode()
    assert '<span class="report-number">（一）</span>强化组织领导' in page and "受理纠纷{{disputes_received}}。" in page


def test_a_year_already_written_or_out_of_range_is_refused_in_chinese(clerk, demo, report):
    list_url = reverse("reports:report_new", kwargs={"township": demo.xilian.code})
    assert "本镇已有2021年度报告。" in clerk.post(list_url, {"year": "2021"}).content.decode()
    assert "年度应在2000年至" in clerk.post(list_url, {"year": "1999"}).content.decode()
    with scopes_disabled():
        assert Report.objects.count() == 1


def test_the_editor_shows_the_five_parts_and_numbers_sub_parts_and_points_in_order(clerk, demo, report):
    first = make_section(report, heading="强化组织领导", position=1)
    make_section(report, heading="深化执法责任制", position=2)
    make_section(report, heading="", body="存在不足。", part=Part.SHORTCOMINGS)
    make_section(report, heading="权责明确。", parent=first, position=1)
    page = _editor(clerk, demo)
    for heading in ["一、推进法治政府建设的主要举措和成效", "二、推进法治政府建设存在的不足和原因",
                    "三、党政主要负责人履行推进法治政府建设第一责任人职责情况", "四、下一步推进法治政府建设的主要安排",
                    "五、其他需要报告的情况"]:
        assert heading in page
    assert '<span class="report-number">（一）</span>强化组织领导' in page
    assert '<span class="report-number">（二）</span>深化执法责任制' in page
    assert '<span class="report-number">1、</span>权责明确。' in page
    assert '<span class="report-number"></span>（本部分正文，不编号）' in page


def test_adding_a_sub_part_and_a_point_through_the_pages(clerk, demo, report):
    response = clerk.post(_url("section_new", demo), {"part": "1", "heading": "强化组织领导", "body": "甲。"})
    with scope(township=demo.xilian):
        sub_part = ReportSection.objects.get(report=report, heading="强化组织领导")
    assert response["Location"] == f"{_url('report_edit', demo)}#section-{sub_part.pk}"
    clerk.post(_url("section_new", demo), {"parent": sub_part.pk, "heading": "权责明确。", "body": "乙。"})
    with scope(township=demo.xilian):
        point = ReportSection.objects.get(report=report, heading="权责明确。")
    assert (point.parent, point.part) == (sub_part, Part.MEASURES)
    assert "（一）强化组织领导" in _preview_text(_editor(clerk, demo))
    assert "1、权责明确。乙。" in _preview_text(_editor(clerk, demo))


def test_moving_a_sub_part_up_renumbers_it_in_the_editor_and_the_preview(clerk, demo, report):
    make_section(report, heading="甲项工作", position=1)
    second = make_section(report, heading="乙项工作", position=2)
    clerk.post(_url("section_move", demo, pk=second.pk), {"direction": "up"})
    page = _editor(clerk, demo)
    assert '<span class="report-number">（一）</span>乙项工作' in page
    assert '<span class="report-number">（二）</span>甲项工作' in page
    preview = _preview_text(page)
    assert preview.index("（一）乙项工作") < preview.index("（二）甲项工作")


def test_editing_a_section_saves_heading_and_body_and_is_audited(clerk, demo, report):
    section = make_section(report)
    form = _editor(clerk, demo, f"?edit={section.pk}")
    assert f'action="{_url("section_edit", demo, pk=section.pk)}"' in form and 'id="id_body"' in form
    clerk.post(_url("section_edit", demo, pk=section.pk), {"heading": "严格实行监督", "body": "镇政府每年报告。"})
    section.refresh_from_db()
    assert (section.heading, section.body) == ("严格实行监督", "镇政府每年报告。")
    audit = AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(ReportSection),
                                    object_id=str(section.pk), action=AuditLog.Action.UPDATE).get()
    assert audit.changes["heading"] == ["强化组织领导", "严格实行监督"]


def test_a_heading_too_long_is_refused_with_the_form_and_nothing_is_written(clerk, demo, report):
    section = make_section(report)
    response = clerk.post(_url("section_edit", demo, pk=section.pk), {"heading": "长" * 201, "body": "乙。"})
    page = response.content.decode()
    assert response.status_code == 400 and "请修改以下标出的项目" in page and 'id="id_heading-error"' in page
    section.refresh_from_db()
    assert section.heading == "强化组织领导"


def test_deleting_asks_first_and_removes_the_points_with_it(clerk, demo, report):
    sub_part = make_section(report)
    make_section(report, parent=sub_part, heading="权责明确。")
    confirm = clerk.get(_url("section_delete", demo, pk=sub_part.pk)).content.decode()
    assert "将删除：<strong>强化组织领导</strong>，连同其下的1个要点" in confirm
    assert _sections(report) == ["强化组织领导", "权责明确。"]
    clerk.post(_url("section_delete", demo, pk=sub_part.pk))
    assert _sections(report) == []


def test_the_report_details_are_edited_with_their_version(clerk, demo, report):
    data = {"intro": "现将情况报告如下：", "dated_on": "2021-12-08", "figures_as_of": "2021-11-30",
            "signed_by": "徐闻县西连镇人民政府", "loaded_version": report.version}
    clerk.post(_url("report_details", demo), data)
    report.refresh_from_db()
    assert (report.intro, report.figures_as_of) == ("现将情况报告如下：", date(2021, 11, 30))
    stale = clerk.post(_url("report_details", demo), {**data, "intro": "旧页面上的修改"})
    assert "记录已被他人修改，请刷新后再试" in stale.content.decode()
    report.refresh_from_db()
    assert report.intro == "现将情况报告如下："


def test_the_figure_picker_lists_each_figure_with_its_value_definition_and_reference(clerk, demo, report):
    make_dispute(demo.xilian, received_on=date(2021, 3, 2))
    page = _editor(clerk, demo, "?edit=details")
    picker = page.split('class="card figure-picker"')[1]
    assert 'data-target="id_intro"' in picker
    assert 'data-token="{{disputes_received}}"' in picker
    assert '<code class="small figure-token">{{disputes_received}}</code>' in picker
    assert "纠纷受理数" in picker and ">1宗<" in picker
    assert 'title="口径：本年度受理日期在统计截止日期及以前的矛盾纠纷宗数（已作废的不计）。"' in picker


def test_a_typed_number_equal_to_a_figure_is_saved_with_a_warning(clerk, demo, report):
    for day in (2, 3, 4):
        make_dispute(demo.xilian, received_on=date(2021, 3, day))
    section = make_section(report)
    response = clerk.post(_url("section_edit", demo, pk=section.pk), {"heading": "化解纠纷", "body": "受理纠纷3宗。"},
                          follow=True)
    page = response.content.decode()
    assert "已保存。这个数字来自记录，请插入指标：纠纷受理数（3宗）、纠纷在办数（3宗）。" in page
    assert 'class="alert alert-warning py-1 px-2 mt-2 mb-0 small typed-figure-warning"' in page
    section.refresh_from_db()
    assert section.body == "受理纠纷3宗。"
    clerk.post(_url("section_edit", demo, pk=section.pk),
               {"heading": "化解纠纷", "body": "受理纠纷{{disputes_received}}。"})
    assert "typed-figure-warning" not in _editor(clerk, demo)


def test_a_submitted_report_cannot_be_edited(clerk, demo, report):
    section = make_section(report)
    move_report(report, "submit", users=demo.users)
    response = clerk.get(_url("report_edit", demo), follow=True)
    assert "报告已提交，不能再修改" in response.content.decode()
    assert response.redirect_chain[-1][0] == _url("report_preview", demo)
    refused = clerk.post(_url("section_edit", demo, pk=section.pk), {"heading": "偷改", "body": ""}, follow=True)
    assert "报告已提交，不能再修改" in refused.content.decode()
    clerk.post(_url("section_new", demo), {"part": "1", "heading": "新增", "body": ""})
    clerk.post(_url("section_delete", demo, pk=section.pk))
    assert _sections(report) == ["强化组织领导"]


def test_the_county_office_cannot_open_the_editor_nor_write_anything(client, demo, report):
    section = make_section(report)
    county = demo.client_for(client, "county_office")
    log_before = AuditLog.objects.count()
    assert county.get(_url("report_edit", demo)).status_code == 403
    posts = [
        (reverse("reports:report_new", kwargs={"township": demo.xilian.code}), {"year": "2022"}),
        (_url("report_details", demo), {"intro": "县里改的", "loaded_version": report.version}),
        (_url("section_new", demo), {"part": "1", "heading": "县里加的"}),
        (_url("section_edit", demo, pk=section.pk), {"heading": "县里改的"}),
        (_url("section_move", demo, pk=section.pk), {"direction": "down"}),
        (_url("section_delete", demo, pk=section.pk), {}),
    ]
    assert [county.post(url, data).status_code for url, data in posts] == [403] * len(posts)
    report.refresh_from_db()
    assert (report.intro, _sections(report), AuditLog.objects.count()) == ("", ["强化组织领导"], log_before)
    with scopes_disabled():
        assert Report.objects.count() == 1


def test_the_submit_page_lists_the_numbers_typed_where_a_figure_belongs(clerk, demo, report):
    make_dispute(demo.xilian, received_on=date(2021, 3, 2))
    sub_part = make_section(report, heading="化解纠纷", body="受理纠纷{{disputes_received}}。")
    make_section(report, parent=sub_part, heading="权责明确。", body="又受理1宗。")
    page = clerk.get(_url("report_step", demo, action="submit")).content.decode()
    warning = page.split('id="typed-figures"')[1].split("</div>\n  </div>")[0]
    assert "一、（一）1、权责明确。：纠纷受理数（1宗）" in warning and "化解纠纷：" not in warning
