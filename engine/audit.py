"""Tamper evidence for the history (issue 7): a SHA-256 chain per subject and its verification.

Every `history_events` row carries `prev_hash` (the `hash` of the previous row of the same subject,
NULL for the first) and `hash` = SHA-256 of the row's canonical JSON: the id-independent fields
below with sorted keys, UTF-8, no spaces, `at` as ISO UTC with microseconds. Changing a row breaks
its own hash; removing one breaks the next row's link; a row slipped in is skipped by the link of
the row after it. `verify_chains` walks every chain and names the rows.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import HistoryEvent, ProcessInstance

HASHED = ("subject_type", "subject_id", "at", "actor", "role", "action", "task", "status_from", "status_to",
          "data", "instance_id", "replay", "prev_hash")
_COLUMNS = [getattr(HistoryEvent, name) for name in ("id", "hash", *HASHED)]


def canonical(values: Mapping[str, Any]) -> bytes:
    """The bytes that are hashed: the id-independent fields of one row as canonical JSON."""
    doc = {name: values.get(name) for name in HASHED}
    doc["at"] = iso_utc(values["at"])
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def event_hash(values: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(values)).hexdigest()


def iso_utc(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("naive datetime in a history row")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class ChainProblem:
    kind: str  # changed | removed | inserted
    subject_type: str
    subject_id: int
    row_id: int | None
    message: str


@dataclass
class ChainReport:
    rows: int = 0
    subjects: int = 0
    problems: list[ChainProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_chain(rows: list[Mapping[str, Any]]) -> list[ChainProblem]:
    """Problems of one subject's rows (in id order). A row is *changed* when its content no longer
    gives its hash; rows are *inserted* when the link of a later row skips them; rows were *removed*
    when a link points to no row of the chain (a gap)."""
    problems: list[ChainProblem] = []
    if not rows:
        return problems
    st, sid = rows[0]["subject_type"], rows[0]["subject_id"]

    def report(kind: str, row_id: int | None, message: str) -> None:
        problems.append(ChainProblem(kind, st, sid, row_id, message))

    seen: dict[str, int] = {}  # stored hash -> position, rows accepted into the chain
    tip: int | None = None  # position of the last row of the chain
    for i, row in enumerate(rows):
        if row["hash"] is None:
            report("inserted", row["id"], f"строка #{row['id']} без хеша: добавлена в обход приложения")
            continue
        if event_hash(row) != row["hash"]:
            report("changed", row["id"], f"строка #{row['id']} изменена: содержимое не совпадает с её хешем")
        expected = rows[tip]["hash"] if tip is not None else None
        link = row["prev_hash"]
        if link != expected:
            nxt = rows[i + 1] if i + 1 < len(rows) else None
            if nxt is not None and expected is not None and nxt["prev_hash"] == expected:
                report("inserted", row["id"], f"строка #{row['id']} вставлена: цепочка идёт от "
                                               f"#{rows[tip]['id']} сразу к #{nxt['id']}")
                continue
            if link is not None and link in seen:
                for skipped in rows[seen[link] + 1:i]:
                    if skipped["hash"] in seen:  # accepted into the chain, now skipped by this link
                        report("inserted", skipped["id"], f"строка #{skipped['id']} вставлена: строка "
                                                          f"#{row['id']} ссылается на #{rows[seen[link]]['id']}")
            elif tip is None:
                report("removed", row["id"], f"перед первой строкой #{row['id']} удалены строки")
            else:
                report("removed", row["id"], f"разрыв перед строкой #{row['id']}: удалены строки после "
                                             f"#{rows[tip]['id']}, или строка #{rows[tip]['id']} изменена "
                                             f"вместе с хешем, или строка #{row['id']} вставлена")
        seen[row["hash"]] = i
        tip = i
    return problems


def _by_subject(rows: Iterable[Mapping[str, Any]]) -> Iterable[list[Mapping[str, Any]]]:
    current: list[Mapping[str, Any]] = []
    key = None
    for row in rows:
        row_key = (row["subject_type"], row["subject_id"])
        if row_key != key and current:
            yield current
            current = []
        key = row_key
        current.append(row)
    if current:
        yield current


def verify_chains(session: Session, batch: int = 5000) -> ChainReport:
    """Walk every subject's chain (streamed in index order) and cross-check each instance's
    number of engine steps against its recorded steps (a removed last row leaves no broken link)."""
    report = ChainReport()
    query = select(*_COLUMNS).order_by(HistoryEvent.subject_type, HistoryEvent.subject_id, HistoryEvent.id)
    rows = (dict(r._mapping) for r in session.execute(query.execution_options(yield_per=batch)))
    for chain in _by_subject(rows):
        report.subjects += 1
        report.rows += len(chain)
        report.problems.extend(check_chain(chain))
    report.problems.extend(_tail_problems(session))
    return report


def _tail_problems(session: Session) -> list[ChainProblem]:
    """Every engine run (start, completion, timer) appends exactly one event with a `replay`
    record, and counts itself in `process_instances.steps`; instances started before that rule
    (no recorded start) are skipped."""
    engine_rows = HistoryEvent.replay.is_not(None)
    recorded = dict(session.execute(select(HistoryEvent.instance_id, func.count())
                                    .where(engine_rows).group_by(HistoryEvent.instance_id)).all())
    started = set(session.scalars(select(HistoryEvent.instance_id)
                                  .where(engine_rows, HistoryEvent.action == "submit")))
    problems = []
    for iid, st, sid, steps in session.execute(select(ProcessInstance.id, ProcessInstance.subject_type,
                                                      ProcessInstance.subject_id, ProcessInstance.steps)):
        count = recorded.get(iid, 0)
        if iid in started and count != steps:
            kind = "removed" if count < steps else "inserted"
            problems.append(ChainProblem(kind, st, sid or 0, None, f"процесс #{iid}: {steps} шагов движка, "
                                                                   f"а событий с записью шага {count}"))
    return problems
