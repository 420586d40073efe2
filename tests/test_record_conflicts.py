"""Three ways two clerks can collide, one Chinese conflict message, and nothing written by the later one."""

import pytest
from django.urls import reverse
from django_scopes import scope

from disputes import services
from disputes.forms import TicketForm
from disputes.models import Ticket
from tests.permissions.disputes import make_ticket
from tests.test_disputes_views import _ticket_data
from xilian.records import STALE_MESSAGE, StaleRecordError

pytestmark = pytest.mark.django_db


def _url(demo, name, **kwargs):
    return reverse(f"disputes:{name}", kwargs={"township": demo.xilian.code, **kwargs})


def test_an_edit_that_does_not_say_which_version_it_changes_is_refused(client, demo):
    ticket = make_ticket(demo.xilian)
    demo.client_for(client, "xilian_staff")
    data = _ticket_data(demo, ticket_number=ticket.ticket_number, title="没有版本号的修改")
    response = client.post(_url(demo, "ticket_edit", pk=ticket.pk), data)
    assert STALE_MESSAGE in response.content.decode()
    with scope(township=demo.xilian):
        ticket.refresh_from_db()
    assert (ticket.title, ticket.version) != ("没有版本号的修改", 2)


@pytest.mark.parametrize("loaded_version", [None, 1])
def test_a_void_of_a_record_changed_meanwhile_or_without_a_version_is_refused(client, demo, loaded_version):
    ticket = make_ticket(demo.xilian)
    with scope(township=demo.xilian):
        Ticket.objects.filter(pk=ticket.pk).update(version=2, title="他人刚改过")
    demo.client_for(client, "xilian_staff")
    data = {"reason": "重复录入"} | ({} if loaded_version is None else {"loaded_version": loaded_version})
    response = client.post(_url(demo, "ticket_void", pk=ticket.pk), data)
    assert STALE_MESSAGE in response.content.decode()
    with scope(township=demo.xilian):
        assert not Ticket.objects.get(pk=ticket.pk).is_voided


def test_two_clerks_registering_the_same_ticket_number_at_once_get_the_conflict_message(demo, staff):
    with scope(township=demo.xilian):
        form = TicketForm(_ticket_data(demo), township=demo.xilian)
        assert form.is_valid()  # the form's own check passed: the other clerk's save lands just after it
        make_ticket(demo.xilian, ticket_number=form.cleaned_data["ticket_number"])
        with pytest.raises(StaleRecordError):
            services.ticket_save(township=demo.xilian, user=staff, form=form)
        assert form.non_field_errors() == [STALE_MESSAGE]
        assert Ticket.objects.count() == 1


def test_a_service_runs_without_a_request_for_a_command_or_a_job(demo, staff):
    with scope(township=demo.xilian):
        form = TicketForm(_ticket_data(demo), township=demo.xilian)
        assert form.is_valid()
        ticket = services.ticket_save(township=demo.xilian, user=staff, form=form)
        assert (ticket.township, ticket.created_by) == (demo.xilian, staff)
        assert ticket.steps.get().recorded_by == staff
