"""Alembic environment: the models' metadata, one connection, no logging config."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import engine.models  # noqa: F401
import packs
import services.models  # noqa: F401  (registers the domain tables)
from engine.db import Base

packs.install()  # the packs' own tables (packs/kazakhstan/models.py) register with the metadata

config = context.config
url = config.get_main_option("sqlalchemy.url")


def run() -> None:
    connectable = create_engine(url)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
    connectable.dispose()


if context.is_offline_mode():
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run()
