"""The 工作台: its 登记 buttons come from the record apps, for users who enter records."""

import pytest
from django.urls import reverse

from disputes.ledgers import TicketResource
from tests.test_ledger_import import TICKET_HEADER, run, ticket_row, xlsx

pytestmark = pytest.mark.django_db


def home(client, demo, username):
    demo.client_for(client, username)
    return client.get(reverse("township_home", kwargs={"township": demo.xilian.code})).content.decode()


def create_url(demo, name):
    return reverse(name, kwargs={"township": demo.xilian.code})


def test_it_offers_staff_a_button_for_each_kind_of_record(client, demo):
    page = home(client, demo, "xilian_staff")
    for label, name in [
        ("登记工单", "disputes:ticket_create"),
        ("登记纠纷", "disputes:dispute_create"),
        ("登记普法活动", "publicity:event_create"),
        ("登记学法", "publicity:study_create"),
    ]:
        assert f'href="{create_url(demo, name)}"><i class="bi bi-' in page and label in page


def test_it_offers_no_entry_buttons_to_a_leader_who_enters_nothing(client, demo):
    page = home(client, demo, "xilian_leader")
    assert "登记工单" not in page and create_url(demo, "disputes:ticket_create") not in page


def test_the_rates_on_the_home_page_say_how_they_are_counted(client, demo):
    run(TicketResource, demo.xilian, xlsx([TICKET_HEADER, ticket_row("XW1")]))
    page = home(client, demo, "xilian_leader")
    assert "未到期的在办工单和退单不计入" in page and "联系不上、拒绝回访和未回访的不计入" in page
