"""The Alembic chain builds exactly the schema the ORM models declare (no drift between them)."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

import packs
import services.models  # noqa: F401  (registers the domain tables)
from engine.db import Base
from engine.migrate import upgrade

packs.install()  # the packs' own tables (packs/kazakhstan/models.py) register with the metadata


def test_migrations_match_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'schema.db'}"
    upgrade(url)
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    diff = [d for d in diff if not _other_dialect_index(d)]
    assert diff == [], f"models and migrations differ: {diff}"


def _other_dialect_index(difference) -> bool:
    """An index the model declares for PostgreSQL only (`ddl_if`) is rightly absent from SQLite."""
    if difference[0] not in ("add_index", "remove_index"):
        return False
    declared = {ix.name: ix for table in Base.metadata.tables.values() for ix in table.indexes}
    condition = getattr(declared.get(difference[1].name), "_ddl_if", None)
    return condition is not None and condition.dialect not in (None, "sqlite")
