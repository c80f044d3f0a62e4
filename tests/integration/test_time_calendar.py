"""Calendar overrides (issue 5): an admin's late decree moves the open appeals' deadlines and timers.

Moscow pack (seed 004: working days). An appeal about a typical task (5 working days) received on
Wednesday 30.04.2025 counts 05, 06, 07, 12, 13 May: 01–04 and 08–11 May are RU holidays and days off.
"""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine.models import InboxTask, Timer
from services.appeals.appeal import appeal_history
from services.appeals.intake import submit_appeal
from services.audit import replay_all, verify_history
from services.models import Appeal
from services.people import directory
from services.settings import Settings
from services.work.timers import fire_due_timers
from tests.support import COMPANY, PASSWORD, Api, build_world
from web import create_app
from web.cli import main

FACT_TASK = "construction.permits.commissioning"  # Moscow: task, 5 working days


@pytest.fixture
def moscow(database_url, clock):
    clock.now = datetime(2025, 4, 30, 7, 0, tzinfo=UTC)  # 10:00 in Moscow, a Wednesday
    app = create_app(Settings(database_url=database_url, pack="moscow", secret_key="t", testing=True), clock=clock)
    ctx = app.extensions["koridor"]
    build_world(ctx)
    directory.add_user(ctx, "admin", PASSWORD, ["admin"], "aerlo", name="Admin")
    yield app
    ctx.db.dispose()


def _file(ctx, login="investor"):
    with ctx.db.unit_of_work() as uow:
        actor = directory.actor_for(uow.session, login)
    return submit_appeal(ctx, actor, {"fact": FACT_TASK, "subject": "Ввод в эксплуатацию", "description": "d",
                                      "company": COMPANY})


def test_a_late_holiday_moves_open_deadlines_their_timers_and_history(moscow, clock):
    ctx = moscow.extensions["koridor"]
    appeal = _file(ctx)
    assert appeal["deadline"].isoformat() == "2025-05-13"
    later = _file(ctx)
    admin = Api(moscow.test_client(), "admin")

    response = admin.post("/api/v1/calendar/overrides", json={"date": "2025-05-07", "kind": "holiday",
                                                              "note": "постановление от 05.05.2025"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["kind"] == "holiday" and body["working"] is False
    assert {(m["appeal_id"], m["deadline_from"], m["deadline_to"]) for m in body["recalculated"]} == {
        (appeal["id"], "2025-05-13", "2025-05-14"), (later["id"], "2025-05-13", "2025-05-14")}

    new_end = datetime(2025, 5, 14, 20, 59, 59, tzinfo=UTC)  # 23:59:59 Moscow
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        instance_id = s.get(Appeal, appeal["id"]).instance_id
        timers = {(t.kind, t.bpmn_id): t.due_at for t in s.scalars(
            select(Timer).where(Timer.instance_id == instance_id, Timer.state == "waiting"))}
        inbox_due = s.scalar(select(InboxTask.due_at).where(InboxTask.subject_id == appeal["id"],
                                                            InboxTask.state == "open"))
    assert timers[("bpmn", "timer_moderation")] == new_end  # the BPMN timer reads the moved process variable
    assert timers[("overdue", "overdue")] == new_end
    assert timers[("sla_warning", "sla_warning")] == datetime(2025, 5, 12, 21, 0, tzinfo=UTC)  # 13.05 00:00 MSK
    assert inbox_due == new_end
    with ctx.db.unit_of_work() as uow:
        investor = directory.actor_for(uow.session, "investor")
    event = [e for e in appeal_history(ctx, investor, appeal["id"]) if e["action"] == "deadline_recalculated"]
    assert len(event) == 1
    assert event[0]["data"]["deadline_from"] == "2025-05-13" and event[0]["data"]["deadline_to"] == "2025-05-14"
    assert "постановление" in event[0]["data"]["reason"] and event[0]["actor"] == "admin"

    summary = replay_all(ctx)  # the recalculation is a replayable engine step on the hash chain
    assert summary.ok and summary.matched == 2, [(r.instance_id, r.differences) for r in summary.mismatches]
    assert verify_history(ctx).ok

    listed = admin.get("/api/v1/calendar/overrides").get_json()["items"]
    assert listed == [{"date": "2025-05-07", "kind": "holiday", "working": False,
                       "note": "постановление от 05.05.2025"}]

    # the old deadline passes: nothing is overdue; the new one passes: it is
    clock.now = datetime(2025, 5, 14, 8, 0, tzinfo=UTC)
    fire_due_timers(ctx)
    assert admin.get(f"/api/v1/appeals/{appeal['id']}").get_json()["overdue"] is False
    clock.now = datetime(2025, 5, 14, 21, 30, tzinfo=UTC)
    fire_due_timers(ctx)
    assert admin.get(f"/api/v1/appeals/{appeal['id']}").get_json()["overdue"] is True


def test_deleting_the_override_moves_the_deadline_back_and_a_working_saturday_shortens_it(moscow, clock):
    ctx = moscow.extensions["koridor"]
    appeal = _file(ctx)
    admin = Api(moscow.test_client(), "admin")
    assert admin.post("/api/v1/calendar/overrides", json={"date": "2025-05-07", "kind": "holiday"}).status_code == 201
    response = admin.client.delete("/api/v1/calendar/overrides/2025-05-07", headers=admin.headers)
    assert response.status_code == 200
    assert [(m["deadline_from"], m["deadline_to"]) for m in response.get_json()["recalculated"]] == [
        ("2025-05-14", "2025-05-13")]
    # 08.05 declared working: 05, 06, 07, 08, 12 May
    body = admin.post("/api/v1/calendar/overrides", json={"date": "2025-05-08", "kind": "working"}).get_json()
    assert [(m["appeal_id"], m["deadline_to"]) for m in body["recalculated"]] == [(appeal["id"], "2025-05-12")]
    # a shortened pre-holiday day is still a working day: no deadline moves
    body = admin.post("/api/v1/calendar/overrides", json={"date": "2025-05-07", "kind": "shortened"}).get_json()
    assert body["recalculated"] == []
    # a day after every deadline, or before the receipt, moves nothing
    assert admin.post("/api/v1/calendar/overrides", json={"date": "2025-05-20", "kind": "holiday"}
                      ).get_json()["recalculated"] == []
    assert admin.post("/api/v1/calendar/overrides", json={"date": "2025-04-29", "kind": "holiday"}
                      ).get_json()["recalculated"] == []


def test_overrides_are_for_admins_and_checked(moscow):
    ctx = moscow.extensions["koridor"]
    _file(ctx)
    client = moscow.test_client()
    moderator, admin = Api(client, "moderator"), Api(client, "admin")
    assert moderator.post("/api/v1/calendar/overrides", json={"date": "2025-05-07"}).status_code == 403
    assert moderator.get("/api/v1/calendar/overrides").status_code == 403
    bad = admin.post("/api/v1/calendar/overrides", json={"date": "07.05.2025", "kind": "weekend"})
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"date", "kind"}
    assert client.delete("/api/v1/calendar/overrides/2025-05-07", headers=admin.headers).status_code == 404
    assert client.get("/api/v1/calendar/overrides").status_code == 401


def test_an_extended_or_closed_appeal_keeps_its_deadline(moscow, clock):
    ctx = moscow.extensions["koridor"]
    appeal = _file(ctx)
    with ctx.db.unit_of_work() as uow:
        row = uow.session.get(Appeal, appeal["id"])
        row.deadline = datetime(2025, 5, 20).date()  # as an approved extension leaves it
        uow.commit()
    admin = Api(moscow.test_client(), "admin")
    assert admin.post("/api/v1/calendar/overrides", json={"date": "2025-05-07", "kind": "holiday"}
                      ).get_json()["recalculated"] == []


def test_cli_sets_lists_and_deletes_overrides(moscow, database_url, monkeypatch):
    ctx = moscow.extensions["koridor"]
    appeal = _file(ctx)
    monkeypatch.setenv("KORIDOR_DATABASE_URL", database_url)
    monkeypatch.setenv("KORIDOR_PACK", "moscow")
    runner = CliRunner()
    result = runner.invoke(main, ["calendar", "override", "2025-05-07", "--kind", "holiday", "--note", "указ"])
    assert result.exit_code == 0, result.output
    assert f"обращение №{appeal['number']}: срок 13.05.2025 → 14.05.2025" in result.output
    listed = runner.invoke(main, ["calendar", "list"])
    assert listed.exit_code == 0 and "07.05.2025  holiday" in listed.output and "указ" in listed.output
    bad = runner.invoke(main, ["calendar", "override", "07.05.2025", "--kind", "holiday"])
    assert bad.exit_code == 2 and "ГГГГ-ММ-ДД" in bad.output
    deleted = runner.invoke(main, ["calendar", "delete", "2025-05-07"])
    assert deleted.exit_code == 0 and "14.05.2025 → 13.05.2025" in deleted.output
