"""The 工作台 as a dashboard: its figures are the figures module's (and the 2021 report's), its charts count what the
lists count, a month range in the URL narrows figures and charts alike, what needs action links to the lists that
show it, the apps bring their own panels, and another township's dashboard and chart tables are 404."""

from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope
from openpyxl import load_workbook

from disputes import selectors
from disputes.models import CalendarDay, Dispute, Satisfaction, Ticket
from disputes.workdays import WorkCalendar
from reports import charts
from reports import figures as figures_module
from reports.figures import breakdown_figures, period_breakdown, township_figures, township_figures_by_year
from reports.models import Report
from reports.selectors import report_figures
from tests.conftest import PASSWORD
from tests.permissions.disputes import make_dispute, make_ticket
from tests.permissions.publicity import make_event
from tests.permissions.reports import make_report
from xilian.dashboard import KEY_FIGURES
from xilian.models import User
from xilian.panels import Attention, Panel

pytestmark = pytest.mark.django_db
# As bench/dashboards.py counts them (no BEGIN, SAVEPOINT, RELEASE…): session, user, township (with its county),
# the offered years (one UNION), the two years' disputes and tickets by month (2, the key figures' and the monthly
# and 回访 charts' rows), events and studies (1), villages and lawyers (1), 督办 (1), the cards (1; the calendar is
# cached), the report card (1), the other three charts (one each), the session's UPDATE.
DASHBOARD_QUERIES = 15
TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}


@pytest.fixture
def loaded_demo(demo, monkeypatch, settings):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    call_command("load_demo")
    return demo


def dashboard(client, demo, username="xilian_leader", township=None, **query):
    client.force_login(User.objects.get(username=username))
    return client.get(reverse("township_home", kwargs={"township": (township or demo.xilian).code}), query)


def chart_table(client, demo, key, username="xilian_leader", township=None, **query):
    client.force_login(User.objects.get(username=username))
    url = reverse("reports:chart_xlsx", kwargs={"township": (township or demo.xilian).code, "key": key})
    return client.get(url, query)


def test_the_dashboards_figures_are_the_figures_modules(client, loaded_demo):
    year = timezone.localdate().year
    response = dashboard(client, loaded_demo)
    with scope(township=loaded_demo.xilian):
        this_year = township_figures(township=loaded_demo.xilian, year=year)
        last_year = township_figures(township=loaded_demo.xilian, year=year - 1)
    shown = response.context["figures"]
    assert [item.figure.key for item in shown] == list(KEY_FIGURES)
    for item in shown:
        assert item.figure == this_year[item.figure.key] and item.previous == last_year[item.figure.key]
    received = this_year.disputes_received.value
    assert received > 0 and f"{received}宗" in response.content.decode()


def test_2021_on_the_dashboard_is_what_the_seed_report_says(client, loaded_demo):
    shown = {item.figure.key: item.figure.value for item in dashboard(client, loaded_demo, year="2021").context[
        "figures"]}
    with scope(township=loaded_demo.xilian):
        report = Report.objects.get(township=loaded_demo.xilian, year=2021)
        quoted = report_figures(report=report)
    assert quoted.as_of == date(2021, 12, 8)
    assert {key: quoted[key].value for key in KEY_FIGURES} == shown
    assert (shown["disputes_received"], shown["disputes_in_progress"], shown["tickets_received"]) == (118, 12, 94)


def test_each_chart_counts_what_its_list_shows(client, loaded_demo):
    township, year, today = loaded_demo.xilian, timezone.localdate().year, timezone.localdate()
    with scope(township=township):
        built = {chart.key: chart for chart in charts.township_charts(township=township, year=year)}
        figures = township_figures(township=township, year=year)

        def disputes(**filters):
            return selectors.dispute_filtered(township=township, filters={"year": year, **filters}, with_names=True)

        def tickets(**filters):
            return selectors.ticket_filtered(township=township, filters={"year": year, **filters}, today=today,
                                             calendar=WorkCalendar.load(), with_callers=True)

        for label, received, resolved in built["disputes-by-month"].rows[:-1]:
            month = int(label.removesuffix("月"))
            assert (received, resolved) == (disputes(month=month).count(),
                                             disputes(month=month).filter(resolved_on__isnull=False).count())
        for label, received, closed in built["tickets-by-month"].rows[:-1]:
            month = int(label.removesuffix("月"))
            assert (received, closed) == (tickets(month=month).count(),
                                          tickets(month=month, state=Ticket.State.CLOSED).count())
        categories = {c.name: c for c in township.county.dispute_categories.all()}
        for name, received, _ in built["dispute-categories"].rows[:-1]:
            assert received == disputes(category=categories[name]).count()
        for subject, received, _ in built["ticket-subjects"].rows[:-1]:
            assert received == tickets(subject=subject).count()
        villages = {v.name: v for v in township.villages.all()}
        for name, in_disputes, in_tickets, _ in built["villages"].rows[:-1]:
            village = villages[name]
            assert (in_disputes, in_tickets) == (disputes(village=village).count(), tickets(village=village).count())
        labels = {s.label: s for s in Satisfaction}
        for label, number in built["satisfaction"].rows[:-1]:
            assert number == tickets(state=Ticket.State.CLOSED, satisfaction=labels[label]).count()
    totals = {key: chart.rows[-1] for key, chart in built.items()}
    assert totals["disputes-by-month"][1:] == (figures.disputes_received.value, figures.disputes_resolved.value)
    assert totals["tickets-by-month"][1:] == (figures.tickets_received.value, figures.tickets_closed.value)
    assert totals["dispute-categories"][1] == figures.disputes_received.value
    assert totals["ticket-subjects"][1:] == (figures.tickets_received.value, figures.tickets_closed.value)
    assert totals["satisfaction"][1] == figures.tickets_closed.value
    assert sum(built["villages"].rows[0][1:3]) == built["villages"].rows[0][3] > 0


def test_the_charts_take_one_query_each(loaded_demo, django_assert_max_num_queries):
    township = loaded_demo.xilian
    with scope(township=township), django_assert_max_num_queries(len(charts.CHARTS)):
        charts.township_charts(township=township, year=2021)


@pytest.fixture
def a_2026_of_four_disputes(demo, time_machine):
    time_machine.move_to("2026-09-01 09:00 +08:00", tick=False)
    for number, day in enumerate([date(2026, 2, 10), date(2026, 4, 10), date(2026, 6, 30), date(2026, 8, 1)], 1):
        make_dispute(demo.xilian, case_number=f"（2026）西连调字第{number}号", received_on=day)
    make_dispute(demo.xilian, case_number="（2025）西连调字第1号", received_on=date(2025, 5, 5))
    return demo


def test_a_month_range_counts_the_records_received_in_those_months(client, a_2026_of_four_disputes):
    demo = a_2026_of_four_disputes
    response = dashboard(client, demo, year="2026", **{"from": "3", "to": "6"})
    items = {item.figure.key: item for item in response.context["figures"]}
    received = items["disputes_received"]
    assert (received.figure.value, received.previous.value, received.change) == (2, 1, "+1")
    page = response.content.decode()
    assert "2026年3—6月主要数据" in page and "与2025年3—6月比较" in page
    assert '<option value="6" selected>6月</option>' in page
    by_month = next(c for c in response.context["panels"]["charts"][0].context["charts"]
                    if c.key == "disputes-by-month")
    assert [row[0] for row in by_month.rows] == ["3月", "4月", "5月", "6月", "合计"] and by_month.rows[-1][1] == 2
    list_url = received.figure.list_url
    assert list_url.endswith("?year=2026&month=3&month_to=6")
    assert client.get(list_url).context["figures"].received == 2


def test_a_range_that_ends_before_it_starts_shows_the_whole_year_and_says_why(client, a_2026_of_four_disputes):
    response = dashboard(client, a_2026_of_four_disputes, year="2026", **{"from": "7", "to": "3"})
    assert response.context["period"].whole_year
    assert {i.figure.key: i.figure.value for i in response.context["figures"]}["disputes_received"] == 4
    assert "起始月份（7月）晚于截止月份（3月），已显示全年。" in response.content.decode()


def test_the_xlsx_is_the_table_under_the_chart(client, a_2026_of_four_disputes):
    demo = a_2026_of_four_disputes
    response = chart_table(client, demo, "disputes-by-month", year="2026", **{"from": "3", "to": "6"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [tuple(cell for cell in row if cell is not None) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ("徐闻县西连镇 · 2026年3—6月",) and rows[1] == ("矛盾纠纷：每月受理与化解",)
    assert rows[2] == ("受理月份", "受理数（宗）", "其中已化解（宗）")
    assert rows[3:8] == [("3月", 0, 0), ("4月", 1, 0), ("5月", 0, 0), ("6月", 1, 0), ("合计", 2, 0)]
    assert rows[-1][0].startswith("口径：按受理月份统计")


def test_a_villages_table_names_every_village_most_records_first(client, a_2026_of_four_disputes):
    demo = a_2026_of_four_disputes
    response = chart_table(client, demo, "villages", year="2026")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(min_row=4, values_only=True))
    first_village = demo.xilian.villages.first().name
    assert rows[0] == (first_village, 4, 0, 4)
    assert len([row for row in rows if row[0] and not row[0].startswith("口径")]) == demo.xilian.villages.count() + 1


@pytest.mark.parametrize("key", list(charts.CHARTS))
def test_another_townships_chart_table_is_404(client, demo, key):
    assert chart_table(client, demo, key, username="maichen_staff").status_code == 404
    own = chart_table(client, demo, key, username="maichen_staff", township=demo.maichen)
    assert own.status_code == 200 and load_workbook(BytesIO(own.content)).active["A1"].value.startswith("徐闻县迈陈镇")


def test_an_unknown_chart_is_404(client, demo):
    assert chart_table(client, demo, "everything").status_code == 404


def test_another_townships_dashboard_is_404(client, demo):
    response = dashboard(client, demo, username="maichen_staff", year="2021")
    assert response.status_code == 404 and "西连镇工作台" not in response.content.decode()


def test_what_needs_action_counts_and_links_to_the_lists(client, demo, time_machine):
    time_machine.move_to("2026-02-03 09:00 +08:00", tick=False)
    received = timezone.make_aware(datetime(2026, 1, 5, 9, 0))
    make_ticket(demo.xilian, received_at=received, deadline=date(2026, 1, 20), ticket_number="T1")
    make_ticket(demo.xilian, received_at=received, deadline=date(2026, 2, 4), ticket_number="T2")
    make_ticket(demo.xilian, received_at=received, deadline=date(2026, 3, 4), ticket_number="T3")
    old = make_dispute(demo.xilian, case_number="（2025）西连调字第9号", received_on=date(2025, 12, 1))
    make_dispute(demo.xilian, case_number="（2026）西连调字第1号", received_on=date(2026, 1, 20))
    response = dashboard(client, demo)
    cards = {panel.context.key: panel.context for panel in response.context["panels"]["attention"]}
    assert cards["overdue"].value == "已逾期 1 件" and cards["overdue"].alert
    assert cards["due-soon-tickets"].value == "2个工作日内到期 1 件"
    assert cards["long-open-disputes"].value == "受理超过30天仍在办 1 宗"
    listed = client.get(cards["long-open-disputes"].url)
    assert [d.case_number for d in listed.context["page"]] == [old.case_number]
    assert [t.ticket_number for t in client.get(cards["due-soon-tickets"].url).context["page"]] == ["T2"]
    report = cards["annual-report"]
    assert (report.label, report.value, report.detail) == (
        "2025年度法治政府建设情况报告", "未起草", "距报送期限（2026年3月1日）还有26天")
    page = response.content.decode()
    assert 'id="long-open-disputes-card"' in page and "?open_over=30" in page


def test_the_report_card_says_when_the_deadline_has_passed_and_when_it_is_met(client, demo, time_machine):
    time_machine.move_to("2026-03-05 09:00 +08:00", tick=False)
    report = make_report(demo.xilian, year=2025)

    def card():
        panels = dashboard(client, demo).context["panels"]["attention"]
        return next(p.context for p in panels if p.context.key == "annual-report")

    assert (card().value, card().detail, card().alert) == ("草稿", "已超过报送期限（2026年3月1日）4天", True)
    with scope(township=demo.xilian):
        Report.objects.filter(pk=report.pk).update(state=Report.State.SUBMITTED)
    assert (card().value, card().alert) == ("已提交", False)
    time_machine.move_to("2026-04-02 09:00 +08:00", tick=False)
    assert card().label == "2026年度法治政府建设情况报告"


def supervision_panels(dashboard):
    return [Panel("supervision", "xilian/_attention_card.html",
                  Attention("supervision", "领导督办", "督办事项 2 件", "/", "flag", alert=True))]


def test_an_app_brings_its_panels_and_a_supervision_panel_comes_first(client, demo, monkeypatch):
    monkeypatch.setattr(apps.get_app_config("publicity"), "dashboard_panels",
                        "tests.test_township_dashboard.supervision_panels", raising=False)
    page = dashboard(client, demo).content.decode()
    assert 'id="supervision-card"' in page
    assert page.index("督办事项 2 件") < page.index('id="attention"') < page.index('id="charts"')


def test_the_core_names_no_apps_tags_or_pages():
    core = [Path(settings.BASE_DIR, "templates/xilian/township_home.html"),
            Path(settings.BASE_DIR, "xilian/context_processors.py")]
    for path in core:
        text = path.read_text()
        assert "disputes_tags" not in text
        assert not any(f"{app}:" in text for app in ("disputes", "publicity", "reports")), path


def test_the_navigation_comes_from_the_apps_in_order(client, demo):
    response = dashboard(client, demo)
    assert [item["label"] for item in response.context["township_navigation"]] == [
        "工作台", "普法活动", "学法记录", "矛盾纠纷", "12345工单", "年度报告"]
    active = [item["label"] for item in response.context["township_navigation"] if item["active"]]
    assert active == ["工作台"]


def test_a_dispute_list_filter_finds_the_long_open_ones(client, demo, time_machine):
    time_machine.move_to("2026-02-03 09:00 +08:00", tick=False)
    resolved = {"state": Dispute.State.RESOLVED, "resolution_method": Dispute.ResolutionMethod.PEOPLE_MEDIATION,
                "resolved_on": date(2025, 12, 20)}
    make_dispute(demo.xilian, case_number="A", received_on=date(2025, 12, 1), **resolved)
    make_dispute(demo.xilian, case_number="B", received_on=date(2025, 12, 1))
    make_dispute(demo.xilian, case_number="C", received_on=date(2026, 1, 10))
    demo.client_for(client, "xilian_staff")
    url = reverse("disputes:dispute_list", kwargs={"township": demo.xilian.code})
    assert [d.case_number for d in client.get(url, {"open_over": "30"}).context["page"]] == ["B"]
    assert {d.case_number for d in client.get(url, {"open_over": "x"}).context["page"]} == {"A", "B", "C"}


def test_a_month_range_narrows_the_events_and_their_list_alike(client, a_2026_of_four_disputes):
    demo = a_2026_of_four_disputes
    for day in (date(2026, 2, 1), date(2026, 4, 1), date(2026, 6, 30), date(2026, 7, 1)):
        make_event(demo.xilian, date=day, name=f"普法{day:%m%d}")
    events = {i.figure.key: i for i in dashboard(client, demo, year="2026", **{"from": "3", "to": "6"}).context[
        "figures"]}["events"].figure
    assert events.value == 2
    listed = client.get(events.list_url).context
    assert listed["totals"]["count"] == 2
    assert sorted(e.name for e in listed["page"]) == ["普法0401", "普法0630"]


def test_the_dashboard_reads_in_a_bounded_number_of_queries(client, loaded_demo, django_assert_max_num_queries):
    client.force_login(User.objects.get(username="xilian_leader"))
    url = reverse("township_home", kwargs={"township": loaded_demo.xilian.code})
    client.get(url)
    # In a test's transaction the session's save adds a SAVEPOINT and its RELEASE.
    with django_assert_max_num_queries(DASHBOARD_QUERIES + 2) as captured:
        client.get(url)
    counted = [q for q in captured.captured_queries if q["sql"].split()[0].upper() not in TRANSACTION_CONTROL]
    assert len(counted) <= DASHBOARD_QUERIES


def test_each_count_in_a_charts_table_links_to_a_list_of_as_many_records(client, loaded_demo):
    response = dashboard(client, loaded_demo, year="2021", **{"from": "10", "to": "12"})
    linked = 0
    for chart in response.context["panels"]["charts"][0].context["charts"]:
        for row in chart.table:
            for value, url in row:
                if url:
                    listed = client.get(url).context["figures"].received
                    assert listed == value, (chart.key, row[0][0], url)
                    linked += 1
    assert linked > 40


@pytest.mark.parametrize(("query", "months", "problem"), [
    ({"from": "3"}, (3, 12), ""),
    ({"to": "4"}, (1, 4), ""),
    ({"from": "5", "to": "5"}, (5, 5), ""),
    ({"from": "0", "to": "4"}, (1, 12), "月份应为1至12月，已显示全年。"),
    ({"from": "1", "to": "13"}, (1, 12), "月份应为1至12月，已显示全年。"),
    ({"from": "x"}, (1, 12), "月份应为1至12月，已显示全年。"),
])
def test_the_months_in_the_url_are_checked(client, demo, query, months, problem):
    response = dashboard(client, demo, **query)
    assert response.context["period"].months == months and response.context["period_problem"] == problem
    if problem:
        assert problem in response.content.decode()


@pytest.mark.parametrize("months", [(1, 12), (3, 10)])
def test_the_shared_breakdown_gives_what_the_separate_functions_count(loaded_demo, months):
    township = loaded_demo.xilian
    with scope(township=township):
        breakdown = period_breakdown(township=township, years=[2020, 2021], months=months)
        assert breakdown_figures(breakdown) == township_figures_by_year(township=township, years=[2020, 2021],
                                                                        months=months)
        for year in (2020, 2021):
            scope_of_year = {"township": township, "year": year, "months": months}
            assert breakdown.dispute_months(year) == figures_module.dispute_months(**scope_of_year)
            assert breakdown.ticket_months(year) == figures_module.ticket_months(**scope_of_year)
            assert breakdown.survey_results(year) == figures_module.ticket_survey_results(**scope_of_year)
            assert (charts.township_charts(**scope_of_year, breakdown=period_breakdown(
                township=township, years=[year], months=months)) == charts.township_charts(**scope_of_year))
        assert sum(number for _, number in breakdown.survey_results(2021)) == breakdown.tickets_of(2021).closed > 0


def test_the_dashboards_cards_follow_a_calendar_day_at_once(client, demo, time_machine):
    """The calendar is cached between requests; an administrator's day reaches the next request all the same."""
    time_machine.move_to("2026-09-07 09:00 +08:00", tick=False)  # a Monday: due soon means by Wednesday the 9th
    make_ticket(demo.xilian, received_at=timezone.make_aware(datetime(2026, 9, 1, 9)), deadline=date(2026, 9, 10))

    def due_soon():
        cards = {panel.context.key: panel.context for panel in dashboard(client, demo).context["panels"]["attention"]}
        return cards["due-soon-tickets"].value

    assert due_soon() == "2个工作日内到期 0 件"
    day_off = CalendarDay.objects.create(date=date(2026, 9, 8), is_workday=False, note="测试")
    assert due_soon() == "2个工作日内到期 1 件"  # the second working day is now Thursday the 10th
    day_off.delete()
    assert due_soon() == "2个工作日内到期 0 件"
