import pytest
from django.urls import reverse

from tests.conftest import PASSWORD
from xilian.models import AuditLog

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


def test_it_logs_in_and_lands_on_the_township_home(client, demo):
    response = _login(client, "xilian_staff", PASSWORD)
    assert response.status_code == 302
    home = client.get(response["Location"], follow=True)
    assert home.redirect_chain[-1][0] == f"/t/{demo.xilian.code}/"
    assert "西连镇工作台" in home.content.decode()


def test_the_login_page_is_chinese(client):
    page = client.get(reverse("login")).content.decode()
    assert "用户登录" in page and "用户名" in page and "密码" in page


def test_a_wrong_password_and_an_unknown_user_get_the_same_message(client, demo):
    wrong_password = _login(client, "xilian_staff", "Wrong@Pass1").content.decode()
    unknown_user = _login(client, "nobody_here", "Wrong@Pass1").content.decode()
    message = "用户名或密码不正确"
    assert message in wrong_password and message in unknown_user
    assert "nobody_here" not in unknown_user.replace('value="nobody_here"', "")


def test_it_locks_the_account_on_that_address_after_five_failures(client, demo):
    for _ in range(5):
        _login(client, "xilian_staff", "Wrong@Pass1")
    locked = _login(client, "xilian_staff", PASSWORD)
    assert locked.status_code == 429
    assert "已被锁定" in locked.content.decode() and "30分钟" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_account_and_address(client, demo):
    for _ in range(5):
        _login(client, "xilian_staff", "Wrong@Pass1")
    other_address = client.post(
        reverse("login"), {"username": "xilian_staff", "password": PASSWORD}, REMOTE_ADDR="10.0.0.8"
    )
    assert other_address.status_code == 302


def test_the_lock_lifts_after_thirty_minutes(client, demo, time_machine):
    time_machine.move_to("2026-03-02 09:00 +08:00", tick=False)
    for _ in range(5):
        _login(client, "xilian_staff", "Wrong@Pass1")
    time_machine.move_to("2026-03-02 09:29 +08:00", tick=False)
    assert _login(client, "xilian_staff", PASSWORD).status_code == 429
    time_machine.move_to("2026-03-02 09:31 +08:00", tick=False)
    assert _login(client, "xilian_staff", PASSWORD).status_code == 302


def test_it_logs_out_after_thirty_idle_minutes(client, demo, time_machine):
    time_machine.move_to("2026-03-02 09:00 +08:00", tick=False)
    _login(client, "xilian_staff", PASSWORD)
    home = f"/t/{demo.xilian.code}/"
    time_machine.move_to("2026-03-02 09:29 +08:00", tick=False)
    assert client.get(home).status_code == 200
    time_machine.move_to("2026-03-02 09:58 +08:00", tick=False)
    assert client.get(home).status_code == 200
    time_machine.move_to("2026-03-02 10:29 +08:00", tick=False)
    response = client.get(home)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "自动退出" in client.get(response["Location"]).content.decode()
    logout = AuditLog.objects.get(action=AuditLog.Action.LOGOUT)
    assert logout.username == "xilian_staff" and "长时间未操作" in logout.detail["原因"]


def test_logins_failures_and_logouts_are_audited_with_the_address(client, demo):
    _login(client, "xilian_staff", "Wrong@Pass1")
    _login(client, "xilian_staff", PASSWORD)
    client.post(reverse("logout"), REMOTE_ADDR="10.0.0.7")
    rows = list(AuditLog.objects.filter(username="xilian_staff").order_by("id")
                .values_list("action", "username", "ip_address"))
    assert rows == [
        ("login_failed", "xilian_staff", "10.0.0.7"),
        ("login", "xilian_staff", "10.0.0.7"),
        ("logout", "xilian_staff", "10.0.0.7"),
    ]
