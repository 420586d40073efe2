"""The selectors the report and the dashboards read, on small sets counted by hand."""

from datetime import date, datetime

import pytest
from django.utils import timezone
from django_scopes import scope

from disputes import selectors
from disputes.models import Dispute, Satisfaction, Ticket
from disputes.workdays import WorkCalendar
from tests.permissions.disputes import make_dispute, make_ticket

pytestmark = pytest.mark.django_db
RESOLVED = {"resolved_on": date(2021, 4, 1), "resolution_method": Dispute.ResolutionMethod.PEOPLE_MEDIATION}


def _local(*args):
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def disputes_2021(demo):
    make_dispute(demo.xilian, state=Dispute.State.RESOLVED, **RESOLVED)
    make_dispute(demo.xilian, state=Dispute.State.CLOSED, **RESOLVED)
    make_dispute(demo.xilian, state=Dispute.State.MEDIATING)
    make_dispute(demo.xilian, state=Dispute.State.UNRESOLVED)
    make_dispute(demo.xilian, received_on=date(2020, 12, 30))
    make_dispute(demo.xilian, voided_at=timezone.now())
    make_dispute(demo.maichen, state=Dispute.State.RESOLVED, **RESOLVED)
    return demo


def test_dispute_stats_count_the_year_of_one_township(disputes_2021):
    with scope(township=disputes_2021.xilian):
        stats = selectors.dispute_stats(township=disputes_2021.xilian, year=2021)
    assert (stats.received, stats.resolved, stats.in_progress, stats.unresolved) == (4, 2, 1, 1)
    assert stats.resolution_rate == 0.5


def test_dispute_stats_filter_by_township_even_in_a_county_wide_scope(disputes_2021):
    with scope(township=[disputes_2021.xilian, disputes_2021.maichen]):
        assert selectors.dispute_stats(township=disputes_2021.maichen, year=2021).received == 1


def test_an_empty_year_has_no_rate(demo):
    with scope(township=demo.xilian):
        assert selectors.dispute_stats(township=demo.xilian, year=2021).resolution_rate is None


def _closed(township, closed_at, satisfaction, **fields):
    return make_ticket(township, state=Ticket.State.CLOSED, closed_at=closed_at, reply="已答复。",
                       satisfaction=satisfaction, **fields)


@pytest.fixture
def tickets_2021(demo):
    """Each received 2021-09-30 with 办理时限 2021-10-09."""
    x = demo.xilian
    _closed(x, _local(2021, 10, 8, 9), Satisfaction.SATISFIED)
    _closed(x, _local(2021, 10, 10, 0, 30), Satisfaction.FAIRLY_SATISFIED)  # half an hour late
    _closed(x, _local(2021, 10, 12, 9), Satisfaction.DISSATISFIED, extended_deadline=date(2021, 10, 15),
            extension_reason="需现场勘查")
    _closed(x, _local(2021, 10, 9, 23, 30), Satisfaction.NOT_SURVEYED)  # on the last evening: on time
    make_ticket(x, state=Ticket.State.SIGNED)
    make_ticket(x, state=Ticket.State.RETURNED, returned_at=_local(2021, 9, 30, 15), return_reason="不属本镇事权")
    make_ticket(x, voided_at=timezone.now())
    make_ticket(x, received_at=_local(2020, 12, 31, 10), deadline=date(2021, 1, 4))
    _closed(demo.maichen, _local(2021, 10, 8, 9), Satisfaction.DISSATISFIED)
    return demo


def test_ticket_stats_count_the_year_of_one_township(tickets_2021):
    with scope(township=tickets_2021.xilian):
        stats = selectors.ticket_stats(township=tickets_2021.xilian, year=2021)
    assert (stats.received, stats.returned, stats.to_handle, stats.closed) == (6, 1, 5, 4)
    assert (stats.closed_on_time, stats.surveyed, stats.satisfied, stats.dissatisfied) == (3, 3, 2, 1)
    assert (stats.closing_rate, stats.on_time_rate) == (0.8, 0.6)
    assert stats.satisfaction_rate == pytest.approx(2 / 3)


def test_overdue_and_due_soon_follow_working_days(demo):
    today = date(2021, 10, 11)  # Monday after 国庆; two working days on is Wednesday 10月13日
    x = demo.xilian
    numbers = {}
    for name, deadline, fields in [
        ("past", date(2021, 10, 8), {}),
        ("today", date(2021, 10, 11), {}),
        ("wednesday", date(2021, 10, 13), {}),
        ("thursday", date(2021, 10, 14), {}),
        ("extended", date(2021, 10, 8), {"extended_deadline": date(2021, 10, 20), "extension_reason": "待勘查"}),
        ("closed", date(2021, 10, 8), {"state": Ticket.State.CLOSED, "closed_at": _local(2021, 10, 9, 9),
                                       "reply": "已答复。"}),
    ]:
        numbers[make_ticket(x, deadline=deadline, **fields).pk] = name
    with scope(township=[x, demo.maichen]):
        overdue = [numbers[t.pk] for t in selectors.overdue_tickets(township=x, today=today)]
        due_soon = [numbers[t.pk] for t in selectors.due_soon_tickets(township=x, today=today, calendar=WorkCalendar())]
        assert not selectors.overdue_tickets(township=demo.maichen, today=today).exists()
    assert overdue == ["past"]
    assert due_soon == ["today", "wednesday"]
