"""Loops stay flat: an appeal reworked or redirected 1,000 times still routes correctly.

SpiffWorkflow 3.2 deepens the task tree on every loop pass; at depth 1000 its
iterator stops and `is_completed()` reports an unfinished workflow as done.
engine.state.prune keeps the tree shallow after every run.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from SpiffWorkflow.util.task import TaskState

from engine import state as state_io
from engine.db import Database
from engine.migrate import upgrade
from engine.runtime import ProcessEngine

BPMN = Path(__file__).resolve().parents[2] / "workflows" / "bpmn" / "appeal.bpmn"
NOW = datetime(2025, 8, 18, 8, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'loops.db'}"
    upgrade(url)
    database = Database(url)
    yield database
    database.dispose()


@pytest.fixture
def engine(db):
    eng = ProcessEngine()
    with db.unit_of_work() as uow:
        eng.deploy(uow.session, BPMN.read_bytes(), "appeal.bpmn", "test", NOW)
        uow.commit()
    return eng


def _start(db, engine):
    data = {"agency_org": "aerlo", "company_org": "c", "investor": "inv", "head": "head",
            "deadline_at": (NOW + timedelta(days=20)).isoformat()}
    with db.unit_of_work() as uow:
        result = engine.start(uow.session, "appeal", "appeal", 1, data, "inv", "investor", NOW)
        uow.commit()
    return result


def _step(db, engine, result, action, **fields):
    assert len(result.ready) == 1, result.ready
    with db.unit_of_work() as uow:
        result = engine.complete(uow.session, result.instance_id, result.ready[0].uuid, action, fields,
                                 "u", "r", NOW, extra_data={"executor_org": fields.get("org", "oiv")})
        uow.commit()
    return result


def _workflow(db, engine, instance_id):
    with db.unit_of_work() as uow:
        run = engine._load(uow.session, instance_id, NOW, lock=False)
        return run.workflow


def test_an_appeal_reworked_1000_times_still_routes_and_stays_shallow(db, engine):
    r = _start(db, engine)
    r = _step(db, engine, r, "accept", executor_org="oiv")
    depths = []
    for cycle in range(1000):
        r = _step(db, engine, r, "take")
        r = _step(db, engine, r, "answer", text="a", outcome="resolved")
        r = _step(db, engine, r, "approve")
        assert [t.bpmn_id for t in r.ready] == ["rate"]
        r = _step(db, engine, r, "rework", reason="again")
        assert r.status_to == "rework" and [t.bpmn_id for t in r.ready] == ["take"]
        if cycle % 250 == 0:
            depths.append(state_io.depth(_workflow(db, engine, r.instance_id)))
    workflow = _workflow(db, engine, r.instance_id)
    assert not workflow.is_completed()
    assert len(workflow.get_tasks(state=TaskState.READY, manual=True)) == 1
    assert max(depths) == state_io.depth(workflow) and state_io.depth(workflow) < 40
    assert len(workflow.tasks) < 80
    r = _step(db, engine, r, "take")
    r = _step(db, engine, r, "answer", text="a", outcome="deferred")
    r = _step(db, engine, r, "approve")
    r = _step(db, engine, r, "accept", rating=4)
    assert r.completed and r.status_to == "deferred" and r.ready == []


def test_an_appeal_redirected_1000_times_keeps_routing_to_the_new_organisation(db, engine):
    r = _start(db, engine)
    r = _step(db, engine, r, "accept", executor_org="oiv")
    for n in range(1000):
        r = _step(db, engine, r, "redirect", org=f"org{n}", reason="не наша компетенция")
        assert r.ready[0].bpmn_id == "take" and r.ready[0].org == f"org{n}"
    workflow = _workflow(db, engine, r.instance_id)
    assert state_io.depth(workflow) < 40 and not workflow.is_completed()
    r = _step(db, engine, r, "take")
    assert r.status_to == "taken" and r.ready[0].bpmn_id == "work"


def test_clarification_loop_1000_times(db, engine):
    r = _start(db, engine)
    for _ in range(1000):
        r = _step(db, engine, r, "clarify", question="?")
        r = _step(db, engine, r, "reply", text="!")
        assert r.status_to == "on_moderation" and r.ready[0].bpmn_id == "moderate"
    assert state_io.depth(_workflow(db, engine, r.instance_id)) < 40
