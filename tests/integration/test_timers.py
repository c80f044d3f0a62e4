"""The deadline timer marks the appeal overdue and escalates without stopping the work."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from services.appeals import actions
from services.appeals.appeal import appeal_history, get_appeal
from services.appeals.intake import submit_appeal
from services.models import Notification
from services.people.directory import actor_for
from services.work import inbox
from services.work.timers import fire_due_timers
from tests.support import COMPANY, FACT_CONSULTATION, build_world


def _actors(ctx, *logins):
    with ctx.db.unit_of_work() as uow:
        return [actor_for(uow.session, login) for login in logins]


def _do(ctx, actor, action, **fields):
    task = inbox.list_tasks(ctx, actor)[0]
    return actions.complete_task(ctx, actor, task["id"], {"action": action, **fields})


def test_deadline_passing_marks_overdue_escalates_and_work_goes_on(ctx, clock):
    build_world(ctx)
    investor, moderator, manager, head = _actors(ctx, "investor", "moderator", "kdh_manager", "head")
    appeal = submit_appeal(ctx, investor, {"fact": FACT_CONSULTATION, "subject": "s", "description": "d",
                                           "company": COMPANY})
    assert appeal["deadline"].isoformat() == "2025-08-23"  # consultation: +5 calendar days
    _do(ctx, moderator, "accept", executor_org="kdh")
    _do(ctx, manager, "take")
    clock.advance(days=4)
    assert fire_due_timers(ctx) == 1  # the SLA warning (2 working days before), not yet overdue
    assert not get_appeal(ctx, investor, appeal["id"])["overdue"]
    clock.advance(days=2)
    assert fire_due_timers(ctx) == 2  # the SLA overdue timer and the BPMN deadline timer: one escalation
    view = get_appeal(ctx, investor, appeal["id"])
    assert view["overdue"] and view["overdue_at"] and view["status"] == "taken"
    assert fire_due_timers(ctx) == 0, "a fired timer does not fire again"
    with ctx.db.unit_of_work() as uow:
        notified = set(uow.session.scalars(select(Notification.recipient).where(Notification.event == "overdue")))
    assert notified == {"moderator", "head"}  # coordinator and head
    events = [e["action"] for e in appeal_history(ctx, moderator, appeal["id"])]
    assert events.count("overdue") == 1
    # the work continues
    _do(ctx, manager, "answer", text="ответ", outcome="resolved")
    _do(ctx, head, "approve")
    assert get_appeal(ctx, investor, appeal["id"])["status"] == "considered"


def test_approved_extension_moves_the_timer(ctx, clock):
    build_world(ctx)
    investor, moderator, manager, head = _actors(ctx, "investor", "moderator", "kdh_manager", "head")
    appeal = submit_appeal(ctx, investor, {"fact": FACT_CONSULTATION, "subject": "s", "description": "d",
                                           "company": COMPANY})
    _do(ctx, moderator, "accept", executor_org="kdh")
    _do(ctx, manager, "take")
    _do(ctx, manager, "extend", until="2025-09-01", reason="нужен выезд")
    _do(ctx, head, "approve")
    clock.advance(days=7)
    assert fire_due_timers(ctx) == 0  # the warning moved with the deadline (01.09, two working days: 29.08)
    assert not get_appeal(ctx, investor, appeal["id"])["overdue"]
    clock.advance(days=8)
    assert fire_due_timers(ctx) == 3  # warning, SLA overdue, BPMN deadline
    assert get_appeal(ctx, investor, appeal["id"])["overdue"]


def test_unrated_answer_closes_by_the_system_after_the_rating_period(ctx, clock):
    build_world(ctx)
    investor, moderator, manager, head = _actors(ctx, "investor", "moderator", "kdh_manager", "head")
    appeal = submit_appeal(ctx, investor, {"fact": FACT_CONSULTATION, "subject": "s", "description": "d",
                                           "company": COMPANY})
    _do(ctx, moderator, "accept", executor_org="kdh")
    _do(ctx, manager, "take")
    _do(ctx, manager, "answer", text="ответ", outcome="not_resolved")
    _do(ctx, head, "approve")
    clock.advance(days=ctx.settings.rating_period_days + 1)
    assert fire_due_timers(ctx) == 1
    view = get_appeal(ctx, investor, appeal["id"])
    assert view["status"] == "not_resolved" and view["closed_at"] and view["rating"] is None
    last = appeal_history(ctx, investor, appeal["id"])[-1]
    assert last["actor"] == "system" and last["status_to"] == "not_resolved"
    assert inbox.list_tasks(ctx, investor) == []


def test_accepting_after_the_deadline_escalates_at_once(ctx, clock):
    build_world(ctx)
    investor, moderator = _actors(ctx, "investor", "moderator")
    appeal = submit_appeal(ctx, investor, {"fact": FACT_CONSULTATION, "subject": "s", "description": "d",
                                           "company": COMPANY})
    clock.advance(days=10)  # nobody ran the sweep; the moderation timer is due too
    _do(ctx, moderator, "accept", executor_org="kdh")
    view = get_appeal(ctx, investor, appeal["id"])
    assert view["overdue"] and view["overdue_at"] == clock.now
    events = [e["action"] for e in appeal_history(ctx, moderator, appeal["id"])]
    assert events.count("overdue") == 1
    assert fire_due_timers(ctx) == 0


def test_operator_appeal_for_a_known_company_goes_to_its_investor(ctx):
    build_world(ctx)
    operator, moderator, investor = _actors(ctx, "operator", "moderator", "investor")
    appeal = submit_appeal(ctx, operator, {"fact": FACT_CONSULTATION, "subject": "Звонок", "description": "d",
                                           "company": COMPANY, "channel": "phone"})
    assert appeal["investor"]["login"] == "investor"
    _do(ctx, moderator, "clarify", question="Уточните адрес")
    assert [t["name"] for t in inbox.list_tasks(ctx, investor)] == ["reply_clarification"]


def test_an_operator_registering_a_late_appeal_marks_it_overdue_at_once(ctx, clock):
    build_world(ctx)
    operator, investor = _actors(ctx, "operator", "investor")
    appeal = submit_appeal(ctx, operator, {
        "fact": FACT_CONSULTATION, "subject": "Письмо", "description": "d", "company": COMPANY,
        "channel": "letter", "received_at": clock.now - timedelta(days=9)})
    view = get_appeal(ctx, investor, appeal["id"])
    assert view["overdue"] and view["overdue_at"] == clock.now and view["status"] == "on_moderation"
    assert [e["action"] for e in appeal_history(ctx, operator, appeal["id"])] == ["submit", "overdue"]
    # the escalation is an internal item: the investor sees the overdue flag, not the escalation entry
    assert [e["action"] for e in appeal_history(ctx, investor, appeal["id"])] == ["submit"]
