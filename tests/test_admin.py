import pytest
from django.core.exceptions import ValidationError

from disputes.models import CalendarDay
from xilian.models import AuditLog, User

pytestmark = pytest.mark.django_db


def test_only_the_system_admin_enters_the_admin(client, demo):
    for username in ("xilian_staff", "xilian_leader", "county_office", "auditor"):
        client.force_login(demo.users[username])
        response = client.get("/admin/")
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.force_login(demo.users["admin"])
    assert client.get("/admin/").status_code == 200


def test_the_admin_manages_users_and_the_tree_but_no_records(client, demo):
    client.force_login(demo.users["admin"])
    index = client.get("/admin/").content.decode()
    for model in ("用户", "县（区）", "镇（街道）", "村（社区）"):
        assert model in index
    assert "审计日志" not in index


def test_the_admin_cannot_delete_users(client, demo):
    client.force_login(demo.users["admin"])
    user = demo.users["maichen_staff"]
    assert client.get(f"/admin/xilian/user/{user.pk}/delete/").status_code == 403


def test_a_user_change_in_the_admin_is_audited(client, demo):
    client.force_login(demo.users["admin"])
    user = demo.users["maichen_staff"]
    response = client.post(f"/admin/xilian/user/{user.pk}/change/", {
        "username": user.username, "full_name": "李海燕（已调岗）", "role": "staff",
        "township": user.township_id, "county": "", "is_active": "on",
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01", "date_joined_1": "08:00:00",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    row = AuditLog.objects.get(action=AuditLog.Action.UPDATE)
    assert row.changes == {"full_name": ["李海燕", "李海燕（已调岗）"]}
    assert row.username == "admin"


def test_a_township_user_without_a_township_is_refused(demo):
    user = User(username="nowhere", role="staff")
    with pytest.raises(ValidationError) as refused:
        user.full_clean()
    assert "必须选择所属镇" in str(refused.value)


def test_a_wrong_calendar_day_can_be_deleted_and_the_deletion_is_audited(client, demo):
    day = CalendarDay.objects.create(date="2030-10-08", is_workday=False, note="录错")
    client.force_login(demo.users["admin"])
    response = client.post(f"/admin/disputes/calendarday/{day.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not CalendarDay.objects.exists()
    row = AuditLog.objects.get(action=AuditLog.Action.DELETE)
    assert row.changes["note"] == ["录错", None]


def test_the_organisation_tree_cannot_be_deleted_in_the_admin(client, demo):
    client.force_login(demo.users["admin"])
    assert client.get(f"/admin/xilian/village/{demo.xilian.villages.first().pk}/delete/").status_code == 403
