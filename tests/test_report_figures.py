"""The one source of figures: a township's year as of a date, and every township of a county at once."""

from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from disputes.models import Dispute, DisputeStep, Satisfaction, Ticket
from disputes.selectors import dispute_figures_by_township
from reports.figures import county_figures, township_figures
from tests.permissions.disputes import make_dispute, make_ticket
from tests.permissions.publicity import make_event, make_lawyer, make_study
from xilian.models import Township, Village

pytestmark = pytest.mark.django_db
REPORT_DAY = date(2021, 12, 8)
RESOLVED = {"resolution_method": Dispute.ResolutionMethod.PEOPLE_MEDIATION}
SEED_KEYS = ["events", "studies", "disputes_received", "disputes_resolved", "disputes_in_progress",
             "tickets_received", "tickets_closed", "villages_with_lawyer", "villages"]


def _local(*args):
    return timezone.make_aware(datetime(*args))


def _figures(township, as_of=REPORT_DAY, year=2021):
    with scope(township=township):
        return township_figures(township=township, year=year, as_of=as_of)


def _values(figures):
    return {key: figure.value for key, figure in figures.items()}


@pytest.fixture
def loaded_demo(demo, monkeypatch, settings):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "Demo#2021x")
    call_command("load_demo")
    return demo


def _assert_seed_figures(figures):
    assert [figures[key].value for key in SEED_KEYS] == [9, 16, 118, 106, 12, 94, 94, 16, 16]
    assert round(figures.dispute_resolution_rate.value * 100) == 90
    assert figures.ticket_closing_rate.value == 1.0


def test_xilian_2021_as_of_the_report_date_has_the_seed_reports_figures(loaded_demo):
    _assert_seed_figures(_figures(loaded_demo.xilian))


def test_xilian_2021_as_it_stands_today_has_the_seed_reports_figures(loaded_demo):
    with scope(township=loaded_demo.xilian):
        _assert_seed_figures(township_figures(township=loaded_demo.xilian, year=2021))


def test_a_dispute_resolved_after_the_cut_off_is_in_progress_as_of_it(demo):
    dispute = make_dispute(demo.xilian, received_on=date(2021, 11, 20), state=Dispute.State.RESOLVED,
                           resolved_on=date(2021, 12, 20), **RESOLVED)
    assert (_figures(demo.xilian).disputes_resolved.value, _figures(demo.xilian).disputes_in_progress.value) == (0, 1)
    assert _figures(demo.xilian, as_of=date(2021, 12, 31)).disputes_resolved.value == 1
    assert dispute.resolved_on > REPORT_DAY


def test_in_progress_is_received_minus_resolved_so_it_counts_unresolved_disputes(demo):
    make_dispute(demo.xilian, state=Dispute.State.RESOLVED, resolved_on=date(2021, 4, 1), **RESOLVED)
    make_dispute(demo.xilian, state=Dispute.State.UNRESOLVED)
    make_dispute(demo.xilian, state=Dispute.State.MEDIATING)
    figures = _figures(demo.xilian)
    assert (figures.disputes_received.value, figures.disputes_resolved.value) == (3, 1)
    assert figures.disputes_in_progress.value == 2
    assert "未化解" in figures.disputes_in_progress.definition


def test_an_unresolved_step_after_the_cut_off_leaves_the_dispute_in_progress_as_of_it(demo):
    dispute = make_dispute(demo.xilian, state=Dispute.State.UNRESOLVED)
    with scopes_disabled():
        DisputeStep.objects.create(dispute=dispute, state=Dispute.State.UNRESOLVED, happened_on=date(2021, 12, 10))
    with scope(township=demo.xilian):
        before = dispute_figures_by_township(townships=[demo.xilian], year=2021, as_of=REPORT_DAY)[demo.xilian.pk]
        after = dispute_figures_by_township(townships=[demo.xilian], year=2021, as_of=date(2021, 12, 31))
    assert (before.in_progress, before.unresolved) == (1, 0)
    assert (after[demo.xilian.pk].in_progress, after[demo.xilian.pk].unresolved) == (0, 1)


def test_a_record_received_after_the_cut_off_is_not_counted(demo):
    make_dispute(demo.xilian, received_on=date(2021, 12, 9))
    make_ticket(demo.xilian, received_at=_local(2021, 12, 9, 0, 5), deadline=date(2021, 12, 13))
    make_event(demo.xilian, date=date(2021, 12, 9))
    make_study(demo.xilian, date=date(2021, 12, 9))
    figures = _figures(demo.xilian)
    assert [figures[key].value for key in ("disputes_received", "tickets_received", "events", "studies")] == [0] * 4
    assert _figures(demo.xilian, as_of=date(2021, 12, 9)).tickets_received.value == 1


def test_a_ticket_closed_on_the_cut_off_evening_counts_and_one_closed_later_does_not(demo):
    for closed_at in (_local(2021, 12, 8, 23, 30), _local(2021, 12, 9, 9)):
        make_ticket(demo.xilian, state=Ticket.State.CLOSED, closed_at=closed_at, reply="已答复。",
                    received_at=_local(2021, 12, 1, 9), deadline=date(2021, 12, 20))
    figures = _figures(demo.xilian)
    assert (figures.tickets_received.value, figures.tickets_closed.value) == (2, 1)
    assert figures.ticket_closing_rate.value == 0.5


def test_the_closing_rate_leaves_out_tickets_returned_by_the_cut_off(demo):
    make_ticket(demo.xilian, state=Ticket.State.CLOSED, closed_at=_local(2021, 10, 8, 9), reply="已答复。")
    make_ticket(demo.xilian, state=Ticket.State.RETURNED, returned_at=_local(2021, 10, 1, 9), return_reason="非本镇")
    make_ticket(demo.xilian, state=Ticket.State.RETURNED, returned_at=_local(2021, 12, 10, 9), return_reason="非本镇")
    figures = _figures(demo.xilian)
    assert figures.tickets_received.value == 3
    assert figures.ticket_closing_rate.value == 0.5  # 1 closed ÷ (3 received − 1 returned by 12月8日)
    assert "退单" in figures.ticket_closing_rate.definition


def test_a_survey_after_the_cut_off_is_not_counted_in_the_satisfaction_rate(demo):
    closed = {"state": Ticket.State.CLOSED, "closed_at": _local(2021, 10, 8, 9), "reply": "已答复。"}
    make_ticket(demo.xilian, satisfaction=Satisfaction.SATISFIED, surveyed_at=_local(2021, 10, 10, 9), **closed)
    make_ticket(demo.xilian, satisfaction=Satisfaction.DISSATISFIED, surveyed_at=_local(2021, 12, 10, 9), **closed)
    make_ticket(demo.xilian, satisfaction=Satisfaction.DISSATISFIED, **closed)  # imported: counted from its closing
    assert _figures(demo.xilian).ticket_satisfaction_rate.value == 0.5
    assert _figures(demo.xilian, as_of=date(2021, 12, 31)).ticket_satisfaction_rate.value == pytest.approx(1 / 3)


def test_an_open_ticket_is_overdue_as_of_the_cut_off_by_its_deadline_then(demo):
    make_ticket(demo.xilian, state=Ticket.State.CLOSED, closed_at=_local(2021, 10, 8, 9), reply="已答复。")
    make_ticket(demo.xilian, state=Ticket.State.CLOSED, closed_at=_local(2021, 10, 20, 9), reply="已答复。")
    assert _figures(demo.xilian, as_of=date(2021, 10, 8)).ticket_on_time_rate.value == 1.0
    assert _figures(demo.xilian, as_of=date(2021, 10, 11)).ticket_on_time_rate.value == 0.5
    assert _figures(demo.xilian, as_of=date(2021, 10, 31)).ticket_on_time_rate.value == 0.5


def test_a_voided_record_is_not_counted(demo):
    voided = {"voided_at": timezone.now(), "void_reason": "重复"}
    make_dispute(demo.xilian, **voided)
    make_ticket(demo.xilian, **voided)
    make_event(demo.xilian, **voided)
    make_study(demo.xilian, **voided)
    make_lawyer(demo.xilian, **voided).villages.set(demo.xilian.villages.all())
    figures = _figures(demo.xilian)
    assert [figures[key].value for key in SEED_KEYS] == [0, 0, 0, 0, 0, 0, 0, 0, 16]


def test_lawyer_coverage_and_principal_chaired_studies_as_of_the_date(demo):
    lawyer = make_lawyer(demo.xilian, since=date(2021, 3, 1), until=date(2021, 9, 30))
    lawyer.villages.set(demo.xilian.villages.all()[:3])
    make_study(demo.xilian, date=date(2021, 5, 6), chaired_by_principal=True)
    make_study(demo.xilian, date=date(2021, 12, 20), chaired_by_principal=True)
    assert _figures(demo.xilian, as_of=date(2021, 6, 1)).villages_with_lawyer.value == 3
    assert _figures(demo.xilian).villages_with_lawyer.value == 0
    assert _figures(demo.xilian).principal_chaired_studies.value == 1


def _add_townships(demo, count):
    with scopes_disabled():
        for number in range(count):
            code = f"{demo.county.code}9{number:02d}"
            township = Township.objects.create(county=demo.county, name=f"测试{number}镇", code=code)
            Village.objects.create(township=township, name=f"测试{number}村", code=f"{code}201")
            make_dispute(township, case_number=f"（2021）测试调字第{number}号")


def _county_queries(demo):
    townships = list(demo.county.townships.all())
    with scope(township=townships), CaptureQueriesContext(connection) as queries:
        figures = county_figures(county=demo.county, year=2021, as_of=REPORT_DAY)
    return figures, len(queries)


def test_county_figures_take_as_many_queries_for_six_townships_as_for_two(demo):
    make_dispute(demo.xilian)
    make_ticket(demo.maichen)
    _, for_two = _county_queries(demo)
    _add_townships(demo, 4)
    figures, for_six = _county_queries(demo)
    assert len(figures) == 6
    assert for_six == for_two
    assert for_two <= 6


def test_county_figures_equal_each_townships_own(demo):
    make_dispute(demo.xilian, state=Dispute.State.RESOLVED, resolved_on=date(2021, 4, 1), **RESOLVED)
    make_ticket(demo.maichen, state=Ticket.State.CLOSED, closed_at=_local(2021, 10, 8, 9), reply="已答复。")
    make_event(demo.maichen)
    make_lawyer(demo.xilian).villages.set(demo.xilian.villages.all()[:2])
    _add_townships(demo, 1)
    figures, _ = _county_queries(demo)
    for township, county_wide in figures.items():
        assert county_wide == _figures(township)
    assert figures[demo.xilian].disputes_resolved.value == 1
    assert figures[demo.maichen].tickets_closed.value == 1


def test_each_figure_has_a_label_a_unit_a_definition_and_a_list(demo):
    figures = _figures(demo.xilian)
    assert len(figures) == 15
    for figure in figures.values():
        assert figure.label and figure.unit and figure.definition
        assert figure.list_url.startswith(f"/t/{demo.xilian.code}/")
    assert figures.disputes_in_progress.list_url == f"/t/{demo.xilian.code}/disputes/cases/?year=2021&state=open"
    assert figures.tickets_closed.list_url == f"/t/{demo.xilian.code}/disputes/tickets/?year=2021&state=closed"
    assert figures.villages.list_url == f"/t/{demo.xilian.code}/publicity/lawyers/?on=2021-12-08"
    assert figures.dispute_resolution_rate.unit == "%" and figures.events.unit == "场"


def test_without_a_date_the_figures_are_todays_and_agree_with_the_list_they_link_to(demo, client):
    make_dispute(demo.xilian, state=Dispute.State.MEDIATING)
    make_dispute(demo.xilian, state=Dispute.State.RESOLVED, resolved_on=date(2021, 4, 1), **RESOLVED)
    with scope(township=demo.xilian):
        figures = township_figures(township=demo.xilian, year=2021)
    assert figures.as_of == timezone.localdate()
    response = demo.client_for(client, "xilian_staff").get(figures.disputes_in_progress.list_url)
    assert response.context["figures"].received == figures.disputes_in_progress.value == 1
    response = demo.client_for(client, "xilian_staff").get(figures.disputes_received.list_url)
    assert (response.context["figures"].received, response.context["figures"].resolved) == (2, 1)
