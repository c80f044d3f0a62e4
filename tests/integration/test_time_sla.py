"""SLA (issue 5) on a controllable clock: the warning before the deadline, overdue recorded once in any
state, an approved extension moving the deadline with its reason. Leningrad consultation: 5 calendar
days (seed 001), received Monday 18.08.2025 → due Saturday 23.08.2025."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from engine.models import Timer
from services.appeals import actions
from services.appeals.appeal import appeal_history, get_appeal
from services.appeals.intake import submit_appeal
from services.models import Notification
from services.people.directory import actor_for
from services.settings import Settings
from services.work import inbox
from services.work.timers import fire_due_timers, sweep
from tests.support import COMPANY, FACT_CONSULTATION, build_world
from web import create_app


def _actors(ctx, *logins):
    with ctx.db.unit_of_work() as uow:
        return [actor_for(uow.session, login) for login in logins]


def _do(ctx, actor, action, appeal_id=None, **fields):
    task = [t for t in inbox.list_tasks(ctx, actor) if appeal_id in (None, t["appeal_id"])][0]
    return actions.complete_task(ctx, actor, task["id"], {"action": action, **fields})


def _file(ctx, investor):
    return submit_appeal(ctx, investor, {"fact": FACT_CONSULTATION, "subject": "s", "description": "d",
                                         "company": COMPANY})


def _notices(ctx, event):
    with ctx.db.unit_of_work() as uow:
        return sorted(uow.session.scalars(select(Notification.recipient).where(Notification.event == event)))


def test_warning_two_working_days_before_the_deadline_once_to_executor_and_coordinator(ctx, clock):
    build_world(ctx)
    investor, moderator, manager = _actors(ctx, "investor", "moderator", "kdh_manager")
    appeal = _file(ctx, investor)
    _do(ctx, moderator, "accept", executor_org="kdh", manager="kdh_manager")
    # 23.08 is a Saturday: two working days left from the start of Thursday 21.08 (00:00 Moscow)
    clock.now = datetime(2025, 8, 20, 20, 59, tzinfo=UTC)
    assert sweep(ctx).by_kind == {}
    clock.now = datetime(2025, 8, 20, 21, 1, tzinfo=UTC)
    assert sweep(ctx).by_kind == {"sla_warning": 1}
    assert sweep(ctx).fired == 0
    assert _notices(ctx, "sla_warning") == ["kdh_manager", "moderator"]
    warnings = [e for e in appeal_history(ctx, moderator, appeal["id"]) if e["action"] == "sla_warning"]  # internal
    assert len(warnings) == 1 and warnings[0]["actor"] == "system"
    assert warnings[0]["data"]["deadline"] == "2025-08-23" and warnings[0]["data"]["working_days_left"] == 2
    assert not get_appeal(ctx, investor, appeal["id"])["overdue"]


def test_the_warning_period_is_a_setting(database_url, clock):
    app = create_app(Settings(database_url=database_url, secret_key="t", testing=True, sla_warning_working_days=0),
                     clock=clock)
    ctx = app.extensions["koridor"]
    build_world(ctx)
    [investor] = _actors(ctx, "investor")
    _file(ctx, investor)
    with ctx.db.unit_of_work() as uow:
        assert list(uow.session.scalars(select(Timer.kind).where(Timer.kind == "sla_warning"))) == []
    clock.advance(days=5)
    assert sweep(ctx).by_kind == {}
    ctx.db.dispose()


def test_overdue_is_recorded_once_even_while_the_investor_holds_the_appeal(ctx, clock):
    """No BPMN timer watches the clarification step: the SLA `overdue` timer does."""
    build_world(ctx)
    investor, moderator = _actors(ctx, "investor", "moderator")
    appeal = _file(ctx, investor)
    _do(ctx, moderator, "clarify", question="Уточните адрес")
    clock.now = datetime(2025, 8, 23, 21, 0, 1, tzinfo=UTC)  # 24.08 00:00:01 Moscow
    report = sweep(ctx)
    assert report.by_kind.get("overdue") == 1
    view = get_appeal(ctx, investor, appeal["id"])
    assert view["overdue"] and view["overdue_at"] == clock.now and view["status"] == "clarification"
    assert _notices(ctx, "overdue") == ["head"]  # no coordinator before the acceptance
    clock.advance(days=1)
    _do(ctx, investor, "reply", text="Адрес: Тосно")  # back to moderation: its BPMN timer is overdue too
    fire_due_timers(ctx)
    events = [e["action"] for e in appeal_history(ctx, moderator, appeal["id"])]  # an escalation: staff only
    assert events.count("overdue") == 1


def test_approved_extension_records_old_and_new_date_with_the_reason_and_moves_the_sla_timers(ctx, clock):
    build_world(ctx)
    investor, moderator, manager, head = _actors(ctx, "investor", "moderator", "kdh_manager", "head")
    appeal = _file(ctx, investor)
    _do(ctx, moderator, "accept", executor_org="kdh")
    _do(ctx, manager, "take")
    _do(ctx, manager, "extend", until="2025-09-01", reason="нужен выезд на участок")
    _do(ctx, head, "approve")
    history = appeal_history(ctx, investor, appeal["id"])
    approve = [e for e in history if e["action"] == "approve"][-1]
    assert approve["data"]["deadline_from"] == "2025-08-23" and approve["data"]["deadline_to"] == "2025-09-01"
    assert approve["data"]["reason"] == "нужен выезд на участок"
    with ctx.db.unit_of_work() as uow:
        due = {t.kind: t.due_at for t in uow.session.scalars(select(Timer).where(Timer.kind != "bpmn"))}
    assert due == {"overdue": datetime(2025, 9, 1, 20, 59, 59, tzinfo=UTC),  # 01.09 23:59:59 Moscow
                   "sla_warning": datetime(2025, 8, 28, 21, 0, tzinfo=UTC)}  # Friday 29.08 00:00: Fri + Mon left


def test_escalation_at_the_deadline_is_recorded_and_notifies_coordinator_and_head(ctx, clock):
    build_world(ctx)
    investor, moderator, manager = _actors(ctx, "investor", "moderator", "kdh_manager")
    appeal = _file(ctx, investor)
    _do(ctx, moderator, "accept", executor_org="kdh")
    clock.now = datetime(2025, 8, 24, 6, 0, tzinfo=UTC)
    report = sweep(ctx)
    assert report.by_kind == {"sla_warning": 1, "overdue": 1, "bpmn": 1}
    overdue = [e for e in appeal_history(ctx, moderator, appeal["id"]) if e["action"] == "overdue"]
    assert len(overdue) == 1 and overdue[0]["data"]["notified"] == ["moderator", "head"]
    assert _notices(ctx, "overdue") == ["head", "moderator"]
    # an answer before the deadline: the appeal never turns overdue and its SLA timers are spent
    second = _file(ctx, investor)
    _do(ctx, moderator, "accept", second["id"], executor_org="kdh")
    _do(ctx, manager, "take", second["id"])
    _do(ctx, manager, "answer", second["id"], text="ответ", outcome="resolved")
    _do(ctx, *_actors(ctx, "head"), "approve", second["id"])
    with ctx.db.unit_of_work() as uow:
        states = set(uow.session.scalars(select(Timer.state).where(Timer.task_uuid.like(f"%:{second['id']}"))))
    assert states == {"cancelled"}
    clock.advance(days=30)
    fire_due_timers(ctx)
    assert not get_appeal(ctx, investor, second["id"])["overdue"]
