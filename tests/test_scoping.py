import pytest
from django.db import models
from django_scopes import ScopeError, scope

from xilian.models import TownshipRecord
from xilian.scoping import county_scope

pytestmark = pytest.mark.django_db


class ScopedProbe(TownshipRecord):
    """A township record used only to prove the safety net (never migrated: the queries below fail before SQL)."""

    title = models.CharField(max_length=10)

    class Meta:
        app_label = "xilian"
        managed = False


def test_a_township_query_without_a_scope_fails_loudly():
    with pytest.raises(ScopeError):
        list(ScopedProbe.objects.all())


def test_a_scoped_query_filters_by_the_township(demo):
    with scope(township=demo.xilian):
        sql = str(ScopedProbe.objects.all().query)
    assert f'"township_id" = {demo.xilian.pk}' in sql


def test_the_county_scope_is_the_list_of_its_townships_never_everything(demo):
    with county_scope(demo.users["county_office"]):
        sql = str(ScopedProbe.objects.all().query)
    assert "IN" in sql and str(demo.xilian.pk) in sql and str(demo.maichen.pk) in sql
    with county_scope(demo.users["auditor"]):
        assert list(ScopedProbe.objects.all()) == []  # an empty IN () short-circuits before any SQL


def test_the_view_receives_the_resolved_township(client, demo, staff):
    client.force_login(staff)
    response = client.get(f"/t/{demo.xilian.code}/")
    assert response.context["township"] == demo.xilian


def test_an_unknown_township_code_is_404(client, staff):
    client.force_login(staff)
    assert client.get("/t/999999999/").status_code == 404


def test_the_county_office_switches_between_townships(client, demo):
    client.force_login(demo.users["county_office"])
    for township in (demo.xilian, demo.maichen):
        page = client.get(f"/t/{township.code}/")
        assert page.status_code == 200
        assert [t.name for t in page.context["switchable_townships"]] == ["迈陈镇", "西连镇"]


def test_a_township_user_sees_no_switcher(client, demo, staff):
    client.force_login(staff)
    assert client.get(f"/t/{demo.xilian.code}/").context["switchable_townships"] == []
