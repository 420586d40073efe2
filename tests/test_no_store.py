"""Nothing a signed-in user sees may stay in a browser or proxy cache (callers' names are on these pages)."""

import pytest
from django.urls import reverse

from tests.permissions.publicity import make_attachment, make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, demo):
    return demo.client_for(client, "xilian_staff")


def _assert_not_stored(response):
    assert response.status_code == 200
    assert (response["Cache-Control"], response["Pragma"]) == ("no-store", "no-cache")


def test_a_page_of_a_signed_in_user_is_not_stored(staff_client, demo):
    _assert_not_stored(staff_client.get(reverse("disputes:ticket_list", kwargs={"township": demo.xilian.code})))


def test_an_export_is_not_stored(staff_client, demo):
    url = reverse("ledger_export", kwargs={"township": demo.xilian.code, "kind": "tickets"})
    response = staff_client.get(url, {"year": "2021", "format": "csv"})
    assert response["Content-Disposition"].startswith("attachment")
    _assert_not_stored(response)


def test_an_attachment_is_not_stored(staff_client, demo):
    attachment = make_attachment(make_event(demo.xilian))
    url = reverse("publicity:attachment_file", kwargs={"township": demo.xilian.code, "pk": attachment.pk})
    _assert_not_stored(staff_client.get(url))
