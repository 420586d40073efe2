import pytest
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from disputes import selectors
from disputes.models import Dispute, DisputeStep, Ticket, TicketStep
from xilian.models import Township

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(monkeypatch, settings):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "Demo#2021x")
    call_command("load_demo")
    return Township.objects.get(name="西连镇"), Township.objects.get(name="迈陈镇")


def test_xilian_2021_has_the_seed_reports_figures(loaded):
    xilian, _ = loaded
    with scope(township=xilian):
        disputes = selectors.dispute_stats(township=xilian, year=2021)
        tickets = selectors.ticket_stats(township=xilian, year=2021)
    assert (disputes.received, disputes.resolved, disputes.in_progress) == (118, 106, 12)
    assert round(disputes.resolution_rate * 100) == 90
    assert (tickets.received, tickets.closed, tickets.closing_rate) == (94, 94, 1.0)


def test_xilian_spreads_over_the_year_its_villages_and_categories(loaded):
    xilian, _ = loaded
    with scopes_disabled():
        disputes = Dispute.objects.filter(township=xilian)
        assert set(range(1, 12)) <= {d.month for d in disputes.dates("received_on", "month")}
        assert disputes.values("village").distinct().count() == 16
        categories = set(disputes.values_list("category__name", flat=True))
    assert {"山林土地承包经营权", "婚姻家庭继承", "邻里", "道路规划"} <= categories


def test_maichen_has_open_tickets_past_their_deadline(loaded):
    _, maichen = loaded
    with scope(township=maichen):
        assert selectors.overdue_tickets(township=maichen, today=timezone.localdate()).count() == 4


def test_loading_twice_duplicates_nothing(loaded):
    with scopes_disabled():
        counts = [model.objects.count() for model in (Dispute, Ticket, DisputeStep, TicketStep)]
    call_command("load_demo")
    with scopes_disabled():
        assert [model.objects.count() for model in (Dispute, Ticket, DisputeStep, TicketStep)] == counts


def test_the_demo_rows_pass_the_models_rules(loaded):
    with scopes_disabled():
        for record in [*Dispute.objects.all(), *Ticket.objects.all()]:
            record.full_clean()
