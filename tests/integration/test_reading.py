"""Units of work that only read: on SQLite a deferred transaction (no write lock), so a writer commits
while a reader is open; a reading unit of work refuses to commit."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import event, func, select

from services.models import Organisation
from services.people import directory


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(Organisation))


def test_a_writer_commits_while_a_reader_is_open_and_the_reader_keeps_its_snapshot(ctx):
    directory.add_org(ctx, "aerlo", "Агентство", "agency", None)
    with ctx.db.reading() as reader:
        assert _count(reader.session) == 1
        started = time.monotonic()
        directory.add_org(ctx, "kdh", "Комитет", "oiv", None)  # with BEGIN IMMEDIATE it waited 30 s for the reader
        assert time.monotonic() - started < 5
        if ctx.db.engine.dialect.name == "sqlite":
            assert _count(reader.session) == 1  # one snapshot for the whole read (WAL)
    with ctx.db.reading() as reader:
        assert _count(reader.session) == 2


def test_a_reading_unit_of_work_refuses_to_commit_and_leaves_nothing(ctx):
    with pytest.raises(RuntimeError, match="does not commit"), ctx.db.reading() as reader:
        reader.session.add(Organisation(code="tosno", name="Администрация", kind="omsu"))
        reader.session.flush()
        reader.commit()
    with ctx.db.reading() as reader:
        assert _count(reader.session) == 0


def test_sqlite_readers_begin_deferred_and_writers_immediate(ctx):
    if ctx.db.engine.dialect.name != "sqlite":
        pytest.skip("BEGIN IMMEDIATE is SQLite's")
    seen: list[str] = []

    def _record(conn, cursor, statement, *_):
        if statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(ctx.db.engine, "before_cursor_execute", _record)
    try:
        with ctx.db.reading() as reader:
            _count(reader.session)
        with ctx.db.unit_of_work() as writer:
            _count(writer.session)
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", _record)
    assert seen == ["BEGIN", "BEGIN IMMEDIATE"]


def _statements(ctx, call) -> int:
    seen: list[str] = []

    def _record(conn, cursor, statement, *_):
        seen.append(statement)

    event.listen(ctx.db.engine, "before_cursor_execute", _record)
    try:
        call()
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", _record)
    return len(seen)


def test_a_page_of_appeals_costs_the_same_statements_whatever_its_length(ctx):
    """The list and the registry read the page's people and organisations in one query for the page."""
    from services.appeals.appeal import list_appeals
    from services.appeals.intake import submit_appeal
    from services.reports.registry import search
    from tests.support import COMPANY, FACT_PROBLEM, build_world

    build_world(ctx)
    with ctx.db.reading() as uow:
        investor, moderator = (directory.actor_for(uow.session, login) for login in ("investor", "moderator"))
    body = {"fact": FACT_PROBLEM, "subject": "Съезд", "description": "Просим помочь", "company": COMPANY}
    counts = []
    for total in (1, 6):
        while len(list_appeals(ctx, moderator)) < total:
            submit_appeal(ctx, investor, body)
        counts.append((_statements(ctx, lambda: list_appeals(ctx, moderator)),
                       _statements(ctx, lambda: search(ctx, moderator, {}))))
    assert counts[0] == counts[1], counts
    assert len(list_appeals(ctx, moderator)) == 6
