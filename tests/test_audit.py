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


def _save_the_instance(entry):
    entry.username = "someone_else"
    entry.save()


def _bulk_update(entry):
    entry.username = "someone_else"
    AuditLog.objects.bulk_update([entry], ["username"])


def _update_past_the_model(entry):
    AuditLog._base_manager.filter(pk=entry.pk).update(username="someone_else")


def _update_in_raw_sql(entry):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE xilian_auditlog SET username = 'someone_else' WHERE id = %s", [entry.pk])


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        (_save_the_instance, PermissionError),
        (lambda entry: entry.delete(), PermissionError),
        (lambda entry: AuditLog.objects.filter(pk=entry.pk).update(username="someone_else"), PermissionError),
        (lambda entry: AuditLog.objects.filter(pk=entry.pk).delete(), PermissionError),
        (_bulk_update, PermissionError),
        (_update_past_the_model, DatabaseError),  # the trigger
        (_update_in_raw_sql, DatabaseError),  # the trigger
    ],
    ids=["save", "delete", "queryset-update", "queryset-delete", "bulk-update", "base-manager-update", "raw-sql"],
)
def test_a_row_cannot_be_changed_or_deleted(entry, change, refusal):
    with pytest.raises(refusal), transaction.atomic():
        change(entry)
    assert list(AuditLog.objects.filter(pk=entry.pk).values_list("username", "action")) == [
        ("xilian_staff", AuditLog.Action.LOGIN)
    ]


def test_the_admin_does_not_offer_the_audit_log():
    assert AuditLog not in admin.site._registry


def test_the_audit_page_shows_entries_and_offers_no_way_to_change_them(client, demo, entry):
    client.force_login(demo.users["auditor"])
    page = client.get(reverse("audit_log")).content.decode()
    assert "<td>xilian_staff</td>" in page
    logout_form = f'<form method="post" action="{reverse("logout")}">'
    assert page.count('method="post"') == page.count(logout_form) == 1


def test_the_auditor_filters_by_action_and_user(client, demo):
    AuditLog.objects.create(action=AuditLog.Action.LOGIN, username="xilian_staff")
    AuditLog.objects.create(action=AuditLog.Action.LOGIN_FAILED, username="maichen_staff")
    client.force_login(demo.users["auditor"])
    page = client.get(reverse("audit_log"), {"action": "login_failed"}).context["page"]
    assert [e.username for e in page] == ["maichen_staff"]
    page = client.get(reverse("audit_log"), {"username": "xilian"}).context["page"]
    assert {e.username for e in page} == {"xilian_staff"}
