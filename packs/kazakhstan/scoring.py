"""Pools by the МРП table (seed 003 items 23, 26); the green corridor of the national pool is
services/analyst/green_corridor.py (the deployed DMN).

The points per band, the weights and the threshold live in `workflows/dmn/green_corridor.dmn`
(analysts edit and deploy it; the newest deployed version is evaluated). `classifiers/scoring.py`
keeps an independent reading of Appendix 1 that the tests compare with.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from classifiers.scoring import MRP_BY_YEAR, NATIONAL_POOL_MRP, TASK_FORCE_MRP
from packs.kazakhstan.models import MrpRate
from services.analyst.green_corridor import score
from services.context import Actor, Context
from services.errors import NotPermitted, ValidationFailed

# -- МРП (monthly calculation index) ---------------------------------------------------------

def ensure_mrp_defaults(ctx: Context) -> None:
    """Put the SPEC's МРП of 2024–2026 in the table where a year is missing (idempotent)."""
    with ctx.db.unit_of_work() as uow:
        known = set(uow.session.scalars(select(MrpRate.year)))
        for year, mrp in MRP_BY_YEAR.items():
            if year not in known:
                uow.session.add(MrpRate(year=year, mrp=mrp, updated_by="system"))
        uow.commit()


def mrp_for(session: Session, year: int) -> int:
    rate = session.get(MrpRate, year)
    if rate is None:
        raise ValidationFailed("Нет МРП на этот год: администратор должен добавить его",
                               {"year": [f"МРП на {year} год не задан"]})
    return rate.mrp


def list_mrp(ctx: Context) -> list[dict[str, Any]]:
    with ctx.db.unit_of_work() as uow:
        return [{"year": r.year, "mrp": r.mrp, "updated_by": r.updated_by, "updated_at": r.updated_at}
                for r in uow.session.scalars(select(MrpRate).order_by(MrpRate.year))]


def set_mrp(ctx: Context, actor: Actor, body: dict[str, Any]) -> dict[str, Any]:
    """An admin adds or corrects the МРП of a year (the law on the republican budget); `body`:
    year, mrp (packs/kazakhstan/web/schemas.py `MrpIn`)."""
    if not actor.has("admin"):
        raise NotPermitted("МРП задаёт администратор")
    year, mrp = body["year"], body["mrp"]
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        rate = uow.session.get(MrpRate, year) or MrpRate(year=year)
        rate.mrp, rate.updated_by, rate.updated_at = mrp, actor.login, now
        uow.session.add(rate)
        uow.commit()
        return {"year": year, "mrp": mrp, "updated_by": actor.login, "updated_at": now}


def place_in_pool(ctx: Context, session: Session, cost_kzt: Decimal | int, inputs: dict[str, Any],
                  contract: bool, now: datetime) -> dict[str, Any]:
    """Items 23, 26, 28, 29: the pool by the МРП of the year; a national-pool project is scored by
    the deployed green-corridor table; Task Force from 7 500 000 МРП inside the green corridor."""
    year = now.year
    mrp = mrp_for(session, year)
    cost = Decimal(cost_kzt)
    national = cost >= NATIONAL_POOL_MRP * mrp or contract
    result: dict[str, Any] = {"pool": "national" if national else "regional", "year": year, "mrp": mrp,
                              "investment_mrp": float(round(cost / mrp, 3)), "green_corridor": None,
                              "task_force": False}
    if national:
        scored = score(ctx, session, inputs)
        result["green_corridor"] = scored
        result["task_force"] = scored["included"] and cost >= TASK_FORCE_MRP * mrp
    return result
