from datetime import date

from django_scopes import scope

from tests.permissions import READERS, Page
from xilian.roles import Role

STAFF_ONLY = frozenset({Role.STAFF})
LEADER_ONLY = frozenset({Role.LEADER})


def make_report(township, year=2021, **fields):
    from reports.models import Report

    with scope(township=township):
        report, _ = Report.objects.get_or_create(township=township, year=year, defaults=fields)
    return report


def make_section(report, **fields):
    from reports.models import Part, ReportSection

    with scope(township=report.township):
        return ReportSection.objects.create(report=report, **{"part": Part.MEASURES, "position": 1,
                                                               "heading": "强化组织领导", "body": "甲。", **fields})


def move_report(report, *actions, users):
    """Walk the report through the workflow: actions such as "submit", "approve", "archive", as the demo's
    xilian_staff (submit, archive, revise) and xilian_leader (approve, return)."""
    from reports import workflow

    by = {"submit": "xilian_staff", "approve": "xilian_leader", "return": "xilian_leader",
          "archive": "xilian_staff", "revise": "xilian_staff"}
    with scope(township=report.township):
        for action in actions:
            comment = {"comment": "请补充数据。"} if action in ("return", "revise") else {}
            report.refresh_from_db()
            getattr(workflow, f"report_{action}")(report=report, user=users[by[action]],
                                                  loaded_version=report.version, **comment)
        report.refresh_from_db()
    return report


def _report(demo, **fields):
    return make_report(demo.xilian, dated_on=date(2021, 12, 8), **fields)


def _report_kwargs(demo):
    return {"township": demo.xilian.code, "year": _report(demo).year}


def _section_kwargs(demo):
    return {**_report_kwargs(demo), "pk": make_section(_report(demo)).pk}


def _step(action, *before):
    def kwargs(demo):
        move_report(_report(demo), *before, users=demo.users)
        return {**_report_kwargs(demo), "action": action}

    return kwargs


def _chart_kwargs(demo):
    return {"township": demo.xilian.code, "key": "villages"}


PAGES = [
    Page("reports:report_list", READERS),
    Page("reports:report_new", STAFF_ONLY, method="post", data={"year": "2020"}, ok_status=302),
    Page("reports:report_preview", READERS, kwargs=_report_kwargs),
    Page("reports:report_edit", STAFF_ONLY, kwargs=_report_kwargs),
    Page("reports:report_details", STAFF_ONLY, kwargs=_report_kwargs, method="post",
         data={"intro": "导语", "dated_on": "2021-12-08", "loaded_version": 1}, ok_status=302),
    Page("reports:report_live_preview", STAFF_ONLY, kwargs=_report_kwargs, method="post",
         data={"part": 1, "heading": "新小节", "body": "未保存。"}),
    Page("reports:section_new", STAFF_ONLY, kwargs=_report_kwargs, method="post",
         data={"part": 1, "heading": "新小节", "body": ""}, ok_status=302),
    Page("reports:section_edit", STAFF_ONLY, kwargs=_section_kwargs, method="post",
         data={"heading": "改", "body": "乙。"}, ok_status=302),
    Page("reports:section_move", STAFF_ONLY, kwargs=_section_kwargs, method="post", data={"direction": "up"},
         ok_status=302),
    Page("reports:section_delete", STAFF_ONLY, kwargs=_section_kwargs),
    Page("reports:section_delete", STAFF_ONLY, kwargs=_section_kwargs, method="post", ok_status=302),
    Page("reports:report_step", STAFF_ONLY, kwargs=_step("submit")),
    Page("reports:report_step", LEADER_ONLY, kwargs=_step("approve", "submit")),
    Page("reports:report_step", LEADER_ONLY, kwargs=_step("return", "submit"), method="post",
         data={"comment": "请补充数据。", "loaded_version": 2}, ok_status=302),
    Page("reports:report_step", STAFF_ONLY, kwargs=_step("archive", "submit", "approve")),
    Page("reports:report_pdf", READERS, kwargs=_report_kwargs),
    Page("reports:report_docx", READERS, kwargs=_report_kwargs),
    Page("reports:chart_xlsx", READERS, kwargs=_chart_kwargs),
]
