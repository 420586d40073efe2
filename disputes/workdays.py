"""Working days on the official Chinese calendar: the State Council's public holidays and 调休 weekend workdays.

The `chinesecalendar` package knows the announced years; an administrator can add or correct days in the
`CalendarDay` table (admin-added days win). Everything here is a pure function of its arguments so that an importer
can compute 20,000 deadlines at once: build one `WorkCalendar` (one query) and call `add_working_days` per row.
"""

import time
from dataclasses import dataclass, field
from datetime import timedelta, tzinfo
from functools import lru_cache

from chinese_calendar import constants as official
from django.utils import timezone


@lru_cache(maxsize=64)
def official_year(year):
    """(holidays, 调休 workdays) of `year` from the package; empty sets for a year it does not know, where only
    weekends (and admin-added days) count."""
    holidays = frozenset(day for day in official.holidays if day.year == year)
    workdays = frozenset(day for day in official.workdays if day.year == year)
    return holidays, workdays


def is_working_day(day, overrides=None):
    """`overrides` maps a date to True (working day) or False (day off), as entered by an administrator."""
    if overrides and day in overrides:
        return overrides[day]
    holidays, workdays = official_year(day.year)
    if day in workdays:
        return True
    if day in holidays:
        return False
    return day.weekday() < 5


def add_working_days(start, days, overrides=None):
    """The date `days` working days after `start`: the first counted day is the first working day after `start`
    (so 2021-09-30 + 1 = 2021-10-08, after the 国庆 holiday). 0 gives `start` itself."""
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day, overrides):
            remaining -= 1
    return day


CACHE_SECONDS = 300
_cached = {}


def forget_cached(**kwargs):
    """Drop the calendar `WorkCalendar.cached` keeps (connected to CalendarDay's post_save and post_delete)."""
    _cached.clear()


@dataclass(frozen=True)
class WorkCalendar:
    """The official calendar plus the administrator's days, loaded once and then used without the database.
    Results are remembered per (start, days): an import of a year's tickets asks for a few thousand distinct ones."""

    overrides: dict = field(default_factory=dict)
    zone: tzinfo = field(default_factory=timezone.get_default_timezone)
    _answers: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def load(cls):
        from disputes.models import CalendarDay

        return cls(dict(CalendarDay.objects.values_list("date", "is_workday")))

    @classmethod
    def cached(cls):
        """The calendar as `load` reads it, kept in this process for CACHE_SECONDS: the administrator's days are
        configuration, not records, and change a few times a year. A save or a delete of a CalendarDay forgets it
        at once in the process that made it (`forget_cached`, on the model's signals); another process sees the
        change within CACHE_SECONDS. For the 工作台's cards; an import or a deadline being set reads `load`."""
        loaded_at, calendar = _cached.get("calendar", (None, None))
        if loaded_at is None or time.monotonic() - loaded_at > CACHE_SECONDS:
            calendar = cls.load()
            _cached["calendar"] = (time.monotonic(), calendar)
        return calendar

    def local_day(self, moment):
        return moment.astimezone(self.zone).date() if timezone.is_aware(moment) else moment.date()

    def is_working_day(self, day):
        return is_working_day(day, self.overrides)

    def add_working_days(self, start, days):
        key = (start, days)
        if key not in self._answers:
            self._answers[key] = add_working_days(start, days, self.overrides)
        return self._answers[key]

