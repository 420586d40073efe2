"""The migration that brings extensions recorded before the rules under them."""

from datetime import date, datetime
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone
from django_scopes import scopes_disabled

from disputes.models import Ticket, TicketStep
from tests.permissions.disputes import make_ticket

pytestmark = pytest.mark.django_db

backfill = import_module("disputes.migrations.0011_extensions_granted_before_the_rules").backfill


def _legacy(demo, number, applied):
    ticket = make_ticket(demo.xilian, ticket_number=number)  # received 2021-09-30, deadline 2021-10-09
    with scopes_disabled():
        Ticket.objects.filter(pk=ticket.pk).update(extended_deadline=date(2021, 11, 1), extension_reason="需核实")
        TicketStep.objects.create(ticket=ticket, action=TicketStep.Action.EXTEND,
                                  happened_at=timezone.make_aware(datetime.combine(applied, datetime.min.time())))
    return ticket


def test_an_extension_applied_in_time_is_kept_and_one_applied_when_overdue_is_withdrawn(demo):
    in_time, overdue = _legacy(demo, "XW1", date(2021, 10, 8)), _legacy(demo, "XW2", date(2021, 10, 31))
    backfill(apps, None)
    with scopes_disabled():
        in_time, overdue = Ticket.objects.get(pk=in_time.pk), Ticket.objects.get(pk=overdue.pk)
        assert (in_time.extended_deadline, in_time.extension_applied_on) == (date(2021, 11, 1), date(2021, 10, 8))
        in_time.full_clean(exclude=["created_by"])  # valid under the rules now
        assert overdue.extended_deadline is None and overdue.due == date(2021, 10, 9)
        note = overdue.steps.get(action=TicketStep.Action.CORRECT).note
        assert note.startswith("撤销延期至 2021-11-01：2021-10-31 申请时已逾期")
        assert overdue.steps.filter(action=TicketStep.Action.EXTEND).exists()  # the history stays
