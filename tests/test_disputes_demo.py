from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from disputes import selectors
from disputes.models import Dispute, DisputeStep, Ticket, TicketStep
from disputes.workdays import WorkCalendar
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
        overdue = selectors.overdue_tickets(township=maichen, today=timezone.localdate())
        assert overdue.filter(received_at__year__lte=2022).count() == 4


def test_loading_twice_duplicates_nothing(loaded):
    with scopes_disabled():
        counts = [model.objects.count() for model in (Dispute, Ticket, DisputeStep, TicketStep)]
    call_command("load_demo")
    with scopes_disabled():
        assert [model.objects.count() for model in (Dispute, Ticket, DisputeStep, TicketStep)] == counts


def test_the_demo_rows_pass_the_models_rules(loaded):
    this_year = timezone.localdate().year
    with scopes_disabled():
        assert {this_year - 1, this_year} <= {d.year for d in Ticket.objects.datetimes("received_at", "year")}
        assert {this_year - 1, this_year} <= {d.year for d in Dispute.objects.dates("received_on", "year")}
        for record in [*Dispute.objects.all(), *Ticket.objects.all(), *TicketStep.objects.all()]:
            record.full_clean()


ON_A_MARCH_MORNING = "2026-03-10 09:30 +08:00"


@pytest.fixture
def loaded_in_march(time_machine, monkeypatch, settings):
    time_machine.move_to(ON_A_MARCH_MORNING, tick=False)
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "Demo#2021x")
    call_command("load_demo")
    return Township.objects.get(name="西连镇"), Township.objects.get(name="迈陈镇")


def test_last_year_is_complete_and_this_year_runs_up_to_today(loaded_in_march):
    for township in loaded_in_march:
        with scope(township=township):
            last_year = selectors.dispute_stats(township=township, year=2025)
            this_year = selectors.dispute_stats(township=township, year=2026)
            tickets = selectors.ticket_stats(township=township, year=2025)
        assert last_year.received >= 40 and 0 < this_year.received < last_year.received / 3
        assert tickets.received >= 36 and tickets.closed >= tickets.received * 0.9
    xilian, _ = loaded_in_march
    with scope(township=xilian):
        assert (selectors.dispute_stats(township=xilian, year=2025).received,
                selectors.ticket_stats(township=xilian, year=2025).received) == (110, 100)


def test_a_leader_finds_overdue_tickets_and_long_open_disputes(loaded_in_march):
    today = timezone.localdate()
    for township in loaded_in_march:
        with scope(township=township):
            overdue = selectors.overdue_tickets(township=township, today=today).filter(received_at__year=2026)
            long_open = selectors.dispute_queryset(township=township).filter(
                received_on__year=2026, received_on__lt=today - timedelta(days=30),
                state__in=[Dispute.State.MEDIATING, Dispute.State.TRANSFERRED])
            assert overdue.count() >= 2 and long_open.count() >= 2
    xilian, _ = loaded_in_march
    with scope(township=xilian):
        assert selectors.due_soon_tickets(township=xilian, today=today, calendar=WorkCalendar.load()).exists()


def test_nothing_generated_lies_in_the_future(loaded_in_march):
    now, today = timezone.now(), timezone.localdate()
    with scopes_disabled():
        tickets = Ticket.objects.all()
        assert not tickets.filter(received_at__gt=now).exists() and not tickets.filter(closed_at__gt=now).exists()
        assert not tickets.filter(surveyed_at__gt=now).exists() and not TicketStep.objects.filter(
            happened_at__gt=now).exists()
        assert not Dispute.objects.filter(received_on__gt=today).exists()
        assert not DisputeStep.objects.filter(happened_on__gt=today).exists()


def test_a_rerun_days_later_updates_this_years_records_and_duplicates_nothing(loaded_in_march, time_machine):
    def numbers():
        with scopes_disabled():
            return set(Ticket.objects.values_list("township__name", "ticket_number")), set(
                Dispute.objects.values_list("township__name", "case_number"))

    tickets, disputes = numbers()
    time_machine.move_to("2026-03-20 09:30 +08:00", tick=False)
    call_command("load_demo")
    later_tickets, later_disputes = numbers()
    assert tickets <= later_tickets and disputes <= later_disputes
    with scopes_disabled():
        assert Dispute.objects.filter(received_on__year=2025).count() == 110 + 40
        assert DisputeStep.objects.filter(dispute__received_on__year=2025).count() == DisputeStep.objects.filter(
            dispute__received_on__year=2025).values("dispute", "state").distinct().count()
