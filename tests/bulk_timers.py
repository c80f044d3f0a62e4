"""Many appeals with an `overdue` timer each, written in bulk (tests of several schedulers, bench).

The rows are what intake would leave for an appeal whose deadline passed and nobody swept yet, minus
the BPMN state (the `overdue` handler never loads the workflow): firing one is the real handler
(history event on the appeal's hash chain, notification to the head, timer closed).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select, text

from engine.models import ProcessDefinition, ProcessInstance, Timer
from services.models import Appeal

FACT = "land.site_selection.free_plots_list"


def create_overdue_appeals(ctx, count: int, deadline_at: datetime, *, due: bool = True, chunk: int = 5000) -> list[int]:
    """`count` open appeals whose `overdue` timer is due at `deadline_at` (or a year later when not `due`)."""
    fact = ctx.classifier.fact(FACT)
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        definition_id = s.scalar(select(ProcessDefinition.id).where(ProcessDefinition.is_current.is_(True)))
        start = max(s.scalar(select(func.max(Appeal.id))) or 0, s.scalar(select(func.max(ProcessInstance.id))) or 0) + 1
        ids = list(range(start, start + count))
        received = deadline_at - timedelta(days=5)
        timer_due = deadline_at if due else deadline_at + timedelta(days=365)
        for first in range(0, count, chunk):
            part = ids[first:first + chunk]
            s.execute(insert(ProcessInstance), [dict(
                id=i, definition_id=definition_id, process_id="appeal", subject_type="appeal", subject_id=i,
                status="in_execution", completed=False, state="{}", steps=1, created_at=received, updated_at=received,
                version=1) for i in part])
            s.execute(insert(Appeal), [dict(
                id=i, number=i, fact_code=fact.code, category_code=fact.category_code,
                subcategory_code=fact.subcategory_code, appeal_type=fact.appeal_type, subject="Массовая проверка",
                description="d", company_name="ООО «ТриА Девелопмент»", company_inn="9704098567", registered_by="investor",
                channel="lk", received_at=received, created_at=received, deadline=date.fromordinal(deadline_at.toordinal()),
                deadline_at=timer_due, status="in_execution", agency_org="aerlo", executor_org="kdh", head_login="head",
                rework_count=0, instance_id=i) for i in part])
            s.execute(insert(Timer), [dict(instance_id=i, task_uuid=f"overdue:{i}", bpmn_id="overdue", kind="overdue",
                                           due_at=timer_due, state="waiting", attempts=0) for i in part])
        if uow.is_postgres:
            for table in ("appeals", "process_instances"):
                s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
        uow.commit()
    return ids
