"""A multi-select id SQLite cannot hold (or no whole number at all) is an invalid choice, not an OverflowError."""

import pytest
from django_scopes import scope

from publicity.models import Event, Lawyer, Study
from tests.test_publicity_views import _event_data, _url

pytestmark = pytest.mark.django_db

TOO_LARGE = str(2**63)  # one more than the largest 64-bit id


@pytest.fixture
def staff_client(client, demo):
    return demo.client_for(client, "xilian_staff")


@pytest.mark.parametrize("chosen", [TOO_LARGE, "99999999999999999999", "0", "-5", "abc", "１"])
def test_an_event_form_id_out_of_range_is_an_invalid_choice(staff_client, demo, chosen):
    response = staff_client.post(_url("event_create", demo), _event_data(forms=[chosen]))
    assert response.context["form"].errors == {"forms": [f"选择一个有效的选项。 {chosen} 不在可用的选项中。"]}
    with scope(township=demo.xilian):
        assert not Event.objects.exists()


def test_a_study_law_id_out_of_range_is_an_invalid_choice(staff_client, demo):
    data = {"date": "2021-12-02", "form": "collective", "laws": [TOO_LARGE], "speaker": "镇法律顾问", "chair": "镇长",
            "attendees": "61", "hours": "2"}
    response = staff_client.post(_url("study_create", demo), data)
    assert response.context["form"].errors == {"laws": [f"选择一个有效的选项。 {TOO_LARGE} 不在可用的选项中。"]}
    with scope(township=demo.xilian):
        assert not Study.objects.exists()


def test_a_lawyer_village_id_out_of_range_is_an_invalid_choice(staff_client, demo):
    data = {"name": "陈伟明", "law_firm": "广东海安律师事务所", "since": "2021-01-01", "villages": [TOO_LARGE]}
    response = staff_client.post(_url("lawyer_create", demo), data)
    assert response.context["form"].errors == {"villages": [f"选择一个有效的选项。 {TOO_LARGE} 不在可用的选项中。"]}
    with scope(township=demo.xilian):
        assert not Lawyer.objects.exists()

