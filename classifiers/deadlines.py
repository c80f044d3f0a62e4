"""Deadline computation: when the answer to an appeal is due.

The rules (SPEC "Deadline rules, exactly"; sources in ``docs/classifiers.md``):

* **Calendar days** (Leningrad, seed 001): the deadline is the local date the
  appeal was received plus N days, with no shift for weekends or holidays
  (#724 created 18.08.2025 → 07.09.2025; #368 created 21.02.2025 → 13.03.2025).
* **Working days** (Moscow seed 004, Kazakhstan seed 003): the *effective
  receipt day* is the local day received if it is a working day and, where the
  type has a cut-off hour, the local time is before it; otherwise the next
  working day. The deadline is the N-th working day after the effective
  receipt day (N = 0: the effective receipt day itself).
* A first response, where the type has one (Moscow complex consultation), is
  due ``first_response_days`` working days after the effective receipt day.

Times are converted to the pack's time zone whatever zone the caller used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from classifiers.calendar import ProductionCalendar
from classifiers.errors import InvalidInput
from classifiers.taxonomy import Classifier


@dataclass(frozen=True)
class Deadline:
    """The computed deadline of one appeal.

    ``deadline`` is the last day to answer (inclusive). ``effective_receipt`` is
    the day counting starts from; ``first_response`` is set only for types with
    a first-response step.
    """

    appeal_type: str
    deadline: date
    effective_receipt: date
    days: int
    counting: str
    first_response: date | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict with ISO dates (``YYYY-MM-DD``)."""
        return {
            "appeal_type": self.appeal_type,
            "deadline": self.deadline.isoformat(),
            "effective_receipt": self.effective_receipt.isoformat(),
            "days": self.days,
            "counting": self.counting,
            "first_response": self.first_response.isoformat()
            if self.first_response
            else None,
        }


def compute_deadline(
    classifier: Classifier,
    fact_code: str,
    received_at: datetime,
    calendar: ProductionCalendar,
    tz: str,
) -> Deadline:
    """Compute when the answer to an appeal about ``fact_code`` is due.

    Args:
        classifier: the pack's classifier.
        fact_code: the fact the investor picked.
        received_at: when the appeal was received; must carry a time zone.
        calendar: the production calendar of the pack's country.
        tz: the pack's IANA time zone (``Europe/Moscow``, ``Asia/Almaty``).

    Raises:
        UnknownFact: the classifier has no such fact.
        ValueError: ``received_at`` is naive or not a datetime, or ``tz`` is unknown.
    """
    appeal_type = classifier.appeal_type_of(fact_code)
    days = classifier.days_for(fact_code)
    local = to_local(received_at, tz)

    if appeal_type.counting == "calendar":
        received_day = local.date()
        first = (
            received_day + timedelta(days=appeal_type.first_response_days)
            if appeal_type.first_response_days is not None
            else None
        )
        return Deadline(
            appeal_type=appeal_type.code,
            deadline=received_day + timedelta(days=days),
            effective_receipt=received_day,
            days=days,
            counting=appeal_type.counting,
            first_response=first,
        )

    effective = effective_receipt_day(local, calendar, appeal_type.cutoff_hour)
    first = (
        calendar.add_working_days(effective, appeal_type.first_response_days)
        if appeal_type.first_response_days is not None
        else None
    )
    return Deadline(
        appeal_type=appeal_type.code,
        deadline=calendar.add_working_days(effective, days),
        effective_receipt=effective,
        days=days,
        counting=appeal_type.counting,
        first_response=first,
    )


def effective_receipt_day(
    local: datetime, calendar: ProductionCalendar, cutoff_hour: int | None
) -> date:
    """Return the day working-day counting starts from.

    It is the local day of receipt when that day is a working day and, if there
    is a cut-off, the local time is strictly before ``cutoff_hour:00``;
    otherwise the next working day.
    """
    day = local.date()
    in_time = cutoff_hour is None or local.time().replace(tzinfo=None) < time(
        cutoff_hour
    )
    if calendar.is_working_day(day) and in_time:
        return day
    return calendar.next_working_day(day)


def to_local(received_at: datetime, tz: str) -> datetime:
    """Convert an aware datetime to the pack's time zone.

    Raises:
        ValueError: ``received_at`` is not a timezone-aware datetime, or ``tz``
            is not a known IANA zone.
    """
    if not isinstance(received_at, datetime):
        raise InvalidInput("received_at", f"expected a datetime, got {received_at!r}")
    if received_at.tzinfo is None or received_at.utcoffset() is None:
        raise InvalidInput(
            "received_at", "a time zone is required (e.g. 2025-08-18T10:54:00+03:00)"
        )
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise InvalidInput("tz", f"unknown time zone {tz!r}") from None
    return received_at.astimezone(zone)
