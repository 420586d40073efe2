"""The county office's dashboard: every township's key figures side by side, all for the same year (the current
one unless the URL picks another), sortable, with the report's state, the 全县汇总 row and the xlsx of the table."""

import io
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from disputes.models import Dispute, Ticket
from reports.figures import county_figures, county_total
from tests.permissions.disputes import make_dispute, make_ticket
from tests.permissions.reports import make_report
from xilian.county_dashboard import COUNTY_COLUMNS
from xilian.models import Township, User, Village

pytestmark = pytest.mark.django_db


def overview(client, **query):
    client.force_login(User.objects.get(username="county_office"))
    return client.get(reverse("county_overview"), query)


def received(response):
    return {row.township.name: {f.key: f.value for f in row.figures}["disputes_received"]
            for row in response.context["table"].rows}


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
    assert "各镇（街道）2026年度" in page
    assert page.count('data-figure="disputes_received"') == 3  # two townships and the total


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


def _local(*args):
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def year_2026(demo, time_machine):
    """西连镇: 3 disputes (1 resolved), 2 tickets (1 closed on time, 1 open and overdue), its report submitted;
    迈陈镇: 1 dispute (resolved), 1 ticket (returned), no report."""
    time_machine.move_to("2026-02-03 09:00 +08:00", tick=False)
    resolved = {"state": Dispute.State.RESOLVED, "resolution_method": Dispute.ResolutionMethod.PEOPLE_MEDIATION}
    make_dispute(demo.xilian, case_number="（2026）西连调字第1号", received_on=date(2026, 1, 5),
                 resolved_on=date(2026, 1, 20), **resolved)
    for serial in (2, 3):
        make_dispute(demo.xilian, case_number=f"（2026）西连调字第{serial}号", received_on=date(2026, 1, 10))
    make_dispute(demo.maichen, case_number="（2026）迈陈调字第1号", received_on=date(2026, 1, 6),
                 village=demo.maichen.villages.first(), resolved_on=date(2026, 1, 8), **resolved)
    make_ticket(demo.xilian, ticket_number="A1", received_at=_local(2026, 1, 5, 9), deadline=date(2026, 1, 9),
                state=Ticket.State.CLOSED, closed_at=_local(2026, 1, 8, 9), reply="已答复。",
                satisfaction="satisfied", surveyed_at=_local(2026, 1, 9, 9), survey_method="phone")
    make_ticket(demo.xilian, ticket_number="A2", received_at=_local(2026, 1, 6, 9), deadline=date(2026, 1, 12))
    make_ticket(demo.maichen, ticket_number="B1", received_at=_local(2026, 1, 7, 9), deadline=date(2026, 1, 13),
                state=Ticket.State.RETURNED, returned_at=_local(2026, 1, 7, 10), return_reason="非本镇事权")
    make_report(demo.xilian, year=2026, state="submitted")
    return demo


def _values(figures):
    return {figure.key: figure.value for figure in figures}


def test_the_county_total_sums_counts_and_recomputes_rates_from_the_sums(year_2026):
    demo = year_2026
    with scopes_disabled():
        by_township = county_figures(county=demo.county, year=2026)
        total = county_total(by_township, year=2026)
    assert by_township[demo.xilian].dispute_resolution_rate.value == pytest.approx(1 / 3)
    assert by_township[demo.maichen].dispute_resolution_rate.value == 1
    # By hand: disputes 3 + 1 = 4 received, 1 + 1 = 2 resolved: 2 / 4, not the average of 1/3 and 1 (2/3).
    assert (total.disputes_received.value, total.disputes_resolved.value) == (4, 2)
    assert total.dispute_resolution_rate.value == 0.5 and total.disputes_in_progress.value == 2
    # Tickets: 3 received, 1 returned, 1 closed: 1 / (3 − 1); 迈陈镇 alone has no rate (nothing to handle).
    assert by_township[demo.maichen].ticket_closing_rate.value is None
    assert (total.tickets_received.value, total.ticket_closing_rate.value) == (3, 0.5)
    # On time: 1 closed on time ÷ (1 closed + 1 open overdue); satisfied 1 of 1 rated.
    assert total.ticket_on_time_rate.value == 0.5 and total.ticket_satisfaction_rate.value == 1
    villages = demo.xilian.villages.count() + demo.maichen.villages.count()
    assert (total.villages.value, total.villages_without_lawyer.value, total.villages_with_lawyer.value) == (
        villages, villages, 0)
    assert total.township is None and all(figure.list_url == "" for figure in total.values())


def test_the_page_shows_the_total_row_and_each_townships_report_state(client, year_2026):
    response = overview(client)
    table = response.context["table"]
    assert _values(table.total)["dispute_resolution_rate"] == 0.5
    page = response.content.decode()
    total_row = page[page.index('id="county-total"'):page.index("</tfoot>")]
    assert "全县汇总" in total_row
    assert '<td class="text-end" data-figure="dispute_resolution_rate">50.0%</td>' in total_row
    assert '<td class="text-end" data-figure="disputes_received">4</td>' in total_row
    states = {row.township.name: row.report_state for row in table.rows}
    assert states == {"西连镇": "已提交", "迈陈镇": "未起草"}
    assert page.count("data-report-state") == 2 and "已提交</a>" in page and "未起草</a>" in page


def _order(client, **query):
    return [row.township.name for row in overview(client, **query).context["table"].rows]


def test_it_sorts_by_any_figure_in_either_direction(client, year_2026):
    assert _order(client) == ["迈陈镇", "西连镇"]  # by 区划代码: 440825105, 440825106
    assert _order(client, sort="disputes_received", dir="desc") == ["西连镇", "迈陈镇"]
    assert _order(client, sort="dispute_resolution_rate", dir="asc") == ["西连镇", "迈陈镇"]
    assert _order(client, sort="dispute_resolution_rate", dir="desc") == ["迈陈镇", "西连镇"]
    # 迈陈镇 has no 办结率 (every ticket returned): last in both directions.
    assert _order(client, sort="ticket_closing_rate", dir="asc") == ["西连镇", "迈陈镇"]
    assert _order(client, sort="ticket_closing_rate", dir="desc") == ["西连镇", "迈陈镇"]
    assert _order(client, sort="report", dir="desc") == ["西连镇", "迈陈镇"]
    assert _order(client, sort="no_such_column", dir="desc") == ["迈陈镇", "西连镇"]


def test_the_sorted_column_header_links_to_the_other_direction(client, year_2026):
    page = overview(client, sort="disputes_received", dir="desc").content.decode()
    assert 'href="?year=2026&amp;sort=disputes_received&amp;dir=asc" data-sort="disputes_received">纠纷受理 ▼' in page
    assert 'href="?year=2026&amp;sort=events&amp;dir=desc" data-sort="events">' in page


def test_the_xlsx_holds_the_pages_figures_in_its_order_with_the_total_and_a_title(client, year_2026):
    query = {"year": "2026", "sort": "disputes_received", "dir": "desc"}
    table = overview(client, **query).context["table"]
    response = client.get(reverse("county_overview_xlsx"), query)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "2026年度" in rows[0][0] and "统计截止2026年2月3日" in rows[0][0]
    assert rows[1][0] == "镇（街道）" and rows[1][-1] == "年度报告" and "纠纷化解率" in rows[1]
    for row, expected in zip(rows[2:4], table.rows, strict=True):
        assert row[0] == expected.township.name and row[-1] == expected.report_state
        assert list(row[2:-1]) == [figure.value for figure in expected.figures]
    assert rows[4][0] == "全县汇总" and list(rows[4][2:-1]) == [figure.value for figure in table.total]
    rate_column = 3 + COUNTY_COLUMNS.index("dispute_resolution_rate")
    assert sheet.cell(row=5, column=rate_column).number_format == "0.0%"
    assert sheet.cell(row=5, column=rate_column).value == 0.5
    assert isinstance(sheet.cell(row=5, column=3).value, int)


@pytest.mark.parametrize("name", ["county_overview", "county_overview_xlsx"])
@pytest.mark.parametrize("username", ["xilian_staff", "xilian_leader", "maichen_staff"])
def test_township_users_are_refused_the_county_dashboard_and_its_xlsx(client, demo, name, username):
    response = demo.client_for(client, username).get(reverse(name))
    assert response.status_code == 403 and "xlsx" not in response.get("Content-Type", "")


def test_the_page_takes_as_many_queries_for_six_townships_as_for_two(client, year_2026):
    demo = year_2026
    overview(client)
    with CaptureQueriesContext(connection) as for_two:
        client.get(reverse("county_overview"))
    with scopes_disabled():
        for number in range(4):
            code = f"{demo.county.code}9{number:02d}"
            township = Township.objects.create(county=demo.county, name=f"测试{number}镇", code=code)
            make_dispute(township, case_number=f"（2026）测试调字第{number}号", received_on=date(2026, 1, 8),
                         village=Village.objects.create(township=township, name=f"测试{number}村", code=f"{code}201"))
    with CaptureQueriesContext(connection) as for_six:
        response = client.get(reverse("county_overview"))
    assert len(response.context["table"].rows) == 6
    assert len(for_six) == len(for_two)
