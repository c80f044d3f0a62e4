"""Green corridor (seed 003 items 28–29, Appendix 1) by the deployed DMN: every pack deploys
`workflows/dmn/green_corridor.dmn` and serves POST /api/v1/green-corridor/score; the Kazakhstan pack
also scores a national-pool project's passport with it (packs/kazakhstan/scoring.py).

The points per band, the weights and the threshold live in the DMN (analysts edit and deploy it;
the newest deployed version is evaluated). `classifiers/scoring.py` keeps an independent reading of
Appendix 1 that the tests compare with.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.dmn import LoadedDecisions, current_dmn, decide
from services.context import Context
from services.errors import ValidationFailed

MODEL = "green_corridor"
CRITERIA = {"investment_usd": "investment_points", "global2000": "global2000_points",
            "tech_level": "tech_level_points", "jobs": "jobs_points"}


def score(ctx: Context, session: Session, inputs: dict[str, Any]) -> dict[str, Any]:
    """Evaluate the deployed green-corridor decisions: {score, threshold, included, points}."""
    return score_with(current_dmn(session, ctx.engine.decisions, MODEL), inputs)


def score_with(loaded: LoadedDecisions, inputs: dict[str, Any]) -> dict[str, Any]:
    """Evaluate one version of the green-corridor decision model for a project's inputs."""
    points: dict[str, dict[str, Any]] = {}
    total = 0.0
    for criterion, decision in CRITERIA.items():
        got = decide(loaded, decision, inputs)
        if "points" not in got:
            raise ValidationFailed("Таблица решений не даёт баллов для этого значения",
                                   {criterion: [f"нет правила для {inputs.get(criterion)!r} ({decision})"]})
        weights = decide(loaded, "criteria", {"criterion": criterion})
        if "weight" not in weights:
            raise ValidationFailed(f"В таблице решений нет веса критерия '{criterion}'")
        value, weight = float(got["points"]), float(weights["weight"])
        total += value * weight
        points[criterion] = {"value": inputs.get(criterion), "points": value,
                             "max_points": float(weights.get("max_points") or 0), "weight": weight,
                             "weighted": round(value * weight, 3)}
    threshold = float(decide(loaded, "threshold", inputs)["threshold"])
    result = round(total, 3)
    return {"score": result, "threshold": threshold, "included": result >= threshold, "points": points}


def score_request(ctx: Context, inputs: dict[str, Any]) -> dict[str, Any]:
    with ctx.db.unit_of_work() as uow:
        return score(ctx, uow.session, inputs)
