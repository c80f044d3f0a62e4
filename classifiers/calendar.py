"""Production calendars: which days are working days in Russia and Kazakhstan.

A :class:`ProductionCalendar` answers "is this a working day?" the way the
official production calendar (производственный календарь) does:

* Saturdays and Sundays are days off, public holidays are days off;
* the government's weekend transfers are applied: a Saturday that the decree
  makes a working day counts as one (RU: 01.11.2025), and the weekday that
  received the transferred day off does not (RU: 03.11.2025);
* an admin-editable override table (late decrees, one-off days off, working
  days) wins over everything else.

Holidays and transfers come from the ``holidays`` package, which keeps the
decrees for RU and KZ: transferred days off are ordinary entries of the holiday
mapping and the working weekend days are in its ``weekend_workdays`` set. A
working Saturday may be decreed in the mapping of the *next* year (KZ 2014
moved the day off from 28.12.2013), so each year is read together with its
neighbours and then cut down to that year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType

import holidays

from classifiers.errors import InvalidInput

SUPPORTED_COUNTRIES: tuple[str, ...] = ("RU", "KZ")
"""Country codes a production calendar can be built for."""

_SATURDAY = 5
_SEARCH_LIMIT_DAYS = 3660
"""How far the calendar looks for a working day before giving up (10 years)."""


@dataclass(frozen=True)
class _YearDays:
    """The package's verdicts for one year: holidays and working weekend days."""

    days_off: frozenset[date]
    weekend_workdays: frozenset[date]


class ProductionCalendar:
    """Working days of one country, with government transfers and admin overrides.

    Args:
        country: ``"RU"`` or ``"KZ"`` (case-insensitive).
        overrides: date → ``True`` (working day) or ``False`` (day off); an
            override wins over the weekend rule, holidays and transfers.

    Raises:
        ValueError: for an unsupported country or a malformed override.
    """

    def __init__(
        self, country: str, overrides: Mapping[date, bool] | None = None
    ) -> None:
        code = str(country).strip().upper()
        if code not in SUPPORTED_COUNTRIES:
            raise InvalidInput(
                "country",
                f"unsupported production calendar {country!r}; "
                f"use one of {', '.join(SUPPORTED_COUNTRIES)}",
            )
        self._country = code
        checked: dict[date, bool] = {}
        for day, working in (overrides or {}).items():
            if not isinstance(day, date) or isinstance(day, datetime):
                raise InvalidInput("overrides", f"key {day!r} is not a date")
            if not isinstance(working, bool):
                raise InvalidInput(
                    "overrides", f"value for {day.isoformat()} must be true or false"
                )
            checked[day] = working
        self._overrides: Mapping[date, bool] = MappingProxyType(checked)
        self._years: dict[int, _YearDays] = {}

    @property
    def country(self) -> str:
        """The ISO country code of this calendar (``RU`` or ``KZ``)."""
        return self._country

    @property
    def overrides(self) -> Mapping[date, bool]:
        """A read-only view of the admin overrides (date → working?)."""
        return self._overrides

    def __repr__(self) -> str:
        return (
            f"ProductionCalendar({self._country!r}, overrides={len(self._overrides)})"
        )

    def _year(self, year: int) -> _YearDays:
        """Load (once) and return the holidays and working weekend days of ``year``."""
        cached = self._years.get(year)
        if cached is None:
            source = holidays.country_holidays(
                self._country, years=(year - 1, year, year + 1)
            )
            cached = _YearDays(
                days_off=frozenset(d for d in source if d.year == year),
                weekend_workdays=frozenset(
                    d for d in source.weekend_workdays if d.year == year
                ),
            )
            self._years[year] = cached
        return cached

    def is_working_day(self, d: date) -> bool:
        """Tell whether ``d`` is a working day.

        Order of precedence: the override table, then the weekend rule with
        the decreed working weekend days, then public holidays and transferred
        days off.
        """
        d = _as_date(d)
        override = self._overrides.get(d)
        if override is not None:
            return override
        year = self._year(d.year)
        if d.weekday() >= _SATURDAY:
            return d in year.weekend_workdays
        return d not in year.days_off

    def next_working_day(self, d: date) -> date:
        """Return the first working day strictly after ``d``."""
        return self.add_working_days(d, 1)

    def add_working_days(self, d: date, n: int) -> date:
        """Return the ``n``-th working day strictly after ``d``; ``n = 0`` returns ``d``.

        ``d`` itself need not be a working day: counting starts on the day
        after it.

        Raises:
            ValueError: if ``n`` is negative or not an integer.
        """
        d = _as_date(d)
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise InvalidInput(
                "n", f"expected a non-negative whole number of days, got {n!r}"
            )
        current = d
        remaining = n
        scanned = 0
        while remaining:
            current += timedelta(days=1)
            scanned += 1
            if self.is_working_day(current):
                remaining -= 1
                scanned = 0
            elif scanned > _SEARCH_LIMIT_DAYS:
                raise RuntimeError(
                    f"no working day within {_SEARCH_LIMIT_DAYS} days after {d.isoformat()}; "
                    "check the calendar overrides"
                )
        return current

    def working_days_between(self, a: date, b: date) -> int:
        """Count working days in the half-open interval ``(a, b]``.

        The count is negative when ``b`` is before ``a``; it is chosen so that
        ``working_days_between(d, add_working_days(d, n)) == n``.
        """
        a, b = _as_date(a), _as_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        return sum(
            1
            for offset in range(1, (b - a).days + 1)
            if self.is_working_day(a + timedelta(days=offset))
        )


def _as_date(value: date) -> date:
    """Accept a ``date``; refuse a ``datetime`` (whose day depends on a time zone)."""
    if isinstance(value, datetime):
        raise InvalidInput(
            "date",
            "expected a date, got a datetime: convert it to the pack's local date first",
        )
    if not isinstance(value, date):
        raise InvalidInput("date", f"expected a date, got {value!r}")
    return value
