"""The claimed timer sweep (issue 5): leases, idempotent handlers, incidents with back-off."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from engine.models import HistoryEvent, Incident, Timer
from services.appeals.intake import submit_appeal
from services.audit import verify_history
from services.models import Appeal, Notification
from services.people import directory
from services.work import timers
from tests.bulk_timers import create_overdue_appeals
from tests.e2e.test_pages_staff import Person
from tests.support import COMPANY, FACT_CONSULTATION, PASSWORD, Api, build_world


def _overdue_events(ctx) -> dict[int, int]:
    with ctx.db.unit_of_work() as uow:
        return dict(uow.session.execute(select(HistoryEvent.subject_id, func.count()).where(
            HistoryEvent.action == "overdue").group_by(HistoryEvent.subject_id)).all())


def test_a_claim_is_leased_and_a_dead_workers_claim_is_taken_over_once(ctx, clock):
    build_world(ctx)
    ids = create_overdue_appeals(ctx, 5, clock.now - timedelta(hours=1))
    claimed = timers.claim(ctx, "dead-worker", clock.now, limit=3)  # then the process dies
    assert len(claimed) == 3
    report = timers.sweep(ctx, worker="alive")
    assert report.fired == 2, "claimed rows are not touched while the lease runs"
    clock.advance(seconds=ctx.settings.timer_lease_seconds + 1)
    assert timers.sweep(ctx, worker="alive").fired == 3
    # the dead worker wakes up and tries to fire what it claimed: its lease is gone, nothing happens
    late = timers.SweepReport()
    timers.fire_claimed(ctx, "dead-worker", claimed, clock.now, late)
    assert (late.fired, late.lost) == (0, 3)
    assert _overdue_events(ctx) == {i: 1 for i in ids}
    assert verify_history(ctx).ok  # the chunk's events were appended in one statement, chained per appeal


def test_the_batched_and_the_single_overdue_handler_write_the_same(ctx, clock, monkeypatch):
    build_world(ctx)
    ids = create_overdue_appeals(ctx, 6, clock.now - timedelta(hours=1))
    with ctx.db.unit_of_work() as uow:  # one appeal's deadline moved later meanwhile: it re-arms
        uow.session.get(Appeal, ids[2]).deadline_at = clock.now + timedelta(days=1)
        uow.commit()
    assert timers.sweep(ctx).fired == 5
    monkeypatch.setitem(timers.HANDLERS, "overdue", lambda *a: timers._fire_overdue(*a))  # no batch: one by one
    more = create_overdue_appeals(ctx, 6, clock.now - timedelta(hours=1))
    with ctx.db.unit_of_work() as uow:
        uow.session.get(Appeal, more[2]).deadline_at = clock.now + timedelta(days=1)
        uow.commit()
    assert timers.sweep(ctx).fired == 5

    def shape(appeal_ids):
        with ctx.db.unit_of_work() as uow:
            s = uow.session
            events = [(e.action, e.actor, e.status_to, sorted(e.data)) for e in s.scalars(
                select(HistoryEvent).where(HistoryEvent.subject_id.in_(appeal_ids)).order_by(HistoryEvent.subject_id))]
            notices = sorted((n.recipient, n.event) for n in s.scalars(
                select(Notification).where(Notification.appeal_id.in_(appeal_ids))))
            rearmed = [(t.state, t.due_at) for t in s.scalars(select(Timer).where(
                Timer.task_uuid == f"overdue:{appeal_ids[2]}"))]
        return events, notices, rearmed

    assert shape(ids) == shape(more)
    assert shape(ids)[2] == [("waiting", clock.now + timedelta(days=1))]
    assert verify_history(ctx).ok


def test_firing_an_obsolete_timer_is_a_no_op(ctx, clock):
    build_world(ctx)
    with ctx.db.unit_of_work() as uow:
        investor = directory.actor_for(uow.session, "investor")
    appeal = submit_appeal(ctx, investor, {"fact": FACT_CONSULTATION, "subject": "s", "description": "d",
                                           "company": COMPANY})
    clock.advance(days=10)
    assert timers.sweep(ctx).fired >= 2
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        moderation = s.scalar(select(Timer).where(Timer.bpmn_id == "timer_moderation"))
        events = s.scalar(select(func.count()).select_from(HistoryEvent).where(HistoryEvent.subject_id == appeal["id"]))
        # as if a second scheduler held a stale copy of the row: the event already fired
        result = ctx.engine.fire_timer(s, moderation.instance_id, moderation.task_uuid, clock.now)
        assert result is None
        assert timers.HANDLERS["overdue"](ctx, s, moderation.instance_id, "overdue:x", clock.now) is None
        uow.commit()
    with ctx.db.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(HistoryEvent)
                                  .where(HistoryEvent.subject_id == appeal["id"])) == events


def test_a_failing_handler_becomes_an_incident_backs_off_and_does_not_stop_the_sweep(ctx, app, clock, monkeypatch):
    build_world(ctx)
    directory.add_user(ctx, "admin", PASSWORD, ["admin"], "aerlo", name="Admin")
    ids = create_overdue_appeals(ctx, 4, clock.now - timedelta(minutes=5))
    broken = ids[1]
    real = timers.HANDLERS["overdue"]

    def flaky(ctx_, s, instance_id, key, now):
        if instance_id == broken:
            raise RuntimeError("справочник недоступен")
        return real(ctx_, s, instance_id, key, now)

    monkeypatch.setitem(timers.HANDLERS, "overdue", flaky)
    report = timers.sweep(ctx)
    assert (report.fired, report.failed) == (3, 1)
    assert set(_overdue_events(ctx)) == set(ids) - {broken}
    client = app.test_client()
    admin = Api(client, "admin")
    [incident] = admin.get("/api/v1/incidents").get_json()["items"]
    assert incident["appeal_id"] == broken and incident["attempts"] == 1 and incident["kind"] == "overdue"
    assert "справочник недоступен" in incident["error"] and incident["timer_state"] == "retry"
    first_retry = clock.now + timedelta(seconds=ctx.settings.timer_retry_seconds)
    assert incident["next_attempt_at"] == first_retry.isoformat()
    assert Api(client, "moderator").get("/api/v1/incidents").status_code == 403

    assert timers.sweep(ctx).failed == 0, "not retried before its back-off"
    clock.advance(seconds=ctx.settings.timer_retry_seconds)
    assert timers.sweep(ctx).failed == 1
    with ctx.db.unit_of_work() as uow:
        row = uow.session.scalar(select(Incident))
        assert row.attempts == 2 and row.next_attempt_at == clock.now + 2 * timedelta(
            seconds=ctx.settings.timer_retry_seconds)  # doubled
    monkeypatch.setitem(timers.HANDLERS, "overdue", real)  # the cause is fixed
    clock.advance(seconds=2 * ctx.settings.timer_retry_seconds)
    assert timers.sweep(ctx).fired == 1
    assert _overdue_events(ctx) == {i: 1 for i in ids}
    assert admin.get("/api/v1/incidents").get_json()["items"] == []
    [resolved] = admin.get("/api/v1/incidents?resolved=1").get_json()["items"]
    assert resolved["resolved_at"] and resolved["timer_state"] == "done"


def test_the_board_lists_open_incidents_for_admins_only(ctx, app, clock, monkeypatch):
    build_world(ctx)
    directory.add_user(ctx, "admin", PASSWORD, ["admin"], "aerlo", name="Admin")
    [broken] = create_overdue_appeals(ctx, 1, clock.now - timedelta(minutes=5))

    def failing(*_args):
        raise RuntimeError("нет связи с реестром")

    monkeypatch.setitem(timers.HANDLERS, "overdue", failing)
    assert timers.sweep(ctx).failed == 1
    page = Person(app, "admin").html("/board")
    assert "Сбои таймеров" in page and "нет связи с реестром" in page and f"/appeals/{broken}" in page
    assert "Сбои таймеров" not in Person(app, "moderator").html("/board")
