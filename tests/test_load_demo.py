import pytest
from django.core.management import CommandError, call_command
from django_scopes import scopes_disabled

from xilian.models import Township, User, Village

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_env(monkeypatch, settings):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "Demo#2021x")


def test_it_loads_the_county_its_townships_villages_and_users(demo_env):
    call_command("load_demo")
    xilian = Township.objects.get(name="西连镇")
    assert xilian.county.full_name == "广东省湛江市徐闻县"
    assert xilian.villages.count() == 16 and Township.objects.get(name="迈陈镇").villages.count() == 8
    assert set(xilian.villages.filter(kind="community").values_list("name", flat=True)) == {"海滨社区", "西连社区"}
    assert set(User.objects.values_list("username", flat=True)) == {
        "xilian_staff", "xilian_leader", "maichen_staff", "county_office", "auditor", "admin"
    }
    assert User.objects.get(username="xilian_leader").check_password("Demo#2021x")


def test_it_can_run_twice(demo_env):
    call_command("load_demo")
    with scopes_disabled():
        counts = (Township.objects.count(), Village.objects.count(), User.objects.count())
    call_command("load_demo")
    with scopes_disabled():
        assert (Township.objects.count(), Village.objects.count(), User.objects.count()) == counts


def test_it_refuses_when_debug_is_off(demo_env, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo")
    call_command("load_demo", force=True)
    assert User.objects.exists()


def test_it_refuses_a_weak_demo_password(demo_env, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo")
    with pytest.raises(CommandError, match="DEMO_PASSWORD"):
        call_command("load_demo")
