"""Leningrad project stages and how often the manager must update a project (seed 000 item 4.3).

Active stage: pre-investment «Подбор площадки» weekly; investment «МВК» every two weeks, «Получение
прав на ЗУ» weekly, «Индустриальный парк (площадка)» monthly, «Реализация проекта» at least every
three months; operation «Реализован» at least yearly. Passive stage: «Консультация проведена» and
«Пауза» quarterly, «Подбор площадок» half-yearly, «Архив» and «Отмена» yearly.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Stage:
    code: str
    name: str
    group: str  # "active" | "passive": the project's status follows it
    phase: str | None  # pre_investment | investment | operation (active stages only)
    days: int = 0
    months: int = 0
    cadence: str = ""


STAGES: tuple[Stage, ...] = (
    Stage("site_selection", "Подбор площадки", "active", "pre_investment", days=7, cadence="раз в неделю"),
    Stage("mvk", "МВК", "active", "investment", days=14, cadence="раз в две недели"),
    Stage("land_rights", "Получение прав на ЗУ", "active", "investment", days=7, cadence="раз в неделю"),
    Stage("industrial_park", "Индустриальный парк (площадка)", "active", "investment", months=1,
          cadence="раз в месяц"),
    Stage("implementation", "Реализация проекта", "active", "investment", months=3,
          cadence="не реже раза в три месяца"),
    Stage("realized", "Реализован", "active", "operation", months=12, cadence="не менее раза в год"),
    Stage("consultation_done", "Консультация проведена", "passive", None, months=3, cadence="раз в квартал"),
    Stage("pause", "Пауза", "passive", None, months=3, cadence="раз в квартал"),
    Stage("site_search", "Подбор площадок", "passive", None, months=6, cadence="раз в полгода"),
    Stage("archive", "Архив", "passive", None, months=12, cadence="раз в год"),
    Stage("cancelled", "Отмена", "passive", None, months=12, cadence="раз в год"),
)
BY_CODE = {s.code: s for s in STAGES}
PHASES = {"pre_investment": "Предынвестиционный этап", "investment": "Инвестиционный этап",
          "operation": "Эксплуатационный этап"}


def shift_months(moment: datetime, months: int) -> datetime:
    """`moment` moved by whole calendar months (negative: back), the day clamped to the month's end."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def stale_before(stage: Stage, now: datetime) -> datetime:
    """Information updated before this moment is out of date for a project at `stage`."""
    return shift_months(now, -stage.months) - timedelta(days=stage.days)


def next_update_due(stage: Stage, updated_at: datetime) -> datetime:
    """When the information updated at `updated_at` must be updated again."""
    return shift_months(updated_at, stage.months) + timedelta(days=stage.days)
