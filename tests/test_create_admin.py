"""create_admin: the first 系统管理员, with a password that passes the policy."""

import pytest
from django.core.management import CommandError, call_command

from xilian.models import AuditLog, User
from xilian.roles import Role

pytestmark = pytest.mark.django_db


def create(monkeypatch, password, username="it_admin"):
    monkeypatch.setenv("FIRST_ADMIN_PASSWORD", password)
    call_command("create_admin", username=username, password_from_env="FIRST_ADMIN_PASSWORD")


def test_it_creates_a_system_admin_who_can_enter_the_admin(monkeypatch, client):
    create(monkeypatch, "Xuwen#2024ok")
    user = User.objects.get(username="it_admin")
    assert (user.role, user.is_staff, user.is_superuser, user.township, user.county) == (
        Role.ADMIN, True, False, None, None)
    client.post("/admin/login/", {"username": "it_admin", "password": "Xuwen#2024ok"}, REMOTE_ADDR="10.0.0.7")
    assert "用户与组织管理" in client.get("/admin/").content.decode()
    assert AuditLog.objects.filter(action=AuditLog.Action.CREATE, object_repr="系统管理员").exists()


@pytest.mark.parametrize(("password", "message"), [("short1!", "至少需要8个字符"), ("Password1!", "这个密码太常见了"),
                                                   ("it_admin2024", "太相似"), ("countyoffice", "至少3类")])
def test_a_password_against_the_policy_is_refused_in_chinese(monkeypatch, password, message):
    with pytest.raises(CommandError, match=f"未创建：.*{message}"):
        create(monkeypatch, password)
    assert not User.objects.exists()


def test_an_existing_username_is_refused(monkeypatch):
    create(monkeypatch, "Xuwen#2024ok")
    with pytest.raises(CommandError, match="用户名 it_admin 已存在"):
        create(monkeypatch, "Another#2024")


def test_an_unset_variable_is_named(monkeypatch):
    monkeypatch.delenv("NO_SUCH_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="环境变量 NO_SUCH_PASSWORD 没有设置"):
        call_command("create_admin", username="it_admin", password_from_env="NO_SUCH_PASSWORD")


def test_it_asks_when_run_interactively(monkeypatch):
    answers = iter(["Xuwen#2024ok", "Xuwen#2024ok"])
    monkeypatch.setattr("builtins.input", lambda prompt: "county_it")
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    call_command("create_admin")
    assert User.objects.get(username="county_it").check_password("Xuwen#2024ok")


def test_two_different_passwords_typed_are_refused(monkeypatch):
    answers = iter(["Xuwen#2024ok", "Xuwen#2024no"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    with pytest.raises(CommandError, match="两次输入的密码不一致"):
        call_command("create_admin", username="county_it")
    assert not User.objects.exists()
