"""督办: a leader's 批示 on an overdue ticket or a dispute open longer than 30 days, shown to the clerks on the record
and at the top of their 工作台 until the record moves on."""

from datetime import date, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from disputes import selectors, services
from disputes.models import Dispute, DisputeStep, Supervision, Ticket, TicketStep
from tests.permissions.disputes import make_dispute, make_ticket
from xilian.models import AuditLog, User
from xilian.roles import Role

pytestmark = pytest.mark.django_db

def SUPERVISION_TYPE():  # noqa: N802
    return ContentType.objects.get_for_model(Supervision)


INSTRUCTION = "请于本周五前办结并回复诉求人。"
LATER = timezone.make_aware(datetime(2021, 10, 8, 9))


def _url(township, name, **kwargs):
    return reverse(f"disputes:{name}", kwargs={"township": township.code, **kwargs})


def _supervise(demo, record, instruction=INSTRUCTION):
    with scopes_disabled():
        return services.supervision_create(record=record, user=demo.users["xilian_leader"], instruction=instruction)


def _open(township):
    with scopes_disabled():
        return list(selectors.open_supervisions(township=township))


def _not_yet_due_ticket(demo):
    now = timezone.now()
    return make_ticket(demo.xilian, received_at=now - timedelta(hours=1), deadline=timezone.localdate() + timedelta(5))


def test_a_leader_supervises_an_overdue_ticket_and_it_is_dated_signed_and_audited(client, demo):
    ticket = make_ticket(demo.xilian)
    leader = demo.client_for(client, "xilian_leader")
    response = leader.post(_url(demo.xilian, "ticket_supervise", pk=ticket.pk), {"instruction": INSTRUCTION})
    assert response.status_code == 302 and response["Location"] == _url(demo.xilian, "ticket_detail", pk=ticket.pk)
    with scopes_disabled():
        supervision = Supervision.objects.get()
        audit = AuditLog.objects.get(content_type=SUPERVISION_TYPE(), object_id=str(supervision.pk))
    assert (supervision.ticket, supervision.township, supervision.state) == (ticket, demo.xilian, "received")
    assert supervision.issued_by.username == "xilian_leader" and supervision.instruction == INSTRUCTION
    assert audit.action == AuditLog.Action.CREATE and audit.username == "xilian_leader"
    assert "instruction" in audit.changes


def test_a_dispute_open_longer_than_30_days_can_be_supervised_and_a_newer_one_cannot(demo):
    today = timezone.localdate()
    old = make_dispute(demo.xilian, received_on=today - timedelta(days=31))
    new = make_dispute(demo.xilian, received_on=today - timedelta(days=30))
    assert _supervise(demo, old).dispute == old
    with pytest.raises(ValidationError) as refused:
        _supervise(demo, new)
    received = f"{new.received_on:%Y年%-m月%-d日}"
    assert refused.value.messages == [f"只能督办受理超过30日仍未化解的纠纷：该纠纷受理于{received}。"]


@pytest.mark.parametrize(("fields", "message"), [
    ({"state": Ticket.State.CLOSED, "closed_at": LATER, "reply": "已答复"}, "该工单状态为“已办结”，不能督办。"),
    ({"voided_at": LATER, "void_reason": "重复录入"}, "该记录已作废，不能督办。"),
])
def test_a_closed_or_voided_ticket_is_refused_and_nothing_is_written(demo, fields, message):
    ticket = make_ticket(demo.xilian, **fields)
    with pytest.raises(ValidationError) as refused:
        _supervise(demo, ticket)
    assert refused.value.messages == [message]
    with scopes_disabled():
        assert not Supervision.objects.exists()
        assert not AuditLog.objects.filter(content_type=SUPERVISION_TYPE()).exists()


def test_a_ticket_not_yet_overdue_is_refused_with_its_deadline(client, demo):
    ticket = _not_yet_due_ticket(demo)
    leader = demo.client_for(client, "xilian_leader")
    response = leader.get(_url(demo.xilian, "ticket_supervise", pk=ticket.pk), follow=True)
    assert "只能督办已逾期的工单：该工单的办理时限为" in response.content.decode()
    assert 'id="supervise-button"' not in response.content.decode()
    with scopes_disabled():
        assert not Supervision.objects.exists()


@pytest.mark.parametrize(("instruction", "message"), [("   ", "请填写批示。"), ("督" * 201, "批示不能超过200字。")])
def test_an_empty_or_too_long_instruction_is_refused_in_chinese(client, demo, instruction, message):
    ticket = make_ticket(demo.xilian)
    leader = demo.client_for(client, "xilian_leader")
    response = leader.post(_url(demo.xilian, "ticket_supervise", pk=ticket.pk), {"instruction": instruction})
    assert response.status_code == 200 and message in response.content.decode()
    with scopes_disabled():
        assert not Supervision.objects.exists()


@pytest.mark.parametrize("username", ["xilian_staff", "county_office"])
def test_staff_and_county_cannot_supervise(client, demo, username):
    ticket = make_ticket(demo.xilian)
    response = demo.client_for(client, username).post(_url(demo.xilian, "ticket_supervise", pk=ticket.pk),
                                                      {"instruction": INSTRUCTION})
    assert response.status_code == 403
    with scopes_disabled():
        assert not Supervision.objects.exists()


def test_another_townships_leader_gets_404(client, demo):
    with scopes_disabled():
        maichen_leader = User.objects.create_user("maichen_leader", role=Role.LEADER, township=demo.maichen)
    dispute = make_dispute(demo.xilian)
    client.force_login(maichen_leader)
    response = client.post(_url(demo.xilian, "dispute_supervise", pk=dispute.pk), {"instruction": INSTRUCTION})
    assert response.status_code == 404
    with scopes_disabled():
        assert not Supervision.objects.exists()


def test_the_clerk_sees_it_on_the_record_in_its_timeline_and_atop_the_workbench(client, demo):
    ticket = make_ticket(demo.xilian)
    _supervise(demo, ticket)
    staff = demo.client_for(client, "xilian_staff")
    detail = staff.get(_url(demo.xilian, "ticket_detail", pk=ticket.pk)).content.decode()
    assert 'id="supervision-banner"' in detail and f"批示：{INSTRUCTION}" in detail and "王建国" in detail
    assert "领导督办（督办中）" in detail
    home = staff.get(reverse("township_home", kwargs={"township": demo.xilian.code})).content.decode()
    assert home.index('id="supervision-panel"') < home.index('id="year-figures"')
    assert f"工单 {ticket.ticket_number}" in home and INSTRUCTION in home


def test_it_closes_when_the_ticket_is_signed(client, demo):
    ticket = make_ticket(demo.xilian)
    _supervise(demo, ticket)
    staff = demo.client_for(client, "xilian_staff")
    staff.post(_url(demo.xilian, "ticket_action", pk=ticket.pk, action="sign"),
               {"signed_at": "2021-09-30T11:00", "loaded_version": ticket.version})
    assert _open(demo.xilian) == []
    detail = staff.get(_url(demo.xilian, "ticket_detail", pk=ticket.pk)).content.decode()
    assert 'id="supervision-banner"' not in detail and "领导督办（已推进）" in detail
    home = staff.get(reverse("township_home", kwargs={"township": demo.xilian.code})).content.decode()
    assert 'id="supervision-panel"' not in home
    with scopes_disabled():
        supervision = selectors.record_supervisions(ticket).get()
    assert supervision.closed_at == ticket.steps.get(action=TicketStep.Action.SIGN).recorded_at


def test_it_closes_when_a_state_changes_without_a_service(demo):
    """An admin or a shell that moves the record without a step still ends the 督办: it is derived, not stored."""
    ticket = make_ticket(demo.xilian)
    _supervise(demo, ticket)
    with scopes_disabled():
        Ticket.objects.filter(pk=ticket.pk).update(state=Ticket.State.SIGNED)
    assert _open(demo.xilian) == []


def test_a_dispute_that_comes_back_to_its_state_has_still_moved_on(demo):
    dispute = make_dispute(demo.xilian, state=Dispute.State.MEDIATING)
    _supervise(demo, dispute)
    assert [s.dispute for s in _open(demo.xilian)] == [dispute]
    with scopes_disabled():
        for state in (Dispute.State.TRANSFERRED, Dispute.State.MEDIATING):
            DisputeStep.objects.create(dispute=dispute, state=state, happened_on=date.today())
    assert _open(demo.xilian) == []


def test_the_overdue_list_offers_the_leader_a_supervise_button_and_marks_supervised_tickets(client, demo):
    supervised, other = make_ticket(demo.xilian), make_ticket(demo.xilian)
    _supervise(demo, supervised)
    url = _url(demo.xilian, "ticket_overdue")
    page = demo.client_for(client, "xilian_leader").get(url).content.decode()
    assert f'data-supervise="{other.ticket_number}"' in page and page.count("data-supervised>督办中") == 1
    assert "data-supervise=" not in demo.client_for(client, "xilian_staff").get(url).content.decode()
