"""The 工作台: its 登记 buttons come from the record apps, for users who enter records; its figures are the chosen
year's (the current one by default) beside the year before's."""

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from disputes.ledgers import TicketResource
from disputes.models import Dispute, Ticket
from reports.figures import Figure
from tests.permissions.disputes import make_dispute, make_ticket
from tests.test_ledger_import import TICKET_HEADER, run, ticket_row, xlsx
from xilian.dashboard import ComparedFigure
from xilian.models import User

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


A_2026_MORNING = "2026-01-05 08:30 +08:00"


def home_response(client, demo, username="xilian_leader", township=None, **query):
    client.force_login(User.objects.get(username=username))
    return client.get(reverse("township_home", kwargs={"township": (township or demo.xilian).code}), query)


def shown(response):
    return {item.figure.key: item.figure.value for item in response.context["figures"]}


def test_on_a_new_years_morning_it_shows_the_new_year_not_the_latest_with_records(client, demo, time_machine):
    time_machine.move_to(A_2026_MORNING, tick=False)
    make_dispute(demo.xilian)
    make_ticket(demo.xilian, state=Ticket.State.SIGNED)
    response = home_response(client, demo)
    assert response.context["year"] == 2026 and shown(response)["disputes_received"] == 0
    assert shown(response)["tickets_received"] == 0
    assert "2026年度主要数据" in response.content.decode()
    assert response.context["years"] == [2026, 2021]


def test_the_year_in_the_url_picks_the_figures_and_the_picker_keeps_it(client, demo, time_machine):
    time_machine.move_to(A_2026_MORNING, tick=False)
    make_dispute(demo.xilian)
    response = home_response(client, demo, year="2021")
    assert response.context["year"] == 2021 and shown(response)["disputes_received"] == 1
    assert '<option value="2021" selected>2021年</option>' in response.content.decode()


@pytest.mark.parametrize("asked", ["1999", "abc", "2021x", "-1", "99999999999999999999"])
def test_a_year_not_offered_falls_back_to_the_current_year(client, demo, time_machine, asked):
    time_machine.move_to(A_2026_MORNING, tick=False)
    make_dispute(demo.xilian)
    assert home_response(client, demo, year=asked).context["year"] == 2026


def test_the_change_is_counted_against_the_year_before(client, demo, time_machine):
    time_machine.move_to("2026-06-01 09:00 +08:00", tick=False)
    for day in (date(2025, 3, 2), date(2025, 4, 2), date(2025, 5, 2), date(2025, 6, 2)):
        make_dispute(demo.xilian, received_on=day)
    resolved = {"state": Dispute.State.RESOLVED, "resolution_method": Dispute.ResolutionMethod.values[0]}
    make_dispute(demo.xilian, received_on=date(2026, 3, 2), resolved_on=date(2026, 3, 9), **resolved)
    items = {item.figure.key: item for item in home_response(client, demo).context["figures"]}
    received = items["disputes_received"]
    assert (received.figure.value, received.previous.value, received.change) == (1, 4, "−3")
    assert items["dispute_resolution_rate"].change == "+100个百分点"
    assert items["ticket_closing_rate"].change == "—"


def test_each_figure_links_to_the_list_of_what_it_counts(client, demo, time_machine):
    time_machine.move_to(A_2026_MORNING, tick=False)
    page = home_response(client, demo).content.decode()
    page = page[page.index('id="year-figures"'):page.index('id="charts"')]  # the key figures, not the charts' tables
    disputes = reverse("disputes:dispute_list", kwargs={"township": demo.xilian.code})
    tickets = reverse("disputes:ticket_list", kwargs={"township": demo.xilian.code})
    assert f'href="{disputes}?year=2026"' in page and f'href="{tickets}?year=2026&amp;state=closed"' not in page
    assert f'href="{tickets}?year=2026"' in page


@pytest.mark.parametrize(("value", "previous", "unit", "change"), [
    (12, 0, "宗", "+12"), (4, 7, "宗", "−3"), (5, 5, "宗", "0"),
    (0.95, 0.9, "%", "+5个百分点"), (0.8, 0.825, "%", "−2.5个百分点"), (None, 0.5, "%", "—"),
])
def test_the_change_reads_as_a_difference_or_percentage_points(value, previous, unit, change):
    def figure(number):
        return Figure("k", "标签", unit, "口径", number, "/")

    assert ComparedFigure(figure(value), figure(previous)).change == change


@pytest.fixture
def loaded_demo(monkeypatch, settings):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "Demo#2021x")
    call_command("load_demo")


def test_the_demos_2021_shows_the_seed_reports_figures_and_this_year_is_alive(client, demo, loaded_demo):
    figures = shown(home_response(client, demo, year="2021"))
    assert (figures["disputes_received"], figures["disputes_in_progress"], figures["tickets_received"]) == (
        118, 12, 94)
    assert (figures["events"], figures["studies"]) == (9, 16)
    this_year = shown(home_response(client, demo))
    assert this_year["disputes_received"] > 0 and this_year["tickets_received"] > 0
