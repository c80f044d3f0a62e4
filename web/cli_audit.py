"""`koridor audit verify` and `koridor replay` (issue 7): the auditors' commands. Exit code 1 when
anything is wrong, 2 on a usage error."""
from __future__ import annotations

import os
import sys
import time

import click

from services import audit as audit_service
from services.errors import TYPED

from . import create_app


def _ctx():
    return create_app().extensions["koridor"]


@click.group()
def audit() -> None:
    """Audit of the history (hash chains)."""


@audit.command()
def verify() -> None:
    """Walk every history chain; name each row that was changed, removed or inserted."""
    report = audit_service.verify_history(_ctx())
    for problem in report.problems:
        row = f"#{problem.row_id}" if problem.row_id is not None else "—"
        click.echo(f"{problem.kind:<8} {row:<8} {problem.subject_type} {problem.subject_id}: {problem.message}")
    click.echo(f"Проверено строк: {report.rows}, цепочек: {report.subjects}; нарушений: {len(report.problems)}")
    sys.exit(0 if report.ok else 1)


@click.command()
@click.argument("appeal_id", required=False, type=int)
@click.option("--all", "replay_all", is_flag=True, help="replay every process instance")
@click.option("--jobs", default=None, type=click.IntRange(1, 64),
              help="processes to replay in (default: the number of CPUs)")
def replay(appeal_id: int | None, replay_all: bool, jobs: int | None) -> None:
    """Rebuild an appeal (APPEAL_ID) or every instance (--all) from its history and compare with the
    stored state; lists each mismatch."""
    if (appeal_id is None) == (not replay_all):
        click.echo("Укажите номер обращения или --all", err=True)
        sys.exit(2)
    ctx = _ctx()
    try:
        ids = None if replay_all else audit_service.replay_appeal_instance(ctx, appeal_id)
    except TYPED as err:
        click.echo(f"Ошибка: {err.message}", err=True)
        sys.exit(2)
    started = time.perf_counter()
    summary = audit_service.replay_all(ctx, ids, jobs=jobs or os.cpu_count() or 1)
    elapsed = time.perf_counter() - started
    for result in summary.mismatches:
        subject_type, subject_id = summary.subjects.get(result.instance_id, ("?", None))
        click.echo(f"РАСХОЖДЕНИЕ: процесс #{result.instance_id} ({subject_type} {subject_id})")
        for difference in result.differences:
            click.echo(f"  {difference}")
    if summary.not_replayable:
        click.echo(f"Без записей для воспроизведения (история до миграции 0003): {len(summary.not_replayable)}")
    rate = summary.instances / elapsed if elapsed > 0 else 0.0
    click.echo(f"Воспроизведено: {summary.instances}, совпало: {summary.matched}, "
               f"расхождений: {len(summary.mismatches)} ({rate:.0f} в секунду)")
    sys.exit(0 if summary.ok else 1)


def register(main: click.Group) -> None:
    main.add_command(audit)
    main.add_command(replay)
