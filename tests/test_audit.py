import json
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from disputes.ledgers import TicketResource
from disputes.models import DEFAULT_DISPUTE_CATEGORIES, DisputeCategory, SlaRule
from publicity.apps import _seed_event_forms
from publicity.models import EventForm, Law
from publicity.services import DEFAULT_LAWS
from tests.permissions.disputes import make_dispute, make_ticket
from tests.test_ledger_import import TICKET_HEADER, run, ticket_row, xlsx
from xilian.audit import PERSONAL_HIDDEN, SYSTEM_USERNAME, audit_record_change, record_snapshot
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


def _ticket_form(demo, ticket, **overrides):
    return {
        "ticket_number": ticket.ticket_number, "received_at": "2021-09-30T10:00", "channel": "phone",
        "request_type": "consultation", "subject": "社会保障", "title": ticket.title, "content": ticket.content,
        "caller_name": ticket.caller_name, "caller_phone": "", "village": "", "handling_unit": "",
        "deadline": "2021-10-09", "loaded_version": ticket.version, **overrides,
    }


def _logged_text(**filters):
    return json.dumps(list(AuditLog.objects.filter(**filters).values("object_repr", "changes", "detail")),
                      ensure_ascii=False)


def test_a_callers_name_changed_in_the_form_is_logged_as_changed_without_the_name(client, demo):
    ticket = make_ticket(demo.xilian, caller_name="林霞")
    client.force_login(demo.users["xilian_staff"])
    url = reverse("disputes:ticket_edit", kwargs={"township": demo.xilian.code, "pk": ticket.pk})
    response = client.post(url, _ticket_form(demo, ticket, caller_name="林小霞", caller_phone="13907126138"))
    assert response.status_code == 302
    row = AuditLog.objects.get(action=AuditLog.Action.UPDATE, object_id=str(ticket.pk))
    assert row.changes["caller_name"] == [PERSONAL_HIDDEN, PERSONAL_HIDDEN]
    assert row.changes["caller_phone"] == [None, PERSONAL_HIDDEN]
    logged = _logged_text(username="xilian_staff")
    assert "林" not in logged and "****6138" not in logged and "13907126138" not in logged


def test_the_auditor_reads_that_a_personal_field_changed(client, demo):
    AuditLog.objects.create(action=AuditLog.Action.UPDATE, username="xilian_staff",
                            changes={"caller_name": [PERSONAL_HIDDEN, PERSONAL_HIDDEN], "title": ["旧", "新"]})
    client.force_login(demo.users["auditor"])
    page = client.get(reverse("audit_log")).content.decode()
    assert "已修改（内容不记录）" in page and "旧 → 新" in page


def test_a_callers_name_changed_by_an_import_is_logged_without_the_name(demo, staff):
    header = [*TICKET_HEADER, "诉求人"]
    run(TicketResource, demo.xilian, xlsx([header, [*ticket_row("XW1"), "林霞"]]), user=staff)
    run(TicketResource, demo.xilian, xlsx([header, [*ticket_row("XW1"), "林小霞"]]), user=staff)
    update = AuditLog.objects.get(action=AuditLog.Action.UPDATE)
    assert update.changes == {"caller_name": [PERSONAL_HIDDEN, PERSONAL_HIDDEN]}
    assert "林" not in _logged_text(username="xilian_staff")


def test_a_disputes_parties_and_summary_never_reach_the_log(rf, demo, staff):
    dispute = make_dispute(demo.xilian, parties="陈海、李明", summary="因排水沟走向发生纠纷。")
    request = rf.post("/")
    request.user = staff
    row = audit_record_change(request=request, instance=dispute)
    assert row.changes["parties"] == row.changes["summary"] == [None, PERSONAL_HIDDEN]
    assert "follow_up" not in row.changes  # empty before and after: nothing to say
    logged = _logged_text(pk=row.pk)
    assert "陈海" not in logged and "排水沟" not in logged and "（2021）西连调字" in logged


def _seeded(model, **filters):
    return AuditLog.objects.filter(action=AuditLog.Action.CREATE, username=SYSTEM_USERNAME, actor=None,
                                   content_type=ContentType.objects.get_for_model(model), **filters)


def test_a_new_countys_categories_and_a_new_townships_laws_are_audited_as_the_systems(demo):
    assert _seeded(DisputeCategory).count() == len(DEFAULT_DISPUTE_CATEGORIES)
    laws = _seeded(Law, township=demo.xilian)
    assert sorted(laws.values_list("object_repr", flat=True)) == sorted(DEFAULT_LAWS)
    assert laws.first().changes["name"][0] is None


def test_event_forms_seeded_after_a_migrate_are_audited_as_the_systems(db):
    EventForm.objects.filter(name="知识竞赛").delete()
    last = AuditLog.objects.order_by("pk").last()
    _seed_event_forms(sender=None)
    assert list(_seeded(EventForm, pk__gt=last.pk).values_list("object_repr", flat=True)) == ["知识竞赛"]


def test_sla_rules_seeded_by_the_migration_are_audited_as_the_systems(db):
    SlaRule.objects.filter(request_type="consultation").delete()
    last = AuditLog.objects.order_by("pk").last()
    import_module("disputes.migrations.0002_seed_tables").seed(django_apps, SimpleNamespace(connection=connection))
    assert list(_seeded(SlaRule, pk__gt=last.pk).values_list("object_repr", flat=True)) == ["咨询：2个工作日"]
