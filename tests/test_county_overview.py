"""The county office's overview: every township's key figures, all for the same year (the current one unless the
URL picks another)."""

from datetime import date

import pytest
from django.urls import reverse

from tests.permissions.disputes import make_dispute
from xilian.models import User

pytestmark = pytest.mark.django_db


def overview(client, **query):
    client.force_login(User.objects.get(username="county_office"))
    return client.get(reverse("county_overview"), query)


def received(response):
    return {township.name: {f.key: f.value for f in figures}["disputes_received"]
            for township, figures in response.context["townships"]}


@pytest.fixture
def maichen_2022_and_xilian_2026(demo, time_machine):
    time_machine.move_to("2026-02-03 09:00 +08:00", tick=False)
    make_dispute(demo.maichen, case_number="（2022）迈陈调字第1号", received_on=date(2022, 5, 6),
                 village=demo.maichen.villages.first())
    make_dispute(demo.xilian, case_number="（2026）西连调字第1号", received_on=date(2026, 1, 20))
    return demo


def test_it_shows_every_township_for_the_current_year(client, maichen_2022_and_xilian_2026):
    response = overview(client)
    assert response.context["year"] == 2026 and received(response) == {"西连镇": 1, "迈陈镇": 0}
    page = response.content.decode()
    assert "各镇（街道）2026年度" in page and page.count('data-figure="disputes_received"') == 2


def test_the_year_in_the_url_applies_to_every_township(client, maichen_2022_and_xilian_2026):
    response = overview(client, year="2022")
    assert response.context["year"] == 2022 and received(response) == {"西连镇": 0, "迈陈镇": 1}
    assert response.context["years"] == [2026, 2022]


def test_each_figure_links_to_the_townships_list_and_its_home_keeps_the_year(client, maichen_2022_and_xilian_2026):
    page = overview(client, year="2022").content.decode()
    demo = maichen_2022_and_xilian_2026
    for township in (demo.xilian, demo.maichen):
        url = reverse("disputes:dispute_list", kwargs={"township": township.code})
        assert f'href="{url}?year=2022"' in page
        assert f'href="{reverse("township_home", kwargs={"township": township.code})}?year=2022"' in page
