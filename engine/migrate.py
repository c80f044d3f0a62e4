"""Schema migrations (Alembic), run by `koridor init` and the tests."""
from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.exc import DBAPIError

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@functools.cache
def head_revisions() -> frozenset[str]:
    """The newest revision(s) of the migration scripts (read once per process: the scripts do not change
    under a running process)."""
    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def current_revisions(url: str) -> frozenset[str]:
    """The revision(s) the database at `url` is at (empty: never migrated or unreachable schema)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return frozenset(MigrationContext.configure(conn).get_current_heads())
    except DBAPIError:
        return frozenset()
    finally:
        engine.dispose()


def at_head(url: str) -> bool:
    return current_revisions(url) == head_revisions()


def upgrade(url: str) -> None:
    """Bring the database at `url` to the newest schema (a database already at the head is only read)."""
    if at_head(url):
        return
    command.upgrade(alembic_config(url), "head")
