"""Voided records can be found again: a read-only list per ledger for the township's own people, and the void
page's breadcrumb leads back to the module."""

import pytest
from django.urls import reverse

from tests.permissions.disputes import make_ticket
from tests.permissions.publicity import make_event

pytestmark = pytest.mark.django_db


def voided_url(demo, kind):
    return reverse("ledger_voided", kwargs={"township": demo.xilian.code, "kind": kind})


def township_url(demo, name, **kwargs):
    return reverse(name, kwargs={"township": demo.xilian.code, **kwargs})


def void_ticket(client, demo, title="重复登记"):
    ticket = make_ticket(demo.xilian, title=title)
    client.post(township_url(demo, "disputes:ticket_void", pk=ticket.pk), {"reason": "重复录入", "loaded_version": 1})
    return ticket


def test_it_lists_the_voided_tickets_with_when_who_and_why(client, demo):
    demo.client_for(client, "xilian_staff")
    ticket = void_ticket(client, demo)
    make_ticket(demo.xilian, title="仍在办理")
    demo.client_for(client, "xilian_leader")
    page = client.get(voided_url(demo, "tickets")).content.decode()
    assert f'href="{township_url(demo, "disputes:ticket_detail", pk=ticket.pk)}">{ticket}</a>' in page
    assert "重复录入" in page and str(demo.users["xilian_staff"]) in page
    assert "仍在办理" not in page


def test_every_list_page_links_to_its_voided_records(client, demo):
    demo.client_for(client, "xilian_staff")
    for name, kind in [("disputes:ticket_list", "tickets"), ("disputes:dispute_list", "disputes"),
                       ("publicity:event_list", "events"), ("publicity:study_list", "studies")]:
        page = client.get(township_url(demo, name)).content.decode()
        assert f'href="{voided_url(demo, kind)}"' in page and "已作废的记录" in page


def test_the_county_office_neither_sees_the_link_nor_the_list(client, demo):
    demo.client_for(client, "xilian_staff")
    void_ticket(client, demo)
    demo.client_for(client, "county_office")
    assert "已作废的记录" not in client.get(township_url(demo, "disputes:ticket_list")).content.decode()
    refused = client.get(voided_url(demo, "tickets"))
    assert refused.status_code == 403 and "重复录入" not in refused.content.decode()


def test_another_townships_voided_records_are_not_listed(client, demo):
    demo.client_for(client, "maichen_staff")
    other = make_ticket(demo.maichen, title="迈陈的工单")
    voided = client.post(reverse("disputes:ticket_void", kwargs={"township": demo.maichen.code, "pk": other.pk}),
                         {"reason": "迈陈作废", "loaded_version": 1})
    assert voided.status_code == 302
    demo.client_for(client, "xilian_staff")
    assert "迈陈作废" not in client.get(voided_url(demo, "tickets")).content.decode()


def test_the_void_page_breadcrumb_has_the_module_and_the_record(client, demo):
    demo.client_for(client, "xilian_staff")
    ticket = make_ticket(demo.xilian)
    page = client.get(township_url(demo, "disputes:ticket_void", pk=ticket.pk)).content.decode()
    assert f'<a href="{township_url(demo, "disputes:ticket_list")}">12345工单</a>' in page
    assert f'<a href="{township_url(demo, "disputes:ticket_detail", pk=ticket.pk)}">{ticket}</a>' in page
    event = make_event(demo.xilian)
    page = client.get(township_url(demo, "publicity:event_void", pk=event.pk)).content.decode()
    assert f'<a href="{township_url(demo, "publicity:event_list")}">普法活动</a>' in page
