"""Deadlines per SPEC "Deadline rules, exactly", on the real pack classifiers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from classifiers.calendar import ProductionCalendar
from classifiers.deadlines import Deadline, compute_deadline
from classifiers.packs import get_pack
from classifiers.taxonomy import Classifier, UnknownFact, load_classifier

MSK = ZoneInfo("Europe/Moscow")
ALMATY = ZoneInfo("Asia/Almaty")
NAIVE = datetime.fromisoformat("2025-10-15T10:00:00")

LENINGRAD_PROBLEM = "roads.junction.technical_conditions_dispute"
LENINGRAD_LAND_PROBLEM = "land.land_rights.provision_delay"
LENINGRAD_CONSULTATION = "land.site_selection.free_plots_list"
LENINGRAD_HELP = "construction.permits.commissioning_acceleration"
MOSCOW_SIMPLE = "support.subsidies.modernization_terms"
MOSCOW_COMPLEX = "construction.permits.permit_consultation"
MOSCOW_TASK_TAXI = "licenses.transport.taxi_permit"
MOSCOW_TASK_GPZU = "construction.gpzu.gpzu_amend"
MOSCOW_PROBLEM = "protection.pressure.unlawful_inspection"
KAZAKHSTAN_REQUEST = "information.projects.industrial_sites"


@pytest.fixture(scope="module")
def packs() -> dict[str, tuple[Classifier, ProductionCalendar, str]]:
    loaded = {}
    for code in ("leningrad", "moscow", "kazakhstan"):
        pack = get_pack(code)
        loaded[code] = (pack.load_classifier(), pack.calendar(), pack.timezone)
    return loaded


def due(packs: dict[str, Any], pack: str, fact: str, received_at: datetime) -> Deadline:
    classifier, calendar, tz = packs[pack]
    return compute_deadline(classifier, fact, received_at, calendar, tz)


# Leningrad: calendar days from the creation date, no weekend shift (seed 001).


def test_problem_created_18_08_2025_is_due_07_09_2025(packs: dict[str, Any]) -> None:
    result = due(
        packs,
        "leningrad",
        LENINGRAD_LAND_PROBLEM,
        datetime(2025, 8, 18, 10, 54, tzinfo=MSK),
    )
    assert result.appeal_type == "problem"
    assert result.deadline == date(
        2025, 9, 7
    )  # a Sunday: calendar days are not shifted
    assert (result.days, result.counting) == (20, "calendar")


def test_problem_created_21_02_2025_is_due_13_03_2025(packs: dict[str, Any]) -> None:
    result = due(
        packs, "leningrad", LENINGRAD_PROBLEM, datetime(2025, 2, 21, 12, 47, tzinfo=MSK)
    )
    assert result.deadline == date(2025, 3, 13)
    assert result.effective_receipt == date(2025, 2, 21)


def test_consultation_is_due_in_5_calendar_days(packs: dict[str, Any]) -> None:
    result = due(
        packs,
        "leningrad",
        LENINGRAD_CONSULTATION,
        datetime(2025, 12, 29, 9, tzinfo=MSK),
    )
    assert (result.appeal_type, result.deadline) == ("consultation", date(2026, 1, 3))


def test_help_is_due_in_10_calendar_days(packs: dict[str, Any]) -> None:
    result = due(
        packs, "leningrad", LENINGRAD_HELP, datetime(2025, 8, 29, 13, 40, tzinfo=MSK)
    )
    assert (result.appeal_type, result.deadline) == ("help", date(2025, 9, 8))


def test_calendar_day_is_taken_in_the_packs_time_zone(packs: dict[str, Any]) -> None:
    # 22:30 UTC on 17.08 is 01:30 on 18.08 in Moscow.
    received = datetime(2025, 8, 17, 22, 30, tzinfo=UTC)
    result = due(packs, "leningrad", LENINGRAD_LAND_PROBLEM, received)
    assert result.effective_receipt == date(2025, 8, 18)
    assert result.deadline == date(2025, 9, 7)


# Moscow: working days, complex consultation with the 16:00 cut-off (seed 004).


def test_complex_consultation_before_16_is_answered_the_same_day(
    packs: dict[str, Any],
) -> None:
    result = due(
        packs, "moscow", MOSCOW_COMPLEX, datetime(2025, 10, 15, 15, 59, tzinfo=MSK)
    )
    assert result.effective_receipt == date(2025, 10, 15)
    assert result.first_response == date(2025, 10, 15)
    assert result.deadline == date(2025, 10, 17)


def test_complex_consultation_at_16_00_counts_from_the_next_day(
    packs: dict[str, Any],
) -> None:
    result = due(
        packs, "moscow", MOSCOW_COMPLEX, datetime(2025, 10, 15, 16, 0, tzinfo=MSK)
    )
    assert result.effective_receipt == date(2025, 10, 16)
    assert result.first_response == date(2025, 10, 16)
    assert result.deadline == date(2025, 10, 20)


def test_complex_consultation_on_friday_evening_moves_to_monday(
    packs: dict[str, Any],
) -> None:
    result = due(
        packs, "moscow", MOSCOW_COMPLEX, datetime(2025, 10, 17, 18, 30, tzinfo=MSK)
    )
    assert result.effective_receipt == date(2025, 10, 20)
    assert result.first_response == date(2025, 10, 20)
    assert result.deadline == date(2025, 10, 22)


def test_complex_consultation_before_the_november_holidays(
    packs: dict[str, Any],
) -> None:
    # Fri 31.10.2025 after 16:00 → working Saturday 01.11; 03–04.11 are days off.
    result = due(
        packs, "moscow", MOSCOW_COMPLEX, datetime(2025, 10, 31, 17, 0, tzinfo=MSK)
    )
    assert result.effective_receipt == date(2025, 11, 1)
    assert result.deadline == date(2025, 11, 6)


def test_appeal_received_on_a_holiday_counts_from_the_next_working_day(
    packs: dict[str, Any],
) -> None:
    result = due(
        packs, "moscow", MOSCOW_COMPLEX, datetime(2025, 11, 4, 10, 0, tzinfo=MSK)
    )
    assert result.effective_receipt == date(2025, 11, 5)
    assert result.deadline == date(2025, 11, 7)


def test_complex_consultation_on_the_eve_of_new_year_holidays(
    packs: dict[str, Any],
) -> None:
    result = due(
        packs, "moscow", MOSCOW_COMPLEX, datetime(2025, 12, 30, 16, 30, tzinfo=MSK)
    )
    assert result.effective_receipt == date(2026, 1, 12)
    assert result.deadline == date(2026, 1, 14)


def test_simple_consultation_has_no_cutoff(packs: dict[str, Any]) -> None:
    result = due(
        packs, "moscow", MOSCOW_SIMPLE, datetime(2025, 10, 15, 20, 0, tzinfo=MSK)
    )
    assert result.effective_receipt == date(2025, 10, 15)
    assert result.deadline == date(2025, 10, 16)
    assert result.first_response is None


def test_task_days_come_from_the_fact(packs: dict[str, Any]) -> None:
    received = datetime(2025, 10, 13, 11, 0, tzinfo=MSK)  # Monday
    taxi = due(packs, "moscow", MOSCOW_TASK_TAXI, received)
    gpzu = due(packs, "moscow", MOSCOW_TASK_GPZU, received)
    assert (taxi.appeal_type, taxi.days, taxi.deadline) == (
        "task",
        2,
        date(2025, 10, 15),
    )
    assert (gpzu.days, gpzu.deadline) == (5, date(2025, 10, 20))


def test_moscow_problem_takes_20_working_days(packs: dict[str, Any]) -> None:
    result = due(
        packs, "moscow", MOSCOW_PROBLEM, datetime(2025, 10, 20, 9, 0, tzinfo=MSK)
    )
    assert result.days == 20
    assert result.deadline == date(2025, 11, 18)  # 01.11 works, 03–04.11 do not


def test_received_at_in_utc_lands_on_the_moscow_day(packs: dict[str, Any]) -> None:
    # 12:30 UTC = 15:30 Moscow: before the cut-off.
    early = due(
        packs, "moscow", MOSCOW_COMPLEX, datetime(2025, 10, 15, 12, 30, tzinfo=UTC)
    )
    # 13:30 UTC = 16:30 Moscow: after it.
    late = due(
        packs, "moscow", MOSCOW_COMPLEX, datetime(2025, 10, 15, 13, 30, tzinfo=UTC)
    )
    assert early.effective_receipt == date(2025, 10, 15)
    assert late.effective_receipt == date(2025, 10, 16)


def test_received_at_in_another_zone_is_converted(packs: dict[str, Any]) -> None:
    # 17:30 at +05:00 is 15:30 in Moscow (+03:00): before the cut-off.
    received = datetime(2025, 10, 15, 17, 30, tzinfo=timezone(timedelta(hours=5)))
    assert due(packs, "moscow", MOSCOW_COMPLEX, received).effective_receipt == date(
        2025, 10, 15
    )


# Kazakhstan: 5 working days on the KZ calendar, Almaty time (seed 003).


def test_kazakhstan_request_takes_5_working_days(packs: dict[str, Any]) -> None:
    result = due(
        packs,
        "kazakhstan",
        KAZAKHSTAN_REQUEST,
        datetime(2025, 3, 19, 10, tzinfo=ALMATY),
    )
    # 20.03 works; 21–25 March 2025 are Nauryz days off; then 26, 27, 28, 31.
    assert (result.appeal_type, result.counting) == ("request", "working")
    assert result.deadline == date(2025, 3, 31)


def test_kazakhstan_working_sunday_counts(packs: dict[str, Any]) -> None:
    result = due(
        packs,
        "kazakhstan",
        KAZAKHSTAN_REQUEST,
        datetime(2024, 12, 31, 10, tzinfo=ALMATY),
    )
    # 01–03.01 off, Sun 05.01 working, 06.01 working, 07.01 off, then 08, 09, 10.
    assert result.deadline == date(2025, 1, 10)


def test_a_late_utc_evening_is_the_next_day_in_almaty(packs: dict[str, Any]) -> None:
    # 20:00 UTC on Friday 14.11.2025 is 01:00 on Saturday 15.11 in Almaty (+05:00).
    received = datetime(2025, 11, 14, 20, 0, tzinfo=UTC)
    result = due(packs, "kazakhstan", KAZAKHSTAN_REQUEST, received)
    assert result.effective_receipt == date(2025, 11, 17)
    assert result.deadline == date(2025, 11, 24)


def test_plus_five_hours_offset_is_almaty_local_time(packs: dict[str, Any]) -> None:
    received = datetime(2025, 11, 14, 23, 30, tzinfo=timezone(timedelta(hours=5)))
    result = due(packs, "kazakhstan", KAZAKHSTAN_REQUEST, received)
    assert result.effective_receipt == date(2025, 11, 14)
    assert result.deadline == date(2025, 11, 21)


# Generic rules.


def zero_day_classifier(tmp_path: Any) -> Classifier:
    path = tmp_path / "zero.json"
    path.write_text(
        '{"appeal_types": [{"code": "same_day", "name_ru": "В тот же день", "name_en": "Same day",'
        ' "days": 0, "counting": "working", "cutoff_hour": 16}],'
        ' "categories": [{"code": "c", "name": "К", "subcategories": [{"code": "c.s", "name": "П",'
        ' "facts": [{"code": "c.s.f", "name": "Ф", "appeal_type": "same_day"}]}]}]}',
        encoding="utf-8",
    )
    return load_classifier(path)


def test_zero_days_is_due_on_the_effective_receipt_day(tmp_path: Any) -> None:
    classifier = zero_day_classifier(tmp_path)
    calendar = ProductionCalendar("RU")
    before = compute_deadline(
        classifier,
        "c.s.f",
        datetime(2025, 10, 15, 10, tzinfo=MSK),
        calendar,
        "Europe/Moscow",
    )
    weekend = compute_deadline(
        classifier,
        "c.s.f",
        datetime(2025, 10, 18, 10, tzinfo=MSK),
        calendar,
        "Europe/Moscow",
    )
    assert before.deadline == before.effective_receipt == date(2025, 10, 15)
    assert weekend.deadline == date(2025, 10, 20)


def test_calendar_overrides_change_the_deadline(packs: dict[str, Any]) -> None:
    classifier, _, tz = packs["moscow"]
    calendar = ProductionCalendar("RU", overrides={date(2025, 10, 16): False})
    result = compute_deadline(
        classifier,
        MOSCOW_COMPLEX,
        datetime(2025, 10, 15, 16, 30, tzinfo=MSK),
        calendar,
        tz,
    )
    assert result.effective_receipt == date(2025, 10, 17)


def test_naive_received_at_is_refused(packs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="received_at"):
        due(packs, "moscow", MOSCOW_COMPLEX, NAIVE)


def test_naive_received_at_is_refused_for_calendar_days_too(
    packs: dict[str, Any],
) -> None:
    with pytest.raises(ValueError, match="received_at"):
        due(packs, "leningrad", LENINGRAD_PROBLEM, NAIVE)


def test_unknown_time_zone_is_refused(packs: dict[str, Any]) -> None:
    classifier, calendar, _ = packs["moscow"]
    with pytest.raises(ValueError, match="tz"):
        compute_deadline(
            classifier,
            MOSCOW_COMPLEX,
            datetime(2025, 1, 9, tzinfo=MSK),
            calendar,
            "Mars/Olympus",
        )


def test_unknown_fact_is_refused(packs: dict[str, Any]) -> None:
    with pytest.raises(UnknownFact):
        due(packs, "moscow", "no.such.fact", datetime(2025, 1, 9, tzinfo=MSK))


def test_deadline_to_dict_uses_iso_dates(packs: dict[str, Any]) -> None:
    result = due(
        packs, "moscow", MOSCOW_COMPLEX, datetime(2025, 10, 15, 15, 0, tzinfo=MSK)
    )
    assert result.to_dict() == {
        "appeal_type": "complex_consultation",
        "deadline": "2025-10-17",
        "effective_receipt": "2025-10-15",
        "days": 2,
        "counting": "working",
        "first_response": "2025-10-15",
    }
