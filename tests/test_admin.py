import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from disputes.models import CalendarDay
from tests.conftest import PASSWORD
from xilian.models import AuditLog, User
from xilian.roles import ROLE_PERMISSIONS, Perm, Role

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


def _change_form_data(response):
    """The POST data of an admin change page as it was loaded (main form, inline rows, management forms)."""
    data, forms = {}, [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): value for name, value in management.initial.items()})
        forms.extend(inline.formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:
                data[form.add_prefix(name)] = "on" if value is True else value
    return data


def test_a_password_change_in_the_admin_is_audited_without_the_hash(client, demo):
    user = demo.users["maichen_staff"]
    client.force_login(demo.users["admin"])
    response = client.post(f"/admin/xilian/user/{user.pk}/password/", {
        "password1": "Another@Pass2", "password2": "Another@Pass2", "usable_password": "true",
    })
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Another@Pass2")
    row = AuditLog.objects.get(action=AuditLog.Action.UPDATE, username="admin", object_id=str(user.pk))
    assert (row.username, row.detail) == ("admin", {"操作": "修改密码"})
    assert user.password not in str(row.changes) + str(row.detail)


def test_a_refused_password_change_writes_no_row(client, demo):
    user = demo.users["maichen_staff"]
    client.force_login(demo.users["admin"])
    client.post(f"/admin/xilian/user/{user.pk}/password/", {"password1": "a", "password2": "b"})
    assert not AuditLog.objects.filter(action=AuditLog.Action.UPDATE).exists()


def test_villages_edited_inline_on_a_township_are_audited_one_by_one(client, demo):
    client.force_login(demo.users["admin"])
    url = f"/admin/xilian/township/{demo.maichen.pk}/change/"
    data = _change_form_data(client.get(url))
    renamed = demo.maichen.villages.get(name="东港村")
    index = next(i for i in range(len(demo.maichen.villages.all())) if data[f"villages-{i}-id"] == renamed.pk)
    data[f"villages-{index}-name"] = "东港新村"
    total = int(data["villages-TOTAL_FORMS"])
    data.update({"villages-TOTAL_FORMS": total + 1, f"villages-{total}-name": "迈陈新社区",
                 f"villages-{total}-kind": "community", f"villages-{total}-code": "440825105009"})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    rows = AuditLog.objects.filter(username="admin").exclude(action=AuditLog.Action.LOGIN).order_by("id")
    assert [(row.action, row.object_repr) for row in rows] == [
        (AuditLog.Action.CREATE, "迈陈新社区"), (AuditLog.Action.UPDATE, "东港新村"),
    ]
    assert rows[1].changes == {"name": ["东港村", "东港新村"]} and rows[1].township == demo.maichen
    assert rows[0].changes["code"] == [None, "440825105009"]


def test_the_admin_offers_no_django_groups(client, demo):
    client.force_login(demo.users["admin"])
    assert "auth/group" not in client.get("/admin/").content.decode()
    assert client.get("/admin/auth/group/").status_code == 404


def test_an_account_cannot_change_its_own_role_township_or_status(demo):
    admin_user = demo.users["admin"]
    for change in ({"role": "county", "county": demo.county}, {"is_active": False}):
        account = User.objects.get(pk=admin_user.pk)
        account.edited_by = admin_user
        for name, value in change.items():
            setattr(account, name, value)
        with pytest.raises(ValidationError) as refused:
            account.full_clean()
        assert "不能修改自己账号的角色" in str(refused.value)
    admin_user.edited_by = admin_user
    admin_user.full_name = "系统管理员（张）"
    admin_user.full_clean()  # the rest of one's own account stays editable


def test_another_admin_may_change_an_admins_role(demo):
    colleague = User.objects.create(username="admin2", role="admin")
    account = User.objects.get(pk=demo.users["admin"].pk)
    account.edited_by = colleague
    account.role, account.county = "county", demo.county
    account.full_clean()


def test_the_admin_cannot_make_himself_the_county_office(client, demo):
    admin_user = demo.users["admin"]
    client.force_login(admin_user)
    url = f"/admin/xilian/user/{admin_user.pk}/change/"
    page = client.get(url)
    assert "role" not in page.context["adminform"].form.fields
    data = {**_change_form_data(page), "role": "county", "county": demo.county.pk, "is_active": ""}
    assert client.post(url, data).status_code == 302
    admin_user.refresh_from_db()
    assert (admin_user.role, admin_user.county, admin_user.is_active) == ("admin", None, True)
    assert not admin_user.visible_townships().exists()
    assert not AuditLog.objects.filter(action=AuditLog.Action.UPDATE).exists()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
def test_the_admin_and_the_auditor_read_no_records_even_as_django_superusers(client, demo, role):
    """三员分立 holds by construction: one role per account, and every check reads the role (User.can), never
    is_superuser, groups or Django permissions."""
    assert not ROLE_PERMISSIONS[role] & {Perm.VIEW_RECORDS, Perm.EDIT_RECORDS, Perm.VIEW_COUNTY}
    user = User.objects.create(username=f"super_{role}", role=role, is_superuser=True, is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    client.force_login(user)
    assert client.get(reverse("township_home", kwargs={"township": demo.xilian.code})).status_code == 403
    assert client.get(reverse("county_overview")).status_code == 403


def test_a_user_added_in_the_admin_is_audited_without_the_password(client, demo):
    client.force_login(demo.users["admin"])
    response = client.post("/admin/xilian/user/add/", {
        "username": "xilian_staff2", "full_name": "黄丽", "role": "staff", "township": demo.xilian.pk, "county": "",
        "password1": "Another@Pass2", "password2": "Another@Pass2", "usable_password": "true",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="xilian_staff2")
    row = AuditLog.objects.get(action=AuditLog.Action.CREATE, username="admin", object_id=str(user.pk))
    assert row.changes["role"] == [None, "staff"] and "password" not in row.changes


def test_the_admin_login_page_opens_and_lets_the_system_admin_in(client, demo):
    assert "用户名" in client.get("/admin/login/").content.decode()
    client.post("/admin/login/", {"username": "admin", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7")
    assert "用户与组织管理" in client.get("/admin/").content.decode()
