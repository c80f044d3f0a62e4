"""`koridor generate --appeals N` (issue 6): fill the configured database with a generated data set."""
from __future__ import annotations

import sys
import time

import click

from devdata import generate as generate_service
from services.errors import TYPED

from . import create_app


class _Bar:
    """tqdm when installed, else a plain bar on stderr."""

    def __init__(self, total: int):
        self.total, self.done, self.started = total, 0, time.perf_counter()
        try:
            from tqdm import tqdm
        except ImportError:  # pragma: no cover - tqdm is a dependency; the fallback keeps the command usable
            self.tqdm = None
        else:
            self.tqdm = tqdm(total=total, unit=" обращений", file=sys.stderr, dynamic_ncols=True)

    def __call__(self, step: int) -> None:
        self.done += step
        if self.tqdm is not None:
            self.tqdm.update(step)
            return
        filled = int(30 * self.done / self.total)
        rate = self.done / max(time.perf_counter() - self.started, 1e-9)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total} ({rate:.0f}/с)")
        sys.stderr.flush()

    def close(self) -> None:
        if self.tqdm is not None:
            self.tqdm.close()
        else:
            sys.stderr.write("\n")


@click.command()
@click.option("--appeals", "count", required=True, type=click.IntRange(1, 50_000_000), help="how many appeals")
@click.option("--seed", default=1, type=int, help="random seed (the same seed gives the same data set)")
@click.option("--batch", default=10_000, type=click.IntRange(1, 1_000_000), help="appeals per transaction")
@click.option("--days", default=365, type=click.IntRange(30, 3650), help="creation dates spread over this many days")
@click.option("--force", is_flag=True, help="also when the database holds real (non-generated) data")
def generate(count: int, seed: int, batch: int, days: int, force: bool) -> None:
    """Generate organisations, users and appeals with their history (seed 001 proportions)."""
    ctx = create_app().extensions["koridor"]
    bar = _Bar(count)
    started = time.perf_counter()
    try:
        result = generate_service.generate(ctx, count, seed=seed, batch=batch, days=days, force=force, progress=bar)
    except TYPED as err:
        bar.close()
        click.echo(f"Ошибка: {err.message}", err=True)
        for field, problems in err.errors.items():
            click.echo(f"  {field}: {'; '.join(map(str, problems))}", err=True)
        sys.exit(2)
    bar.close()
    click.echo(f"Создано обращений: {result.appeals} (всего сгенерировано: {result.total_generated}), "
               f"строк истории: {result.history_rows}, за {time.perf_counter() - started:.0f} с")
    click.echo(f"Пользователи gen-*: пароль «{result.password}» (например, gen-agency-head, gen-agency-analyst)")


def register(main: click.Group) -> None:
    main.add_command(generate)
