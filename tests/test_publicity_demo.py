import datetime

import pytest
from django.core.management import call_command
from django_scopes import scope, scopes_disabled

from publicity import selectors
from publicity.models import Event, KeyDate, Law, Lawyer, Study
from xilian.models import Township

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(monkeypatch, settings):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "Demo#2021x")
    call_command("load_demo")
    return Township.objects.get(name="西连镇"), Township.objects.get(name="迈陈镇")


def test_it_gives_xilian_the_seed_reports_numbers(loaded):
    xilian, _ = loaded
    with scope(township=xilian):
        assert selectors.event_count(township=xilian, year=2021) == 9
        assert selectors.study_count(township=xilian, year=2021) == 16
        assert selectors.villages_with_lawyer(township=xilian, on_date=datetime.date(2021, 12, 8)).count() == 16
        assert {KeyDate.SECURITY_DAY, KeyDate.ANTI_DRUG_DAY, KeyDate.CONSTITUTION_DAY} <= set(
            selectors.event_key_dates(township=xilian, year=2021)
        )


def test_it_gives_maichen_a_smaller_set_with_uncovered_villages(loaded):
    _, maichen = loaded
    with scope(township=maichen):
        assert selectors.event_count(township=maichen, year=2021) == 4
        assert selectors.study_count(township=maichen, year=2021) == 6
        missing = selectors.villages_without_lawyer(township=maichen, on_date=datetime.date(2021, 12, 8))
        assert {v.name for v in missing} == {"北潭村", "迈陈社区"}


def test_it_can_run_twice(loaded):
    def counts():
        with scopes_disabled():
            return [model.objects.count() for model in (Event, Study, Lawyer, Law)]

    before = counts()
    call_command("load_demo")
    assert counts() == before
