"""Working days on the official calendar, checked against dates counted by hand on the 2021 State Council
schedule (国庆 10月1日–7日 off, 9月26日 Sunday and 10月9日 Saturday worked; 中秋 9月19日–21日 off, 9月18日 Saturday
worked)."""

import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from disputes.models import CalendarDay, RequestType, ticket_deadline
from disputes.workdays import WorkCalendar, add_working_days, is_working_day

SLA = {RequestType.CONSULTATION: 2, RequestType.HELP: 10, RequestType.COMPLAINT: 15}


def test_it_knows_the_national_day_holiday_and_its_makeup_saturday():
    assert not is_working_day(date(2021, 10, 1)) and not is_working_day(date(2021, 10, 7))
    assert is_working_day(date(2021, 10, 9))  # 调休: a Saturday worked
    assert not is_working_day(date(2021, 10, 10))


def test_it_counts_from_the_first_working_day_after_the_start():
    assert add_working_days(date(2021, 9, 30), 1) == date(2021, 10, 8)
    assert add_working_days(date(2021, 9, 30), 2) == date(2021, 10, 9)
    assert add_working_days(date(2021, 9, 30), 3) == date(2021, 10, 11)


def test_it_counts_ten_and_fifteen_days_across_national_day():
    assert add_working_days(date(2021, 9, 30), 10) == date(2021, 10, 20)
    assert add_working_days(date(2021, 9, 30), 15) == date(2021, 10, 27)


def test_it_counts_a_makeup_sunday_before_national_day():
    assert add_working_days(date(2021, 9, 24), 1) == date(2021, 9, 26)


def test_it_skips_mid_autumn_and_counts_its_makeup_saturday():
    assert add_working_days(date(2021, 9, 17), 1) == date(2021, 9, 18)
    assert add_working_days(date(2021, 9, 18), 1) == date(2021, 9, 22)


def test_it_counts_the_spring_festival_makeup_sunday():
    # 2021-02-07, a Sunday, was worked before 春节 (2月11日–17日). The sample ledger's XW202101270001 says 2月10日:
    # the platform that produced it counted plain weekdays, which is why a given 办理时限 is kept as given.
    assert add_working_days(date(2021, 1, 27), 10) == date(2021, 2, 9)


def test_it_starts_a_ticket_on_its_local_day():
    late_evening = datetime(2021, 9, 30, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    deadline = ticket_deadline(late_evening, RequestType.CONSULTATION, sla=SLA, calendar=WorkCalendar())
    assert deadline == date(2021, 10, 9)


def test_an_administrators_day_overrides_the_package():
    calendar = WorkCalendar({date(2021, 10, 8): False})
    assert calendar.add_working_days(date(2021, 9, 30), 1) == date(2021, 10, 9)


def test_a_year_the_package_does_not_know_counts_weekends_and_admin_days():
    assert add_working_days(date(2040, 1, 6), 1) == date(2040, 1, 9)  # Friday → Monday
    assert add_working_days(date(2040, 1, 6), 1, {date(2040, 1, 9): False, date(2040, 1, 7): True}) == date(2040, 1, 7)


@pytest.mark.django_db
def test_it_loads_the_administrators_days():
    CalendarDay.objects.create(date=date(2021, 10, 9), is_workday=False, note="更正")
    assert WorkCalendar.load().add_working_days(date(2021, 9, 30), 2) == date(2021, 10, 11)


def test_it_computes_twenty_thousand_deadlines_in_well_under_a_second():
    calendar = WorkCalendar()
    zone = ZoneInfo("Asia/Shanghai")
    received = [datetime(2021, 1, 1, 9, tzinfo=zone) + timedelta(minutes=26 * n) for n in range(20_000)]
    began = time.perf_counter()
    for moment in received:
        ticket_deadline(moment, RequestType.COMPLAINT, sla=SLA, calendar=calendar)
    assert time.perf_counter() - began < 1.0
