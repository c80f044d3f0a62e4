"""Green-corridor scoring (seed 003, Appendix 1) and project pools (items 8, 9, 26, 29)."""

from __future__ import annotations

from typing import Any

import pytest

from classifiers.errors import InvalidInput
from classifiers.scoring import MRP_BY_YEAR, green_corridor_score, project_pool

M = 1_000_000


def test_large_high_tech_project_is_in_the_green_corridor() -> None:
    result = green_corridor_score(30 * M, False, "high", 250)
    # 3×0.25 + 0×0.30 + 3×0.30 + 0.5×0.15 = 1.725
    assert result == {
        "score": 1.725,
        "threshold": 1.3,
        "included": True,
        "points": {
            "investment_usd": {
                "value": 30 * M, "points": 3.0, "max_points": 3.0, "weight": 0.25, "weighted": 0.75,
            },
            "global2000": {
                "value": False, "points": 0.0, "max_points": 2.0, "weight": 0.3, "weighted": 0.0,
            },
            "tech_level": {
                "value": "high", "points": 3.0, "max_points": 3.0, "weight": 0.3, "weighted": 0.9,
            },
            "jobs": {
                "value": 250, "points": 0.5, "max_points": 2.0, "weight": 0.15, "weighted": 0.075,
            },
        },
    }  # fmt: skip


def test_small_medium_tech_project_is_not_included() -> None:
    result = green_corridor_score(12 * M, False, "medium", 400)
    # 1×0.25 + 0 + 2×0.30 + 1×0.15 = 1.0
    assert (result["score"], result["included"]) == (1.0, False)


def test_score_exactly_at_the_threshold_is_included() -> None:
    # 1×0.25 + 0 + 3×0.30 + 1×0.15 = 1.3
    result = green_corridor_score(10 * M, False, "high", 300)
    assert (result["score"], result["included"]) == (1.3, True)


def test_global2000_presence_gives_two_points() -> None:
    result = green_corridor_score(10 * M, True, "unlisted", 500)
    # 0.25 + 2×0.30 + 1×0.30 + 2×0.15 = 1.45
    assert result["points"]["global2000"]["points"] == 2.0
    assert (result["score"], result["included"]) == (1.45, True)


def test_maximum_score_is_2_55() -> None:
    assert green_corridor_score(100 * M, True, "high", 1000)["score"] == 2.55


@pytest.mark.parametrize(
    ("investment", "points"),
    [
        (0, 0.0),
        (9_999_999, 0.0),
        (10 * M, 1.0),
        (14_999_999, 1.0),
        (15 * M, 2.0),
        (30 * M, 3.0),
    ],
)
def test_investment_bands(investment: float, points: float) -> None:
    result = green_corridor_score(investment, False, "non_manufacturing", 0)
    assert result["points"]["investment_usd"]["points"] == points


@pytest.mark.parametrize(
    ("jobs", "points"), [(0, 0.5), (299, 0.5), (300, 1.0), (499, 1.0), (500, 2.0)]
)
def test_jobs_bands(jobs: int, points: float) -> None:
    assert (
        green_corridor_score(0, False, "high", jobs)["points"]["jobs"]["points"]
        == points
    )


@pytest.mark.parametrize(
    ("level", "points"),
    [("non_manufacturing", 0.0), ("unlisted", 1.0), ("medium", 2.0), ("high", 3.0)],
)
def test_tech_levels(level: str, points: float) -> None:
    assert (
        green_corridor_score(0, False, level, 0)["points"]["tech_level"]["points"]
        == points
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"investment_usd": -1}, "investment_usd"),
        ({"investment_usd": "10"}, "investment_usd"),
        ({"investment_usd": float("nan")}, "investment_usd"),
        ({"global2000": "yes"}, "global2000"),
        ({"tech_level": "very_high"}, "tech_level"),
        ({"jobs": -5}, "jobs"),
        ({"jobs": 10.5}, "jobs"),
        ({"jobs": True}, "jobs"),
    ],
)
def test_invalid_input_names_the_field(kwargs: dict[str, Any], field: str) -> None:
    arguments: dict[str, Any] = {
        "investment_usd": 20 * M,
        "global2000": False,
        "tech_level": "high",
        "jobs": 10,
    }
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=f"^{field}:") as caught:
        green_corridor_score(**arguments)
    assert isinstance(caught.value, InvalidInput)
    assert caught.value.field == field


def test_mrp_values_by_year() -> None:
    assert MRP_BY_YEAR == {2024: 3692, 2025: 3932, 2026: 4325}


def test_project_from_150_000_mrp_is_in_the_national_pool() -> None:
    result = project_pool(150_000 * 3932, 2025, green_corridor=False)
    assert result["pool"] == "national"
    assert result["national_threshold_kzt"] == 589_800_000
    assert result["investment_mrp"] == 150_000


def test_project_below_150_000_mrp_is_in_the_regional_pool() -> None:
    assert (
        project_pool(150_000 * 3932 - 1, 2025, green_corridor=True)["pool"]
        == "regional"
    )


def test_the_year_picks_the_mrp() -> None:
    investment = (
        150_000 * 4000
    )  # national in 2025 (3 932 ₸), regional in 2026 (4 325 ₸)
    assert project_pool(investment, 2025, False)["pool"] == "national"
    assert project_pool(investment, 2026, False)["pool"] == "regional"


def test_task_force_takes_green_corridor_projects_from_7_5_million_mrp() -> None:
    threshold = 7_500_000 * 3692
    assert project_pool(threshold, 2024, green_corridor=True)["task_force"] is True
    assert project_pool(threshold - 1, 2024, green_corridor=True)["task_force"] is False
    assert project_pool(threshold, 2024, green_corridor=False)["task_force"] is False


def test_investment_contract_puts_a_small_project_in_the_national_pool() -> None:
    assert (
        project_pool(1_000, 2025, False, investment_contract=True)["pool"] == "national"
    )


def test_unknown_year_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^year: .*2023.*2024, 2025, 2026"):
        project_pool(1_000_000, 2023, False)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((-1, 2025, False), "investment_kzt"),
        ((1, 2025, "yes"), "green_corridor"),
        ((1, "2025", False), "year"),
    ],
)
def test_invalid_pool_input_names_the_field(args: tuple[Any, ...], field: str) -> None:
    with pytest.raises(ValueError, match=f"^{field}:"):
        project_pool(*args)
