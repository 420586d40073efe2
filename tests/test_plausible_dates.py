"""Dates outside 2000 to next year are refused next to the field (year 1 was a 500: it cannot be stored as UTC)."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from disputes.models import Dispute, Ticket
from publicity.models import Event
from tests.permissions.disputes import make_ticket
from tests.test_disputes_views import _dispute_data, _ticket_data
from tests.test_disputes_views import _url as disputes_url
from tests.test_publicity_views import _event_data
from tests.test_publicity_views import _url as publicity_url
from xilian.validators import validate_plausible_date

pytestmark = pytest.mark.django_db


def _range_message():
    return f"日期应在2000年至{timezone.localdate().year + 1}年之间。"


@pytest.fixture
def staff_client(client, demo):
    return demo.client_for(client, "xilian_staff")


@pytest.mark.parametrize("value", [date(1999, 12, 31), datetime(1, 1, 1), date(timezone.localdate().year + 2, 1, 1)])
def test_it_refuses_dates_outside_the_range(value):
    with pytest.raises(ValidationError, match=_range_message()):
        validate_plausible_date(value)


@pytest.mark.parametrize("value", [date(2000, 1, 1), datetime(timezone.localdate().year + 1, 12, 31, 23, 59)])
def test_it_accepts_the_ends_of_the_range(value):
    validate_plausible_date(value)


@pytest.mark.parametrize("received_at", ["0001-01-01T00:00", "1999-12-31T23:59"])
def test_a_ticket_received_in_year_1_is_a_form_error(staff_client, demo, received_at):
    response = staff_client.post(disputes_url(demo, "ticket_create"), _ticket_data(demo, received_at=received_at))
    assert response.status_code == 200
    assert response.context["form"].errors == {"received_at": [_range_message()]}
    with scopes_disabled():
        assert not Ticket.objects.exists()


def test_a_ticket_signed_in_year_1_is_a_form_error(staff_client, demo):
    ticket = make_ticket(demo.xilian)
    response = staff_client.post(disputes_url(demo, "ticket_action", pk=ticket.pk, action="sign"),
                                 {"signed_at": "0001-01-01T00:00", "loaded_version": ticket.version})
    assert response.context["form"].errors == {"signed_at": [_range_message()]}
    ticket.refresh_from_db()
    assert (ticket.state, ticket.signed_at) == (Ticket.State.RECEIVED, None)


def test_a_dispute_received_in_year_1_is_a_form_error(staff_client, demo):
    response = staff_client.post(disputes_url(demo, "dispute_create"), _dispute_data(demo, received_on="0001-01-01"))
    assert response.context["form"].errors == {"received_on": [_range_message()]}
    with scopes_disabled():
        assert not Dispute.objects.exists()


def test_an_event_dated_1999_is_a_form_error(staff_client, demo):
    response = staff_client.post(publicity_url("event_create", demo), _event_data(date="1999-12-04"))
    assert response.context["form"].errors == {"date": [_range_message()]}
    with scope(township=demo.xilian):
        assert not Event.objects.exists()
