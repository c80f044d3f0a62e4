"""Kazakhstan: green-corridor scoring and project pools (seed 003).

* :func:`green_corridor_score` — Appendix 1 «Система расчета баллов по
  инвестиционному проекту о подтверждении минимального порогового значения
  показателей для включения в «Зеленый коридор»»: four criteria, each scored
  in points and weighted 25/30/30/15 %; a project is included when the weighted
  sum reaches 1.3 (item 28 applies it automatically).
* :func:`project_pool` — items 8, 9, 23, 26 and 29: national pool from
  150 000 МРП, regional pool below, Task Force from 7 500 000 МРП for projects
  in the green corridor. МРП is the monthly calculation index in force on
  1 January of the year.

Bands read «от A до B» as ``A <= x < B`` and «от A и выше» as ``x >= A``.
"""

from __future__ import annotations

import math
from typing import Any

from classifiers.errors import InvalidInput

THRESHOLD = 1.3
"""Weighted score from which a project is in the green corridor (Appendix 1, note)."""

WEIGHTS: dict[str, float] = {
    "investment_usd": 0.25,
    "global2000": 0.30,
    "tech_level": 0.30,
    "jobs": 0.15,
}
"""Criterion weights as fractions (25 %, 30 %, 30 %, 15 %)."""

MAX_POINTS: dict[str, float] = {
    "investment_usd": 3.0,
    "global2000": 2.0,
    "tech_level": 3.0,
    "jobs": 2.0,
}
"""The highest points each criterion can give (Appendix 1, «Максимальный балл»)."""

TECH_LEVEL_POINTS: dict[str, float] = {
    "non_manufacturing": 0.0,  # проект, не относящийся к обрабатывающей промышленности
    "unlisted": 1.0,  # отсутствует в перечне (проект обрабатывающей промышленности)
    "medium": 2.0,  # средний уровень
    "high": 3.0,  # высокий уровень
}
"""Points for the project's technology level (priority goods list, МИИР order No. 306)."""

MILLION = 1_000_000

MRP_BY_YEAR: dict[int, int] = {2024: 3692, 2025: 3932, 2026: 4325}
"""Monthly calculation index (МРП), tenge, in force on 1 January of the year."""

NATIONAL_POOL_MRP = 150_000
"""Investment, in МРП, from which a project belongs to the national pool (items 8, 26)."""

TASK_FORCE_MRP = 7_500_000
"""Investment, in МРП, from which a green-corridor project goes to Task Force (item 3 subitem 29, item 29)."""


def investment_points(investment_usd: float) -> float:
    """Points for the investment volume: 10–15 mln USD 1, 15–30 mln 2, 30 mln and more 3."""
    if investment_usd >= 30 * MILLION:
        return 3.0
    if investment_usd >= 15 * MILLION:
        return 2.0
    if investment_usd >= 10 * MILLION:
        return 1.0
    return 0.0


def jobs_points(jobs: int) -> float:
    """Points for jobs created: under 300 0.5, 300–500 1, 500 and more 2."""
    if jobs >= 500:
        return 2.0
    if jobs >= 300:
        return 1.0
    return 0.5


def green_corridor_score(
    investment_usd: float, global2000: bool, tech_level: str, jobs: int
) -> dict[str, Any]:
    """Score a project against the green-corridor criteria of seed 003, Appendix 1.

    Returns ``{"score", "threshold", "included", "points"}`` where ``points``
    maps each criterion (``investment_usd``, ``global2000``, ``tech_level``,
    ``jobs``) to ``{"value", "points", "max_points", "weight", "weighted"}``.

    Raises:
        ValueError: a field is missing its type or out of range; the message
            names the field.
    """
    investment = _non_negative_number(investment_usd, "investment_usd")
    if not isinstance(global2000, bool):
        raise InvalidInput("global2000", f"expected true or false, got {global2000!r}")
    if not isinstance(tech_level, str) or tech_level not in TECH_LEVEL_POINTS:
        raise InvalidInput(
            "tech_level",
            f"expected one of {', '.join(TECH_LEVEL_POINTS)}, got {tech_level!r}",
        )
    job_count = _non_negative_whole(jobs, "jobs")

    raw: dict[str, tuple[Any, float]] = {
        "investment_usd": (investment_usd, investment_points(investment)),
        "global2000": (global2000, 2.0 if global2000 else 0.0),
        "tech_level": (tech_level, TECH_LEVEL_POINTS[tech_level]),
        "jobs": (job_count, jobs_points(job_count)),
    }
    points: dict[str, dict[str, Any]] = {}
    total = 0.0
    for criterion, (value, criterion_points) in raw.items():
        weighted = criterion_points * WEIGHTS[criterion]
        total += weighted
        points[criterion] = {
            "value": value,
            "points": criterion_points,
            "max_points": MAX_POINTS[criterion],
            "weight": WEIGHTS[criterion],
            "weighted": round(weighted, 3),
        }
    score = round(total, 3)
    return {
        "score": score,
        "threshold": THRESHOLD,
        "included": score >= THRESHOLD,
        "points": points,
    }


def project_pool(
    investment_kzt: float,
    year: int,
    green_corridor: bool,
    *,
    investment_contract: bool = False,
) -> dict[str, Any]:
    """Tell which pool a Kazakhstan project belongs to and whether Task Force takes it.

    ``year`` picks the МРП in force on 1 January. A project under an investment
    contract is in the national pool whatever its size (item 26).

    Returns ``{"pool": "national" | "regional", "task_force", "year", "mrp",
    "investment_mrp", "national_threshold_kzt", "task_force_threshold_kzt",
    "green_corridor"}``.

    Raises:
        ValueError: unknown year (no МРП on file) or an invalid field.
    """
    investment = _non_negative_number(investment_kzt, "investment_kzt")
    if isinstance(year, bool) or not isinstance(year, int) or year not in MRP_BY_YEAR:
        raise InvalidInput(
            "year",
            f"no МРП on file for {year!r}; known years: "
            f"{', '.join(str(y) for y in sorted(MRP_BY_YEAR))}",
        )
    if not isinstance(green_corridor, bool):
        raise InvalidInput(
            "green_corridor", f"expected true or false, got {green_corridor!r}"
        )
    if not isinstance(investment_contract, bool):
        raise InvalidInput(
            "investment_contract",
            f"expected true or false, got {investment_contract!r}",
        )
    mrp = MRP_BY_YEAR[year]
    national_threshold = NATIONAL_POOL_MRP * mrp
    task_force_threshold = TASK_FORCE_MRP * mrp
    national = investment >= national_threshold or investment_contract
    return {
        "pool": "national" if national else "regional",
        "task_force": green_corridor and investment >= task_force_threshold,
        "year": year,
        "mrp": mrp,
        "investment_mrp": round(investment / mrp, 3),
        "national_threshold_kzt": national_threshold,
        "task_force_threshold_kzt": task_force_threshold,
        "green_corridor": green_corridor,
    }


def _non_negative_number(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(field, f"expected a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise InvalidInput(
            field, f"expected a non-negative finite number, got {value!r}"
        )
    return number


def _non_negative_whole(value: object, field: str) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(field, f"expected a whole number, got {value!r}")
    if value < 0:
        raise InvalidInput(field, f"expected a non-negative number, got {value!r}")
    return value
