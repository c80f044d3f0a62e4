"""Production calendars: RU and KZ holidays, government transfers, admin overrides."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from classifiers.calendar import ProductionCalendar

NAIVE_NOON = datetime.fromisoformat("2025-01-01T12:00:00")


@pytest.fixture(scope="module")
def ru() -> ProductionCalendar:
    return ProductionCalendar("RU")


@pytest.fixture(scope="module")
def kz() -> ProductionCalendar:
    return ProductionCalendar("KZ")


# Official RU production calendar 2025 (decree of 04.10.2024 No. 1335).
@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 1, 8), False),  # new-year holidays
        (date(2025, 1, 9), True),
        (date(2025, 2, 24), True),  # 23 February fell on Sunday, moved to 8 May
        (date(2025, 5, 2), False),  # moved from Saturday 4 January
        (date(2025, 5, 5), True),
        (date(2025, 5, 8), False),  # moved from Sunday 23 February
        (date(2025, 5, 9), False),  # Victory Day
        (date(2025, 6, 13), False),  # moved from Saturday 8 March
        (date(2025, 11, 1), True),  # working Saturday
        (date(2025, 11, 3), False),  # moved from Saturday 1 November
        (date(2025, 11, 4), False),  # Unity Day
        (date(2025, 11, 5), True),
        (date(2025, 12, 31), False),  # moved from Sunday 5 January
    ],
)
def test_russia_2025_follows_the_official_production_calendar(
    ru: ProductionCalendar, day: date, working: bool
) -> None:
    assert ru.is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2024, 4, 27), True),  # working Saturday
        (date(2024, 4, 29), False),
        (date(2024, 4, 30), False),
        (date(2024, 11, 2), True),  # working Saturday
        (date(2024, 12, 28), True),  # working Saturday
        (date(2024, 12, 30), False),
        (date(2026, 1, 9), False),  # moved from Saturday 3 January
        (date(2026, 1, 12), True),
        (date(2026, 3, 9), False),  # 8 March fell on Sunday
        (date(2026, 5, 11), False),  # 9 May fell on Saturday
        (date(2026, 12, 31), False),  # moved from Sunday 4 January
    ],
)
def test_russia_2024_and_2026_transfers(
    ru: ProductionCalendar, day: date, working: bool
) -> None:
    assert ru.is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2024, 5, 4), True),  # working Saturday, day off moved to 8 May
        (date(2024, 5, 8), False),
        (date(2025, 1, 3), False),  # moved from Sunday 5 January
        (date(2025, 1, 5), True),  # working Sunday
        (date(2025, 3, 10), False),  # 8 March fell on Saturday
        (date(2025, 3, 24), False),  # Nauryz 21–23 March + weekend carry-over
        (date(2025, 3, 26), True),
        (date(2025, 7, 7), False),  # Capital Day fell on Sunday
        (date(2025, 12, 16), False),  # Independence Day
    ],
)
def test_kazakhstan_transfers(kz: ProductionCalendar, day: date, working: bool) -> None:
    assert kz.is_working_day(day) is working


def test_a_working_saturday_decreed_in_the_next_years_act_counts() -> None:
    # KZ 2014: the day off of 3 January 2014 was moved from Saturday 28 December 2013.
    assert ProductionCalendar("KZ").is_working_day(date(2013, 12, 28)) is True


def test_country_code_is_case_insensitive() -> None:
    assert ProductionCalendar("ru").country == "RU"


def test_unknown_country_is_refused() -> None:
    with pytest.raises(ValueError, match="country"):
        ProductionCalendar("US")


def test_override_makes_a_holiday_a_working_day() -> None:
    calendar = ProductionCalendar("RU", overrides={date(2025, 11, 4): True})
    assert calendar.is_working_day(date(2025, 11, 4)) is True


def test_override_makes_a_working_day_a_day_off() -> None:
    calendar = ProductionCalendar("RU", overrides={date(2025, 11, 1): False})
    assert calendar.is_working_day(date(2025, 11, 1)) is False
    assert calendar.next_working_day(date(2025, 10, 31)) == date(2025, 11, 5)


def test_override_wins_over_the_weekend_rule() -> None:
    calendar = ProductionCalendar("KZ", overrides={date(2025, 9, 6): True})
    assert calendar.is_working_day(date(2025, 9, 6)) is True


def test_overrides_must_map_dates_to_booleans() -> None:
    with pytest.raises(ValueError, match="overrides"):
        ProductionCalendar("RU", overrides={date(2025, 1, 1): "yes"})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="overrides"):
        ProductionCalendar("RU", overrides={"2025-01-01": True})  # type: ignore[dict-item]


def test_next_working_day_is_strictly_after(ru: ProductionCalendar) -> None:
    assert ru.next_working_day(date(2025, 11, 5)) == date(2025, 11, 6)
    assert ru.next_working_day(date(2025, 10, 31)) == date(
        2025, 11, 1
    )  # working Saturday
    assert ru.next_working_day(date(2025, 11, 1)) == date(2025, 11, 5)


def test_next_working_day_skips_the_new_year_holidays(ru: ProductionCalendar) -> None:
    assert ru.next_working_day(date(2025, 12, 30)) == date(2026, 1, 12)


def test_adding_zero_working_days_returns_the_same_day(ru: ProductionCalendar) -> None:
    assert ru.add_working_days(date(2025, 11, 2), 0) == date(2025, 11, 2)


def test_add_working_days_counts_only_working_days(ru: ProductionCalendar) -> None:
    # Fri 31.10.2025 + 1 → Sat 01.11 (working); + 2 → Wed 05.11 (03–04.11 off)
    assert ru.add_working_days(date(2025, 10, 31), 1) == date(2025, 11, 1)
    assert ru.add_working_days(date(2025, 10, 31), 2) == date(2025, 11, 5)
    assert ru.add_working_days(date(2025, 4, 30), 3) == date(2025, 5, 7)


def test_add_working_days_refuses_a_negative_count(ru: ProductionCalendar) -> None:
    with pytest.raises(ValueError, match="n"):
        ru.add_working_days(date(2025, 1, 1), -1)


def test_a_datetime_is_not_accepted_as_a_day(ru: ProductionCalendar) -> None:
    with pytest.raises(ValueError, match="datetime"):
        ru.is_working_day(NAIVE_NOON)


def test_working_days_between_counts_the_half_open_interval(
    ru: ProductionCalendar,
) -> None:
    assert ru.working_days_between(date(2025, 10, 31), date(2025, 11, 5)) == 2
    assert ru.working_days_between(date(2025, 11, 5), date(2025, 10, 31)) == -2
    assert ru.working_days_between(date(2025, 11, 5), date(2025, 11, 5)) == 0


@pytest.mark.parametrize("n", [0, 1, 5, 20, 250])
def test_working_days_between_inverts_add_working_days(
    ru: ProductionCalendar, n: int
) -> None:
    start = date(2025, 4, 28)
    assert ru.working_days_between(start, ru.add_working_days(start, n)) == n


@pytest.mark.parametrize(
    ("year", "working_days"), [(2024, 248), (2025, 247), (2026, 247)]
)
def test_russian_years_have_the_official_number_of_working_days(
    ru: ProductionCalendar, year: int, working_days: int
) -> None:
    assert (
        ru.working_days_between(date(year - 1, 12, 31), date(year, 12, 31))
        == working_days
    )
