"""The 工作台: its 登记 buttons come from the record apps, for users who enter records."""

import pytest
from django.urls import reverse

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
