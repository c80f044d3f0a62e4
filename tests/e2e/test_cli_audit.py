"""`koridor audit verify` and `koridor replay` (issue 7): reports and exit codes."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import bindparam, select, text

from engine.models import HistoryEvent
from tests.appeal_mix import SteppingClock, generate_appeals
from tests.support import build_world
from web.cli import main

TRIGGER = "history_events_append_only"


@pytest.fixture
def run(ctx, database_url):
    ctx.clock = clock = SteppingClock()
    build_world(ctx)
    generate_appeals(ctx, clock, 10, seed=2, group=10)
    runner = CliRunner()
    env = {"KORIDOR_DATABASE_URL": database_url, "KORIDOR_SECRET_KEY": "cli-test", "KORIDOR_PACK": "leningrad"}
    return lambda *args: runner.invoke(main, list(args), env=env)


def _tamper(ctx, sql: str, **params) -> None:
    pg = ctx.db.engine.dialect.name == "postgresql"
    with ctx.db.engine.begin() as conn:
        if pg:
            conn.exec_driver_sql(f"ALTER TABLE history_events DISABLE TRIGGER {TRIGGER}")
        statement = text(sql)
        if ":replay" in sql:
            statement = statement.bindparams(bindparam("replay", type_=HistoryEvent.__table__.c.replay.type))
        conn.execute(statement, params)
        if pg:
            conn.exec_driver_sql(f"ALTER TABLE history_events ENABLE TRIGGER {TRIGGER}")


def _first(ctx, action: str) -> HistoryEvent:
    with ctx.db.unit_of_work() as uow:
        event = uow.session.scalars(select(HistoryEvent).where(HistoryEvent.action == action)
                                    .order_by(HistoryEvent.id)).first()
        uow.session.expunge_all()
        return event


def test_a_clean_database_passes_both_commands(run):
    verify = run("audit", "verify")
    assert verify.exit_code == 0, verify.output
    assert "нарушений: 0" in verify.output
    replay = run("replay", "--all")
    assert replay.exit_code == 0, replay.output
    assert "Воспроизведено: 10, совпало: 10, расхождений: 0" in replay.output
    single = run("replay", "1")
    assert single.exit_code == 0 and "Воспроизведено: 1, совпало: 1" in single.output


def test_a_changed_row_fails_verify_naming_it(ctx, run):
    take = _first(ctx, "take")
    _tamper(ctx, "UPDATE history_events SET actor = 'intruder' WHERE id = :id", id=take.id)
    result = run("audit", "verify")
    assert result.exit_code == 1
    assert f"changed  #{take.id}" in result.output and "нарушений: 1" in result.output


def test_a_tampered_replay_record_fails_replay(ctx, run, monkeypatch):
    monkeypatch.setattr("services.audit.PARALLEL_FROM", 1)  # --jobs 2 below really forks
    accept = _first(ctx, "accept")
    forged = {**accept.replay, "fields": {**accept.replay["fields"], "executor_org": "elsewhere"}}
    _tamper(ctx, "UPDATE history_events SET replay = :replay WHERE id = :id", replay=forged, id=accept.id)
    result = run("replay", "--all", "--jobs", "2")
    assert result.exit_code == 1
    assert f"РАСХОЖДЕНИЕ: процесс #{accept.instance_id} (appeal {accept.subject_id})" in result.output
    assert "executor_org" in result.output and "расхождений: 1" in result.output
    assert run("replay", str(accept.subject_id)).exit_code == 1
    assert run("audit", "verify").exit_code == 1


def test_usage_errors_exit_with_2(run):
    assert run("replay").exit_code == 2
    assert run("replay", "1", "--all").exit_code == 2
    missing = run("replay", "99999")
    assert missing.exit_code == 2 and "не найдено" in missing.output
