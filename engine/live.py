"""Live workflows kept in memory between steps, keyed by (instance, version).

Restoring a workflow from JSON is a third of a step's cost. After a commit the
engine keeps the workflow object it just saved; the next step on the same
instance takes it if the row's version still matches (nobody else changed it)
and otherwise restores from the stored state. An entry is taken exclusively
(popped) so two threads never share one object, and it is only put back after
the transaction that changed it committed.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

_PENDING = "koridor_live_pending"


class LiveWorkflows:
    def __init__(self, capacity: int = 2000):
        self.capacity = capacity
        self._items: OrderedDict[int, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, instance_id: int, version: int) -> Any | None:
        with self._lock:
            item = self._items.pop(instance_id, None)
        if item is not None and item[0] == version:
            return item[1]
        return None

    def put_after_commit(self, session: Session, row: Any, workflow: Any) -> None:
        """Keep `workflow` for the instance `row` once the session commits, under the version the row has
        then (the row may be flushed by the commit itself)."""
        session.info.setdefault(_PENDING, []).append((self, row, workflow))

    def _put(self, instance_id: int, version: int, workflow: Any) -> None:
        with self._lock:
            self._items[instance_id] = (version, workflow)
            self._items.move_to_end(instance_id)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


@event.listens_for(Session, "after_commit")
def _publish(session: Session) -> None:
    for cache, row, workflow in session.info.pop(_PENDING, []):
        cache._put(row.id, row.version, workflow)


@event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    session.info.pop(_PENDING, None)
