"""Creating a year's report from last year's, and editing its sections: numbering follows order, figures follow the
records, every write is audited."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from django_scopes import ScopeError, scope, scopes_disabled

from reports.models import Part, Report, ReportSection
from reports.rendering import report_html
from reports.selectors import report_figures
from reports.services import DOWN, UP, report_create, section_add, section_delete, section_move, section_update
from tests.permissions.disputes import make_dispute
from xilian.models import AuditLog

pytestmark = pytest.mark.django_db
RESOLVED = {"resolution_method": "people_mediation"}


def _text(report):
    with scope(township=report.township):
        return strip_tags(report_html(report, report_figures(report=report))).replace("\n", "")


def _section_audits(action):
    return AuditLog.objects.filter(action=action, content_type=ContentType.objects.get_for_model(ReportSection))


@pytest.fixture
def report_2021(demo, staff):
    with scope(township=demo.xilian):
        report = report_create(township=demo.xilian, user=staff, year=2021)
        report.dated_on = date(2021, 12, 8)
        report.intro = "现将2021年度情况报告如下："
        report.save()
        measures = section_add(report=report, user=staff, part=Part.MEASURES, heading="依法化解矛盾纠纷",
                               body="受理各类纠纷{{disputes_received}}，化解率{{dispute_resolution_rate}}。")
        section_add(report=report, user=staff, part=Part.MEASURES, parent=measures, heading="权责明确。", body="甲。")
        section_add(report=report, user=staff, part=Part.NEXT_YEAR, body="继续做好普法。")
    return report


def test_a_first_report_starts_with_the_five_parts_empty_and_is_audited(demo, staff):
    with scope(township=demo.xilian):
        report = report_create(township=demo.xilian, user=staff, year=2021)
        assert (report.state, report.signed_by, report.sections.count()) == (
            Report.State.DRAFT, "徐闻县西连镇人民政府", 0,
        )
    assert "一、推进法治政府建设的主要举措和成效二、推进法治政府建设存在的不足和原因" in _text(report)
    audit = AuditLog.objects.get(action=AuditLog.Action.CREATE, object_id=str(report.pk),
                                 content_type=ContentType.objects.get_for_model(Report))
    assert (audit.actor, audit.township) == (staff, demo.xilian)


def test_a_second_report_for_the_same_year_is_refused(report_2021, demo, staff):
    with scope(township=demo.xilian), pytest.raises(ValidationError, match="本镇已有2021年度报告"):
        report_create(township=demo.xilian, user=staff, year=2021)


def test_next_years_report_copies_the_structure_and_text_with_that_years_figures(report_2021, demo, staff):
    make_dispute(demo.xilian, received_on=date(2021, 3, 2))
    for day in (3, 4, 5):  # 2022: three received, one resolved
        make_dispute(demo.xilian, received_on=date(2022, 4, day))
    make_dispute(demo.xilian, received_on=date(2022, 4, 6), resolved_on=date(2022, 4, 7), **RESOLVED)
    with scope(township=demo.xilian):
        report_2022 = report_create(township=demo.xilian, user=staff, year=2022)
        report_2022.dated_on = date(2022, 12, 1)
        report_2022.save()
    assert "受理各类纠纷1宗，化解率0%。" in _text(report_2021)
    text = _text(report_2022)
    assert text.startswith("西连镇2022年度法治政府建设情况报告现将2021年度情况报告如下：")
    assert "（一）依法化解矛盾纠纷受理各类纠纷4宗，化解率25%。1、权责明确。甲。" in text
    assert "四、下一步推进法治政府建设的主要安排继续做好普法。" in text
    assert "2022年12月1日" in text
    with scope(township=demo.xilian):
        copied = list(report_2022.sections.values_list("part", "parent__heading", "heading", "body"))
        original = list(report_2021.sections.values_list("part", "parent__heading", "heading", "body"))
        assert copied == original
        assert not report_2022.sections.filter(parent__report=report_2021).exists()


def test_numbering_is_regenerated_when_a_section_moves(report_2021, demo, staff):
    with scope(township=demo.xilian):
        second = section_add(report=report_2021, user=staff, part=Part.MEASURES, heading="强化组织领导")
        assert "（一）依法化解矛盾纠纷" in _text(report_2021) and "（二）强化组织领导" in _text(report_2021)
        section_move(section=second, user=staff, direction=UP)
    text = _text(report_2021)
    assert "（一）强化组织领导（二）依法化解矛盾纠纷" in text
    assert _section_audits(AuditLog.Action.UPDATE).filter(object_id=str(second.pk)).exists()


def test_moving_points_renumbers_them_and_the_ends_stay_put(report_2021, demo, staff):
    with scope(township=demo.xilian):
        first_point = ReportSection.objects.get(report=report_2021, heading="权责明确。")
        second_point = section_add(report=report_2021, user=staff, part=Part.MEASURES, parent=first_point.parent,
                                   heading="严格监督。", body="乙。")
        section_move(section=first_point, user=staff, direction=UP)  # already first
        section_move(section=second_point, user=staff, direction=DOWN)  # already last
        assert "1、权责明确。甲。2、严格监督。乙。" in _text(report_2021)
        section_move(section=first_point, user=staff, direction=DOWN)
    assert "1、严格监督。乙。2、权责明确。甲。" in _text(report_2021)


def test_a_changed_record_moves_the_figure_in_the_report(report_2021, demo):
    assert "受理各类纠纷0宗，化解率—。" in _text(report_2021)
    make_dispute(demo.xilian, received_on=date(2021, 5, 1), resolved_on=date(2021, 5, 3), **RESOLVED)
    assert "受理各类纠纷1宗，化解率100%。" in _text(report_2021)
    make_dispute(demo.xilian, received_on=date(2021, 12, 9))  # after the 成文日期: not counted
    assert "受理各类纠纷1宗，化解率100%。" in _text(report_2021)


def test_section_update_and_delete_are_audited_and_delete_takes_the_points(report_2021, demo, staff):
    with scope(township=demo.xilian):
        sub_part = ReportSection.objects.get(report=report_2021, heading="依法化解矛盾纠纷")
        sub_part_pk = str(sub_part.pk)
        section_update(section=sub_part, user=staff, heading="化解矛盾纠纷", body="正文。")
        update = _section_audits(AuditLog.Action.UPDATE).get(object_id=str(sub_part.pk))
        assert update.changes["heading"] == ["依法化解矛盾纠纷", "化解矛盾纠纷"]
        section_delete(section=sub_part, user=staff)
        assert list(report_2021.sections.values_list("body", flat=True)) == ["继续做好普法。"]
    delete = _section_audits(AuditLog.Action.DELETE).get(object_id=sub_part_pk)
    assert (delete.actor, delete.township, delete.detail) == (staff, demo.xilian, {"一并删除的要点数": 1})


def test_a_point_cannot_have_points(report_2021, demo, staff):
    with scope(township=demo.xilian):
        point = ReportSection.objects.get(report=report_2021, heading="权责明确。")
        with pytest.raises(ValidationError, match="要点只能放在小节之下"):
            section_add(report=report_2021, user=staff, part=Part.MEASURES, parent=point, heading="再分一层")
        assert report_2021.sections.count() == 3


def test_a_query_outside_a_township_scope_raises(report_2021):
    with pytest.raises(ScopeError):
        list(Report.objects.all())
    with pytest.raises(ScopeError):
        list(ReportSection.objects.all())


def test_a_scope_shows_only_its_townships_reports(report_2021, demo, staff):
    with scope(township=demo.maichen):
        report_create(township=demo.maichen, user=staff, year=2021)
        assert list(Report.objects.values_list("township__name", flat=True)) == ["迈陈镇"]
        assert not ReportSection.objects.exists()
    with scopes_disabled():
        assert Report.objects.count() == 2


def test_an_oversized_body_is_refused_and_nothing_is_written(report_2021, demo, staff):
    with scope(township=demo.xilian):
        section = ReportSection.objects.get(report=report_2021, heading="权责明确。")
        with pytest.raises(ValidationError, match="正文不能超过20000字"):
            section_update(section=section, user=staff, heading="权责明确。", body="字" * 20001)
        with pytest.raises(ValidationError, match="正文不能超过20000字"):
            section_add(report=report_2021, user=staff, part=Part.OTHER, body="字" * 20001)
        section.refresh_from_db()
        assert (section.body, report_2021.sections.count()) == ("甲。", 3)
    assert not _section_audits(AuditLog.Action.UPDATE).filter(object_id=str(section.pk)).exists()


@pytest.mark.parametrize("year", [1999, 2101])
def test_an_implausible_year_is_refused(demo, staff, year):
    with scope(township=demo.xilian), pytest.raises(ValidationError, match="年度不能"):
        report_create(township=demo.xilian, user=staff, year=year)
    with scopes_disabled():
        assert not Report.objects.exists()
