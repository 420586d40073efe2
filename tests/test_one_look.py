"""One look for every form and list: the same errors banner, field markup, primary buttons and list tools, from the
shared includes in templates/xilian/."""

import pytest
from django.urls import reverse

from tests.permissions.disputes import make_dispute, make_ticket

pytestmark = pytest.mark.django_db

FORMS = ["disputes:ticket_create", "disputes:dispute_create", "publicity:event_create", "publicity:study_create",
         "publicity:lawyer_create"]
LISTS = ["disputes:ticket_list", "disputes:dispute_list", "publicity:event_list", "publicity:study_list"]


@pytest.fixture
def clerk(client, demo):
    return demo.client_for(client, "xilian_staff")


def township_url(demo, name, **kwargs):
    return reverse(name, kwargs={"township": demo.xilian.code, **kwargs})


def assert_one_form_look(page):
    assert '<div class="alert alert-danger" role="alert" id="form-errors">' in page
    assert "请修改以下标出的项目" in page
    assert 'class="invalid-feedback d-block field-error"' in page and "is-invalid" in page
    assert 'class="btn btn-portal" type="submit"' in page and "btn-primary" not in page


@pytest.mark.parametrize("name", FORMS)
def test_every_record_form_with_errors_has_the_banner_and_the_shared_fields(clerk, demo, name):
    assert_one_form_look(clerk.post(township_url(demo, name), {"submitted": "1"}).content.decode())


def test_the_ticket_action_and_void_pages_look_the_same(clerk, demo):
    ticket = make_ticket(demo.xilian)
    assert_one_form_look(clerk.post(township_url(demo, "disputes:ticket_action", pk=ticket.pk, action="close"),
                                     {"loaded_version": 1}).content.decode())
    dispute = make_dispute(demo.xilian)
    void = clerk.post(township_url(demo, "disputes:dispute_void", pk=dispute.pk), {"loaded_version": 1})
    page = void.content.decode()
    assert "请修改以下标出的项目" in page
    assert 'id="id_reason-error" class="invalid-feedback d-block field-error"' in page


@pytest.mark.parametrize("name", LISTS)
def test_every_list_has_the_shared_filters_cards_and_primary_button(clerk, demo, name):
    page = clerk.get(township_url(demo, name)).content.decode()
    assert 'id="list-tools-toggle"' in page
    assert 'class="card card-body py-2 mb-3 collapse d-md-block list-tools"' in page
    assert 'id="record-cards"' in page and '<div class="table-responsive d-none d-md-block">' in page
    assert "btn-primary" not in page and 'class="btn btn-portal' in page
