"""The `koridor` command: init, orgs, users, serve, demo, timers."""
from __future__ import annotations

import os
import sys
import time

import click

from services import setup
from services.errors import TYPED
from services.identity_config import ConfigError, load_providers
from services.people import directory
from services.work.scheduler import build_scheduler
from services.work.timers import fire_due_timers, sweep

from . import create_app


def _ctx():
    return create_app().extensions["koridor"]


def _fail(err) -> None:
    click.echo(f"Ошибка: {err.message}", err=True)
    for field, problems in err.errors.items():
        click.echo(f"  {field}: {'; '.join(map(str, problems))}", err=True)
    sys.exit(2)


@click.group()
def main() -> None:
    """Koridor: routing of investors' appeals (KORIDOR_DATABASE_URL, KORIDOR_PACK)."""
    try:  # a bad sign-in configuration (docs/identity.md) stops every command with its message
        load_providers(os.environ)
    except ConfigError as err:
        click.echo(f"Ошибка в настройке входа (KORIDOR_OIDC_*): {err}", err=True)
        sys.exit(2)


@main.command()
def init() -> None:
    """Create/upgrade the schema and deploy the pack's diagrams."""
    ctx = _ctx()
    for item in setup.init_system(ctx):
        click.echo(f"{item['process_id']} v{item['version']} ({item['filename']})")
    click.echo(f"Готово: пакет {ctx.pack.code}, база {ctx.settings.database_url}")


@main.group()
def orgs() -> None:
    """Organisations."""


@orgs.command("add")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--kind", required=True)
@click.option("--inn", default=None)
@click.option("--ogrn", default=None, help="ОГРН (13 digits) or ОГРНИП (15) of a company")
def orgs_add(code: str, name: str, kind: str, inn: str | None, ogrn: str | None) -> None:
    try:
        directory.add_org(_ctx(), code, name, kind, inn, ogrn)
    except TYPED as err:
        _fail(err)
    click.echo(f"Организация {code} добавлена")


@main.group()
def users() -> None:
    """Users."""


@users.command("add")
@click.argument("login")
@click.option("--password", required=True)
@click.option("--role", "roles", multiple=True, required=True)
@click.option("--org", required=True)
@click.option("--name", default=None)
@click.option("--email", default=None)
def users_add(login: str, password: str, roles: tuple[str, ...], org: str, name: str | None,
              email: str | None) -> None:
    try:
        directory.add_user(_ctx(), login, password, list(roles), org, name, email)
    except TYPED as err:
        _fail(err)
    click.echo(f"Пользователь {login} добавлен")


@users.command("disable")
@click.argument("login")
def users_disable(login: str) -> None:
    """Switch an account off and end all its tokens and sessions at once."""
    try:
        ended = directory.disable_user(_ctx(), None, login)
    except TYPED as err:
        _fail(err)
    click.echo(f"Пользователь {login} отключён; завершено сессий: {ended}")


@main.command()
def demo() -> None:
    """Load demo organisations, users and appeals; print the logins."""
    logins = setup.load_demo(_ctx())
    click.echo("Демо-пользователи (логин / пароль / роли):")
    for login, password, roles in logins:
        click.echo(f"  {login:<10} {password}  {roles}")


@main.command()
def timers() -> None:
    """Fire the timers that are due now (BPMN timers, SLA warnings, overdue, unrated answers)."""
    click.echo(f"timers fired: {fire_due_timers(_ctx())}")


@main.command()
@click.option("--interval", default=60, type=int, help="seconds between sweeps")
@click.option("--once", is_flag=True, help="run every job once until nothing is due, print a summary, exit")
@click.option("--worker", default=None, help="name of this process in timer claims (default host:pid:random)")
def scheduler(interval: int, once: bool, worker: str | None) -> None:
    """Run the time sweeps in the foreground; several such processes may share one PostgreSQL."""
    ctx = _ctx()
    if once:
        started = time.perf_counter()
        report = sweep(ctx, worker=worker)
        click.echo(f"fired={report.fired} rearmed={report.rearmed} failed={report.failed} lost={report.lost} "
                   f"seconds={time.perf_counter() - started:.3f}")
        return
    if worker:
        ctx._scheduler_worker = worker
    click.echo(f"Планировщик: таймеры каждые {interval} с")
    build_scheduler(ctx, interval, blocking=True).start()


@main.command()
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8000, type=int)
@click.option("--scheduler/--no-scheduler", "with_scheduler", default=True,
              help="also run the timer sweeps in this process (default: on, for a single-machine set-up; "
                   "use --no-scheduler when `koridor scheduler` processes run)")
def serve(host: str, port: int, with_scheduler: bool) -> None:
    """Serve the API (waitress) and, unless --no-scheduler, the timer sweeps."""
    app = create_app()
    if with_scheduler:
        build_scheduler(app.extensions["koridor"]).start()
    try:
        from waitress import serve as waitress_serve
    except ImportError:  # pragma: no cover
        app.run(host=host, port=port)
    else:
        click.echo(f"Koridor: http://{host}:{port}  (API: /api/v1, OpenAPI: /api/v1/openapi.json)")
        waitress_serve(app, host=host, port=port, threads=8)

from .cli_time import register as _register_time; _register_time(main)  # noqa: E402,E702,I001  (issue 5: calendar)
from .cli_audit import register; register(main)  # noqa: E402,E702,I001  (issue 7: audit verify, replay)
from .cli_analyst import register as _register_analyst; _register_analyst(main)  # noqa: E402,E702,I001  (issue 7: deploy, diff, migrate, simulate)
from .cli_generate import register as _register_generate; _register_generate(main)  # noqa: E402,E702,I001  (issue 6: generate)
