"""The analysts' commands (issue 7): deploy, diff, migrate, simulate.

They act as the system (no signed-in user): whoever runs the `koridor` command on the server
is trusted like an administrator. `web/cli.py` registers them with one line.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from services.analyst import process_models, simulation
from services.errors import TYPED


def _ctx():
    from . import create_app

    return create_app().extensions["koridor"]


def _fail(err) -> None:
    click.echo(f"Ошибка: {err.message}", err=True)
    for field, problems in err.errors.items():
        for problem in problems:
            click.echo(f"  {field}: {problem}", err=True)
    sys.exit(2)


def _json(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def deploy(file: Path) -> None:
    """Lint and deploy a BPMN diagram or a DMN decision model as a new version (running instances keep theirs)."""
    try:
        view = process_models.deploy_process_model(_ctx(), None, file.read_bytes(), file.name)
    except TYPED as err:
        _fail(err)
    click.echo(f"{view['process_id']} v{view['version']} ({view['content_hash'][:12]}) развёрнута")


@click.command()
@click.argument("process_id")
@click.argument("version_a", type=int)
@click.argument("version_b", type=int)
@click.option("--json", "as_json", is_flag=True, help="print the whole diff as JSON")
def diff(process_id: str, version_a: int, version_b: int, as_json: bool) -> None:
    """What changed from version A to version B of a process, element by element."""
    try:
        result = process_models.diff_versions(_ctx(), None, process_id, version_a, version_b)
    except TYPED as err:
        _fail(err)
    if as_json:
        _json(result)
        return
    if result["identical"]:
        click.echo("Версии совпадают")
    for item in result["added"]:
        click.echo(f"+ {item['category']} {item['id']} ({item['kind']}, строка {item['line']})")
    for item in result["removed"]:
        click.echo(f"- {item['category']} {item['id']} ({item['kind']}, строка {item['line']})")
    for item in result["changed"]:
        click.echo(f"~ {item['category']} {item['id']} (строка {item['line_a']} → {item['line_b']})")
        for change in item["changes"]:
            click.echo(f"    {change['aspect']}: {change['old']!r} → {change['new']!r}")


@click.command()
@click.argument("process_id")
@click.option("--to", "to_version", type=int, required=True, help="the version to move to")
@click.option("--dry-run", is_flag=True, help="report what would move, change nothing")
def migrate(process_id: str, to_version: int, dry_run: bool) -> None:
    """Move the running instances of a process to a version where it is safe; report the rest."""
    try:
        report = process_models.migrate_process(_ctx(), None, process_id, to_version, dry_run=dry_run)
    except TYPED as err:
        _fail(err)
    verb = "можно перенести" if dry_run else "перенесено"
    for item in report["moved"]:
        click.echo(f"{verb}: #{item['instance_id']} ({item['subject_type']} {item['subject_id']}) "
                   f"v{item['from_version']} → v{item['to_version']}; открыты: {', '.join(item['open_tasks']) or '—'}")
    for item in report["refused"]:
        click.echo(f"оставлено: #{item['instance_id']} ({item['subject_type']} {item['subject_id']}) "
                   f"v{item['from_version']}: {'; '.join(item['reasons'])}")
    summary = report["summary"]
    click.echo(f"Итого: {summary['candidates']}, {verb} {summary['moved']}, оставлено {summary['refused']}"
               + (" (пробный прогон, ничего не изменено)" if dry_run else ""))


@click.command()
@click.option("--since", required=True, help="YYYY-MM-DD: appeals filed from this day")
@click.option("--until", default=None, help="YYYY-MM-DD: up to this day (default: today)")
@click.option("--classifier", "classifier_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="candidate classifier JSON")
@click.option("--json", "as_json", is_flag=True, help="print the whole report as JSON")
@click.argument("diagram", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def simulate(since: str, until: str | None, classifier_file: Path | None, as_json: bool,
             diagram: Path | None) -> None:
    """What-if: replay past appeals against a candidate diagram and/or classifier (nothing is stored)."""
    try:
        report = simulation.simulate(_ctx(), None, since, until,
                                     diagram_xml=diagram.read_bytes() if diagram else None,
                                     classifier_json=classifier_file.read_bytes() if classifier_file else None)
    except TYPED as err:
        _fail(err)
    if as_json:
        _json(report)
        return
    s = report["summary"]
    click.echo(f"Период {report['period']['since']} — {report['period']['until']}: обращений {s['appeals']}")
    click.echo(f"  срок изменился: {s['deadline_changed']}; маршрут изменился: {s['route_changed']}; "
               f"остановлено: {s['stopped']}")
    click.echo(f"  просрочено было: {s['overdue_old']}, было бы: {s['overdue_new']}")
    for item in report["appeals"]:
        if item["deadline_changed"] or item["route_changed"] or item["stopped"]:
            line = f"  №{item['number']}: срок {item['deadline_old']} → {item['deadline_new']}"
            if item["route_changed"]:
                line += f"; маршрут {' > '.join(item['route_old'])} ⇒ {' > '.join(item['route_new'])}"
            if item["stopped"]:
                line += f"; остановлено: {item['stopped']['reason']}"
            click.echo(line)
    click.echo("  нагрузка (обращений было → стало):")
    for row in report["load"]:
        click.echo(f"    {row['org']}: {row['appeals_old']} → {row['appeals_new']}")


def register(main: click.Group) -> None:
    """Add the analysts' commands to the `koridor` group."""
    for command in (deploy, diff, migrate, simulate):
        main.add_command(command)
