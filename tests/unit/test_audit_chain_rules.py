"""How `check_chain` tells changed, removed and inserted rows apart (synthetic chains, no database)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from engine.audit import canonical, check_chain, event_hash

T0 = datetime(2025, 8, 18, 7, 54, tzinfo=UTC)


def _chain(n: int) -> list[dict]:
    rows, prev = [], None
    for i in range(n):
        row = {"id": i + 1, "subject_type": "appeal", "subject_id": 7, "instance_id": 3,
               "at": T0 + timedelta(minutes=i), "actor": "moderator", "role": "moderator", "action": f"a{i}",
               "task": None, "status_from": None, "status_to": "on_moderation", "data": {"n": i},
               "replay": None, "prev_hash": prev}
        row["hash"] = prev = event_hash(row)
        rows.append(row)
    return rows


def _forged(after: dict, row_id: int, prev: str | None) -> dict:
    row = {**after, "id": row_id, "action": "forged", "prev_hash": prev}
    row["hash"] = event_hash(row)
    return row


def _found(rows: list[dict]) -> list[tuple[str, int | None]]:
    return [(p.kind, p.row_id) for p in check_chain(rows)]


def test_canonical_json_is_sorted_compact_utf8_with_utc_microseconds():
    text = canonical(_chain(1)[0]).decode("utf-8")
    assert text.startswith('{"action":"a0","actor":"moderator","at":"2025-08-18T07:54:00.000000Z","data":{"n":0}')
    assert " " not in text and '"id"' not in text and '"hash"' not in text and '"prev_hash":null' in text
    moscow = {**_chain(1)[0], "at": T0.astimezone(ZoneInfo("Europe/Moscow"))}
    assert event_hash(moscow) == _chain(1)[0]["hash"], "the same instant hashes the same in any zone"


def test_an_intact_chain_has_no_problems():
    assert check_chain(_chain(5)) == []


def test_a_changed_row_is_named():
    rows = _chain(4)
    rows[1]["data"] = {"n": 100}
    assert _found(rows) == [("changed", 2)]


def test_a_removed_row_is_a_gap_before_the_next():
    rows = _chain(4)
    del rows[1]
    assert _found(rows) == [("removed", 3)]
    rows = _chain(4)[1:]
    assert _found(rows) == [("removed", 2)], "rows removed before the first one"


def test_a_row_inserted_with_a_made_up_link_is_named():
    rows = _chain(3)
    rows.insert(2, _forged(rows[1], 10, "f" * 64))
    assert _found(rows) == [("inserted", 10)]


def test_a_row_inserted_with_a_correct_link_is_skipped_by_the_next_one():
    rows = _chain(3)
    rows.insert(2, _forged(rows[1], 10, rows[1]["hash"]))
    assert _found(rows) == [("inserted", 10)]


def test_a_row_without_hash_is_inserted():
    rows = _chain(2)
    rows.append({**rows[1], "id": 3, "hash": None, "prev_hash": None})
    assert _found(rows) == [("inserted", 3)]
