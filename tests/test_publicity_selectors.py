import datetime

import pytest
from django.utils import timezone
from django_scopes import scope

from publicity import selectors
from publicity.models import KeyDate
from tests.permissions.publicity import make_event, make_lawyer, make_study

pytestmark = pytest.mark.django_db
D = datetime.date


def test_event_count_counts_the_years_active_events(demo):
    make_event(demo.xilian)
    make_event(demo.xilian, name="宪法宣传", date=D(2021, 12, 4))
    make_event(demo.xilian, name="作废的", voided_at=timezone.now(), void_reason="重复")
    make_event(demo.xilian, name="去年的", date=D(2020, 12, 4))
    make_event(demo.maichen, name="迈陈的")
    with scope(township=demo.xilian):
        assert selectors.event_count(township=demo.xilian, year=2021) == 2


def test_event_totals_sum_participants_and_materials(demo):
    make_event(demo.xilian, participants=120, materials=300)
    make_event(demo.xilian, name="宪法宣传", participants=80, materials=0)
    with scope(township=demo.xilian):
        totals = selectors.event_totals(selectors.event_list(township=demo.xilian, year=2021))
    assert totals == {"count": 2, "participants": 200, "materials": 300}


def test_event_key_dates_lists_the_marked_dates_in_calendar_order(demo):
    make_event(demo.xilian, name="宪法日", key_date=KeyDate.CONSTITUTION_DAY)
    make_event(demo.xilian, name="安全日", key_date=KeyDate.SECURITY_DAY)
    with scope(township=demo.xilian):
        assert selectors.event_key_dates(township=demo.xilian, year=2021) == [
            KeyDate.SECURITY_DAY, KeyDate.CONSTITUTION_DAY
        ]


def test_study_count_and_principal_chaired_count(demo):
    make_study(demo.xilian, chaired_by_principal=True)
    make_study(demo.xilian, date=D(2021, 3, 1))
    make_study(demo.xilian, date=D(2021, 3, 2), voided_at=timezone.now(), void_reason="重复")
    with scope(township=demo.xilian):
        assert selectors.study_count(township=demo.xilian, year=2021) == 2
        assert selectors.principal_chaired_study_count(township=demo.xilian, year=2021) == 1
        assert selectors.laws_studied(township=demo.xilian, year=2021) == ["《中华人民共和国宪法》"]


def test_villages_with_lawyer_follow_the_engagement_dates(demo):
    villages = list(demo.xilian.villages.all()[:3])
    lawyer = make_lawyer(demo.xilian, since=D(2021, 3, 1), until=D(2021, 9, 30))
    lawyer.villages.set(villages[:2])
    with scope(township=demo.xilian):
        assert not selectors.villages_with_lawyer(township=demo.xilian, on_date=D(2021, 2, 28)).exists()
        assert list(selectors.villages_with_lawyer(township=demo.xilian, on_date=D(2021, 6, 1))) == villages[:2]
        assert not selectors.villages_with_lawyer(township=demo.xilian, on_date=D(2021, 10, 1)).exists()
        without = selectors.villages_without_lawyer(township=demo.xilian, on_date=D(2021, 6, 1))
        assert villages[2] in without and villages[0] not in without


def test_lawyer_coverage_says_whether_every_village_has_one(demo):
    lawyer = make_lawyer(demo.xilian)
    lawyer.villages.set(demo.xilian.villages.all())
    with scope(township=demo.xilian):
        coverage = selectors.lawyer_coverage(township=demo.xilian, on_date=D(2021, 12, 8))
    assert coverage == {"villages": 16, "covered": 16, "missing": [], "all_covered": True}


def test_a_voided_lawyer_covers_nothing(demo):
    lawyer = make_lawyer(demo.xilian, voided_at=timezone.now(), void_reason="录错")
    lawyer.villages.set(demo.xilian.villages.all())
    with scope(township=demo.xilian):
        assert selectors.lawyer_coverage(township=demo.xilian, on_date=D(2021, 12, 8))["covered"] == 0
