import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from xilian.audit import audit_record_change, record_snapshot
from xilian.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(demo):
    return AuditLog.objects.create(action=AuditLog.Action.LOGIN, username="xilian_staff")


def test_it_records_before_and_after_of_changed_fields_only(rf, demo, staff):
    village = demo.xilian.villages.get(name="迈谷村")
    before = record_snapshot(village)
    village.name = "迈谷村委会"
    village.save()
    request = rf.post("/", REMOTE_ADDR="10.1.2.3")
    request.user = staff
    row = audit_record_change(request=request, instance=village, before=before)
    assert row.action == AuditLog.Action.UPDATE
    assert row.changes == {"name": ["迈谷村", "迈谷村委会"]}
    assert (row.actor, row.ip_address, row.object_repr) == (staff, "10.1.2.3", "迈谷村委会")


def test_it_never_logs_excluded_fields(rf, demo, staff):
    assert "password" not in record_snapshot(staff)


def test_a_row_cannot_be_changed_through_the_model(entry):
    entry.username = "someone_else"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_rows_cannot_be_changed_through_a_queryset(entry):
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).update(username="x")
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).delete()


def test_the_database_refuses_an_update(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE xilian_auditlog SET username = 'x' WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.username == "xilian_staff"


def test_the_admin_does_not_offer_the_audit_log():
    assert AuditLog not in admin.site._registry


def test_the_audit_page_only_reads(client, demo, entry):
    client.force_login(demo.users["auditor"])
    response = client.post(reverse("audit_log"), {"action": "login"})
    assert response.status_code == 200
    assert AuditLog.objects.get(pk=entry.pk).username == "xilian_staff"
    assert "<form method=\"post\"" not in response.content.decode().replace(
        f'<form method="post" action="{reverse("logout")}">', ""
    )


def test_the_auditor_filters_by_action_and_user(client, demo):
    AuditLog.objects.create(action=AuditLog.Action.LOGIN, username="xilian_staff")
    AuditLog.objects.create(action=AuditLog.Action.LOGIN_FAILED, username="maichen_staff")
    client.force_login(demo.users["auditor"])
    page = client.get(reverse("audit_log"), {"action": "login_failed"}).context["page"]
    assert [e.username for e in page] == ["maichen_staff"]
    page = client.get(reverse("audit_log"), {"username": "xilian"}).context["page"]
    assert {e.username for e in page} == {"xilian_staff"}
