from datetime import date

import pytest

from disputes.models import CalendarDay, SlaRule
from disputes.workdays import WorkCalendar
from xilian.models import AuditLog

pytestmark = pytest.mark.django_db


def test_the_admin_edits_categories_sla_and_calendar_days(client, demo):
    client.force_login(demo.users["admin"])
    index = client.get("/admin/").content.decode()
    for table in ("纠纷类型", "办理时限", "节假日与调休"):
        assert table in index
    for model in ("disputecategory", "slarule", "calendarday"):
        assert client.get(f"/admin/disputes/{model}/").status_code == 200


def test_the_admin_adds_an_announced_day_that_deadlines_then_follow(client, demo):
    client.force_login(demo.users["admin"])
    response = client.post("/admin/disputes/calendarday/add/", {"date": "2021-10-08", "note": "临时放假"})
    assert response.status_code == 302
    assert CalendarDay.objects.get().is_workday is False
    assert WorkCalendar.load().add_working_days(date(2021, 9, 30), 1) == date(2021, 10, 9)
    assert AuditLog.objects.filter(object_repr__contains="2021-10-08").exists()


def test_the_sla_table_starts_with_guangdongs_defaults():
    assert dict(SlaRule.objects.values_list("request_type", "working_days")) == {
        "consultation": 2, "help": 10, "suggestion": 10, "complaint": 15, "report": 15,
    }


def test_a_township_user_cannot_reach_the_tables(client, demo):
    client.force_login(demo.users["xilian_staff"])
    assert client.get("/admin/disputes/slarule/").status_code == 302
