"""`koridor calendar`: the admins' production-calendar overrides (issue 5)."""
from __future__ import annotations

import click

from services.context import Actor
from services.errors import TYPED
from services.work import calendar_overrides

from .schemas_admin import CALENDAR_DAY, CALENDAR_OVERRIDE
from .validation import checked


def _admin() -> Actor:
    return Actor("cli", "Администратор (CLI)", ("admin",), "", "")


def _moved(result: dict) -> None:
    for item in result["recalculated"]:
        click.echo(f"  обращение №{item['number']}: срок {item['deadline_from']:%d.%m.%Y} → {item['deadline_to']:%d.%m.%Y}")
    click.echo(f"Пересчитано сроков: {len(result['recalculated'])}")


def register(main: click.Group) -> None:
    from .cli import _ctx, _fail

    @main.group()
    def calendar() -> None:
        """Production calendar overrides (late decrees, shortened days)."""

    @calendar.command("list")
    def calendar_list() -> None:
        for item in calendar_overrides.list_overrides(_ctx(), _admin()):
            click.echo(f"{item['date']:%d.%m.%Y}  {item['kind']:<9}  {item['note'] or ''}")

    @calendar.command("override")
    @click.argument("day")
    @click.option("--kind", type=click.Choice(sorted(calendar_overrides.KINDS)), required=True)
    @click.option("--note", default=None)
    def calendar_override(day: str, kind: str, note: str | None) -> None:
        """Set DAY (YYYY-MM-DD) as working, holiday or shortened; moves the open appeals' deadlines."""
        try:
            body = checked(CALENDAR_OVERRIDE, {"date": day, "kind": kind, "note": note})
            result = calendar_overrides.set_override(_ctx(), _admin(), body["date"], body["kind"], body["note"])
        except TYPED as err:
            _fail(err)
        click.echo(f"{result['date']:%d.%m.%Y}: {result['kind']}")
        _moved(result)

    @calendar.command("delete")
    @click.argument("day")
    def calendar_delete(day: str) -> None:
        """Remove the override of DAY; moves the open appeals' deadlines back."""
        try:
            result = calendar_overrides.delete_override(_ctx(), _admin(), checked(CALENDAR_DAY, {"date": day})["date"])
        except TYPED as err:
            _fail(err)
        click.echo(f"{result['date']:%d.%m.%Y}: исправление удалено")
        _moved(result)
