"""办理过程 in one place: steps, 办理记录 and edits (field names, never values) of a ticket or a dispute, in order."""

import pytest
from django.urls import reverse
from django_scopes import scope

from disputes.ledgers import TicketResource
from disputes.models import HandlingNote, Ticket
from tests.permissions.disputes import make_dispute, make_ticket
from tests.test_disputes_views import _ticket_data
from tests.test_ledger_import import TICKET_HEADER, run, ticket_row, xlsx
from xilian.models import AuditLog

pytestmark = pytest.mark.django_db


def _url(demo, name, **kwargs):
    return reverse(f"disputes:{name}", kwargs={"township": demo.xilian.code, **kwargs})


def _timeline(client, demo, name, pk):
    page = client.get(_url(demo, name, pk=pk))
    return [(e.title, e.note) for e in page.context["steps"]]


@pytest.fixture
def clerk(client, demo):
    return demo.client_for(client, "xilian_staff")


def test_a_handling_note_is_dated_signed_and_shown_between_the_steps(clerk, demo):
    ticket = make_ticket(demo.xilian)
    clerk.post(_url(demo, "ticket_action", pk=ticket.pk, action="sign"),
               {"signed_at": "2021-09-30T11:00", "loaded_version": ticket.version})
    response = clerk.post(_url(demo, "ticket_note", pk=ticket.pk), {
        "happened_at": "2021-10-08T09:30", "kind": "phone", "text": "电话联系林霞，约定明日现场查看。",
    })
    assert response.status_code == 302
    timeline = _timeline(clerk, demo, "ticket_detail", ticket.pk)
    assert timeline[-1] == ("办理记录 · 电话联系", "电话联系林霞，约定明日现场查看。")
    with scope(township=demo.xilian):
        assert HandlingNote.objects.get().recorded_by == demo.users["xilian_staff"]
    logged = AuditLog.objects.filter(action=AuditLog.Action.UPDATE, detail__办理记录="电话联系").get()
    assert "林霞" not in str(logged.changes) + str(logged.detail)


def test_a_note_before_the_ticket_was_received_is_refused(clerk, demo):
    ticket = make_ticket(demo.xilian)
    response = clerk.post(_url(demo, "ticket_note", pk=ticket.pk), {
        "happened_at": "2021-09-29T09:30", "kind": "phone", "text": "电话联系。",
    })
    assert response.context["form"].errors["happened_at"] == ["办理记录的时间不能早于受理时间 2021-09-30 10:00。"]
    with scope(township=demo.xilian):
        assert not HandlingNote.objects.exists()


def test_an_edit_shows_which_fields_changed_but_not_their_values_and_a_step_is_not_an_edit(clerk, demo):
    ticket = make_ticket(demo.xilian)
    data = _ticket_data(demo, ticket_number=ticket.ticket_number, caller_name="王五", loaded_version=ticket.version)
    assert clerk.post(_url(demo, "ticket_edit", pk=ticket.pk), data).status_code == 302
    with scope(township=demo.xilian):
        ticket.refresh_from_db()
    clerk.post(_url(demo, "ticket_action", pk=ticket.pk, action="sign"),
               {"signed_at": "2021-09-30T11:00", "loaded_version": ticket.version})
    timeline = _timeline(clerk, demo, "ticket_detail", ticket.pk)
    edits = [note for title, note in timeline if title == "修改"]
    assert len(edits) == 1 and "诉求人" in edits[0] and "王五" not in edits[0]
    assert [title for title, _ in timeline].count("签收") == 1


def test_a_record_created_by_an_import_says_so(clerk, demo):
    run(TicketResource, demo.xilian, xlsx([TICKET_HEADER, ticket_row("XW1")]))
    with scope(township=demo.xilian):
        ticket = Ticket.objects.get()
    assert ("导入", "由台账导入登记") in _timeline(clerk, demo, "ticket_detail", ticket.pk)


def test_a_dispute_gets_notes_too(clerk, demo):
    dispute = make_dispute(demo.xilian)
    clerk.post(_url(demo, "dispute_note", pk=dispute.pk), {
        "happened_at": "2021-03-05T15:00", "kind": "meeting", "text": "召开协调会，双方同意按原走向修复排水沟。",
    })
    assert ("办理记录 · 协调会", "召开协调会，双方同意按原走向修复排水沟。") in _timeline(
        clerk, demo, "dispute_detail", dispute.pk
    )


def test_another_townships_staff_cannot_add_a_note(client, demo):
    ticket = make_ticket(demo.xilian)
    demo.client_for(client, "maichen_staff")
    response = client.post(_url(demo, "ticket_note", pk=ticket.pk), {
        "happened_at": "2021-10-08T09:30", "kind": "phone", "text": "越权。",
    })
    assert response.status_code == 404
    with scope(township=demo.xilian):
        assert not HandlingNote.objects.exists()


def test_a_note_time_is_accepted_as_a_clerk_types_it(clerk, demo):
    ticket = make_ticket(demo.xilian)
    clerk.post(_url(demo, "ticket_note", pk=ticket.pk), {"happened_at": "2021/10/8 9:30", "kind": "site_visit",
                                                         "text": "现场核查。"})
    with scope(township=demo.xilian):
        assert HandlingNote.objects.get().happened_at.strftime("%Y-%m-%d %H:%M") == "2021-10-08 01:30"  # UTC


def test_a_ticket_of_another_township_under_ones_own_address_is_not_found(clerk, demo):
    theirs = make_ticket(demo.maichen, ticket_number="MC1")
    response = clerk.post(_url(demo, "ticket_note", pk=theirs.pk), {
        "happened_at": "2021-10-08T09:30", "kind": "phone", "text": "越权。",
    })
    assert response.status_code == 404
    assert clerk.get(_url(demo, "ticket_detail", pk=theirs.pk)).status_code == 404
