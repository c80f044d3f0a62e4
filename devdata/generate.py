"""`koridor generate --appeals N`: a realistic data set for reports, benches and demos (issue 6).

Proportions follow seed 001's report «Общее количество обращений по типу» (01.10.2024–26.02.2025:
consultation 67 / help 28 / problem 194 of 289; answered 263, in work 23, overdue 4; average
ratings 4.93 / 4 / 4.796). Deadlines come from the pack's classifier and calendar. Each appeal
gets its routes, redirects, reworks, rating, comments and history rows whose hash chain is computed
exactly as engine/history.py does, so `koridor audit verify` accepts them.

Generated appeals have no process instance (`instance_id` NULL): they are a record of what
happened, not live processes; the pages and reports read them like any other appeal, no task
can be completed on them. Rows are written with Core bulk statements (COPY on PostgreSQL), one
transaction per batch; a `dataset` history row records each run (the bench keys on it).
"""
from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, func, select, text
from sqlalchemy.engine import Connection

from devdata.generate_lifecycle import Lifecycle
from devdata.generate_people import GENERATED_PASSWORD, PREFIX, ensure_directory
from engine.history import append_event
from engine.models import HistoryEvent
from services.context import Context
from services.errors import ValidationFailed
from services.models import Appeal, AppealRoute, Comment, Organisation, Project, User
from services.setup import init_system

DATASET = "dataset"  # subject_type of the marker rows, one per run
DATASET_ID = 1


@dataclass
class GenerateResult:
    appeals: int
    history_rows: int
    total_generated: int
    password: str = GENERATED_PASSWORD


def real_data(conn: Connection) -> list[str]:
    """Tables holding rows the generator did not write (organisations, users, appeals, projects)."""
    found = []
    checks = (("organisations", select(func.count()).select_from(Organisation).where(~Organisation.code.like(f"{PREFIX}%"))),
              ("users", select(func.count()).select_from(User).where(~User.login.like(f"{PREFIX}%"))),
              ("appeals", select(func.count()).select_from(Appeal).where(~Appeal.registered_by.like(f"{PREFIX}%"))),
              ("projects", select(func.count()).select_from(Project)))
    for name, query in checks:
        if conn.scalar(query):
            found.append(name)
    return found


def generated_total(ctx: Context) -> int:
    """How many appeals the generator has written into this database (from the marker rows)."""
    with ctx.db.unit_of_work() as uow:
        data = uow.session.scalar(select(HistoryEvent.data).where(HistoryEvent.subject_type == DATASET)
                                  .order_by(HistoryEvent.id.desc()).limit(1))
    return int((data or {}).get("total", 0))


def generate(ctx: Context, appeals: int, seed: int = 1, batch: int = 10_000, days: int = 365, force: bool = False,
             progress: Callable[[int], None] | None = None) -> GenerateResult:
    """Write `appeals` generated appeals (with organisations and users on the first run)."""
    if appeals < 1 or batch < 1 or days < 30:
        raise ValidationFailed("Неверные параметры", {"appeals": ["не меньше 1; batch ≥ 1; days ≥ 30"]})
    init_system(ctx)
    rng = random.Random(seed)
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        conn = uow.session.connection()
        found = real_data(conn)
        if found and not force:
            raise ValidationFailed("В базе есть настоящие данные; сгенерированные данные добавляются только с --force",
                                   {"database": [f"несгенерированные строки в таблицах: {', '.join(found)}"]})
        directory = ensure_directory(conn, max(20, min(appeals // 25, 40_000)), rng)
        overrides = {day: working for day, working in conn.execute(text("SELECT day, working FROM calendar_overrides"))}
        ids = {t: int(conn.scalar(select(func.coalesce(func.max(t.c.id), 0))) or 0)
               for t in (Appeal.__table__, AppealRoute.__table__, Comment.__table__, HistoryEvent.__table__)}
        uow.commit()
    life = Lifecycle(ctx, directory, rng, now, days, ctx.pack.calendar(overrides))
    written = events = 0
    while written < appeals:
        size = min(batch, appeals - written)
        rows = life.batch(ids[Appeal.__table__] + 1, size)
        with ctx.db.unit_of_work() as uow:
            conn = uow.session.connection()
            for table, key in ((Appeal.__table__, "appeals"), (AppealRoute.__table__, "routes"),
                               (Comment.__table__, "comments"), (HistoryEvent.__table__, "events")):
                _number(rows[key], ids, table)
                write_rows(conn, table, rows[key])
            uow.commit()
        written += size
        events += len(rows["events"])
        if progress:
            progress(size)
    total = generated_total(ctx) + appeals
    with ctx.db.unit_of_work() as uow:
        _reset_sequences(uow.session.connection())
        append_event(uow.session, DATASET, DATASET_ID, now, "system", None, "generate",
                     data={"appeals": appeals, "seed": seed, "batch": batch, "days": days, "total": total,
                           "pack": ctx.pack.code})
        uow.commit()
    _refresh_statistics(ctx)
    return GenerateResult(appeals, events, total)


def _refresh_statistics(ctx: Context) -> None:
    """After a bulk load: planner statistics, and on PostgreSQL the visibility map the reports'
    index-only scans need (autovacuum would get there later)."""
    with ctx.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("VACUUM ANALYZE appeals, appeal_routes"))
            conn.execute(text("ANALYZE comments, history_events"))
        else:
            conn.execute(text("ANALYZE"))


def _number(rows: list[dict[str, Any]], ids: dict, table) -> None:
    """Explicit ids (history chains must keep their order; appeals' numbers equal their ids)."""
    if table is Appeal.__table__:
        ids[table] += len(rows)  # appeal ids were assigned by the lifecycle
        return
    for row in rows:
        ids[table] += 1
        row["id"] = ids[table]


def write_rows(conn: Connection, table, rows: list[dict[str, Any]]) -> None:
    """A bulk insert: COPY on PostgreSQL, one executemany elsewhere."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(table.insert(), rows)
        return
    columns = list(rows[0])
    json_columns = {c for c in columns if isinstance(table.c[c].type, JSON)}
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c], ensure_ascii=False) if c in json_columns and row[c] is not None
                            else row[c] for c in columns])
    cursor.close()


def _reset_sequences(conn: Connection) -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the last id."""
    if conn.dialect.name != "postgresql":
        return
    for table in ("appeals", "appeal_routes", "comments", "history_events"):
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                          f"GREATEST((SELECT max(id) FROM {table}), 1))"))
