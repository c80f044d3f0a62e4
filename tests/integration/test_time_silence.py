"""Investor silence (issue 5): no rating within the configured period closes the appeal as the answer's
outcome, by the system (seed 003 item 61: the rating step; the period is `rating_period_days`)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine.models import Timer
from services.appeals import actions
from services.appeals.appeal import appeal_history, get_appeal
from services.appeals.intake import submit_appeal
from services.people.directory import actor_for
from services.settings import Settings
from services.work import inbox
from services.work.timers import sweep
from tests.support import COMPANY, FACT_CONSULTATION, build_world
from web import create_app


def _do(ctx, login, action, **fields):
    with ctx.db.unit_of_work() as uow:
        actor = actor_for(uow.session, login)
    task = inbox.list_tasks(ctx, actor)[0]
    return actions.complete_task(ctx, actor, task["id"], {"action": action, **fields})


def test_silence_for_the_configured_period_closes_as_the_answers_outcome(database_url, clock):
    app = create_app(Settings(database_url=database_url, secret_key="t", testing=True, rating_period_days=3),
                     clock=clock)
    ctx = app.extensions["koridor"]
    build_world(ctx)
    with ctx.db.unit_of_work() as uow:
        investor = actor_for(uow.session, "investor")
    appeal = submit_appeal(ctx, investor, {"fact": FACT_CONSULTATION, "subject": "s", "description": "d",
                                           "company": COMPANY})
    _do(ctx, "moderator", "accept", executor_org="kdh")
    _do(ctx, "kdh_manager", "take")
    _do(ctx, "kdh_manager", "answer", text="ответ", outcome="deferred")
    _do(ctx, "head", "approve")
    answered = clock.now
    with ctx.db.unit_of_work() as uow:
        rating_timer = uow.session.execute(select(Timer.due_at, Timer.state)
                                           .where(Timer.bpmn_id == "timer_rating")).one()
    assert tuple(rating_timer) == (answered + timedelta(days=3), "waiting")

    clock.advance(days=3, seconds=-1)
    assert sweep(ctx).by_kind.get("bpmn") is None
    assert get_appeal(ctx, investor, appeal["id"])["closed_at"] is None
    clock.advance(seconds=2)
    assert sweep(ctx).by_kind == {"bpmn": 1}
    view = get_appeal(ctx, investor, appeal["id"])
    assert view["status"] == "deferred" and view["rating"] is None
    assert view["closed_at"] == clock.now
    closing = [e for e in appeal_history(ctx, investor, appeal["id"]) if e["actor"] == "system"][-2:]
    assert [e["action"] for e in closing] == ["timer", "closed_by_system"]
    assert closing[1]["data"]["reason"] == "rating_period_expired"
    assert closing[1]["data"]["outcome"] == "deferred"
    assert inbox.list_tasks(ctx, investor) == []
    clock.advance(days=30)
    assert sweep(ctx).fired == 0, "nothing left to fire for a closed appeal"
    ctx.db.dispose()


def test_a_rating_in_time_keeps_the_investors_word(ctx, clock):
    build_world(ctx)
    with ctx.db.unit_of_work() as uow:
        investor = actor_for(uow.session, "investor")
    appeal = submit_appeal(ctx, investor, {"fact": FACT_CONSULTATION, "subject": "s", "description": "d",
                                           "company": COMPANY})
    _do(ctx, "moderator", "accept", executor_org="kdh")
    _do(ctx, "kdh_manager", "take")
    _do(ctx, "kdh_manager", "answer", text="ответ", outcome="resolved")
    _do(ctx, "head", "approve")
    clock.advance(days=ctx.settings.rating_period_days - 1)
    _do(ctx, "investor", "accept", rating=4)
    clock.advance(days=5)
    assert sweep(ctx).fired == 0
    view = get_appeal(ctx, investor, appeal["id"])
    assert view["rating"] == 4 and "closed_by_system" not in [e["action"] for e in
                                                             appeal_history(ctx, investor, appeal["id"])]
