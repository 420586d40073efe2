"""The disputes app's pages, and the small factories its tests share (records in 西连镇)."""

from datetime import date, datetime

from django.utils import timezone
from django_scopes import scopes_disabled

from disputes.models import Dispute, DisputeCategory, RequestType, Ticket
from tests.permissions import READERS, Page
from xilian.roles import Role

STAFF_ONLY = frozenset({Role.STAFF})
LEADER_ONLY = frozenset({Role.LEADER})


def make_dispute(township, **fields):
    with scopes_disabled():
        defaults = {
            "case_number": f"（2021）西连调字第{Dispute.objects.count() + 1}号", "received_on": date(2021, 3, 2),
            "category": DisputeCategory.objects.get(county=township.county, name="邻里"),
            "village": township.villages.first(), "parties": "陈海、李明", "people_involved": 2,
            "summary": "因排水沟走向发生纠纷。",
        }
        return Dispute.objects.create(township=township, **{**defaults, **fields})


def make_ticket(township, **fields):
    with scopes_disabled():
        defaults = {
            "ticket_number": f"XW2021093000{Ticket.objects.count() + 1:02d}",
            "received_at": timezone.make_aware(datetime(2021, 9, 30, 10, 0)),
            "request_type": RequestType.CONSULTATION, "title": "医保缴费咨询", "content": "咨询医保缴费渠道。",
            "deadline": date(2021, 10, 9),
        }
        return Ticket.objects.create(township=township, **{**defaults, **fields})


def _dispute(demo):
    return {"township": demo.xilian.code, "pk": make_dispute(demo.xilian).pk}


def _ticket(demo):
    return {"township": demo.xilian.code, "pk": make_ticket(demo.xilian).pk}


def _ticket_action(demo):
    return {**_ticket(demo), "action": "close"}


PAGES = [
    Page("disputes:dispute_list", READERS),
    Page("disputes:dispute_create", STAFF_ONLY),
    Page("disputes:dispute_detail", READERS, kwargs=_dispute),
    Page("disputes:dispute_edit", STAFF_ONLY, kwargs=_dispute),
    Page("disputes:dispute_state", STAFF_ONLY, kwargs=_dispute),
    Page("disputes:dispute_correct", STAFF_ONLY, kwargs=_dispute),
    Page("disputes:dispute_void", STAFF_ONLY, kwargs=_dispute),
    Page("disputes:dispute_note", STAFF_ONLY, kwargs=_dispute),
    Page("disputes:dispute_supervise", LEADER_ONLY, kwargs=_dispute),
    Page("disputes:ticket_list", READERS),
    Page("disputes:ticket_overdue", READERS),
    Page("disputes:ticket_create", STAFF_ONLY),
    Page("disputes:ticket_detail", READERS, kwargs=_ticket),
    Page("disputes:ticket_edit", STAFF_ONLY, kwargs=_ticket),
    Page("disputes:ticket_action", STAFF_ONLY, kwargs=_ticket_action),
    Page("disputes:ticket_correct_time", STAFF_ONLY, kwargs=_ticket),
    Page("disputes:ticket_void", STAFF_ONLY, kwargs=_ticket),
    Page("disputes:ticket_note", STAFF_ONLY, kwargs=_ticket),
    Page("disputes:ticket_supervise", LEADER_ONLY, kwargs=_ticket),
]
