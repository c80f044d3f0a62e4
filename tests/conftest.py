"""Shared fixtures: a fixed clock, an app per database backend, API helpers."""
from __future__ import annotations

import functools
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, make_url, text
from werkzeug.security import check_password_hash, generate_password_hash

import packs
from engine.migrate import upgrade
from services import signup
from services.people import directory
from services.settings import Settings
from web import create_app

pytest_plugins = ["tests.oidc_support"]  # the OpenID provider and Koridor beside it (sign-in tests)
packs.install()  # the registry the composition root fills; unit tests read it directly


@functools.cache
def _password_hash(password: str) -> str:
    return generate_password_hash(password)


@functools.cache
def _password_matches(digest: str, password: str) -> bool:
    return check_password_hash(digest, password)


# scrypt is built to be slow (~0.1 s a hash, a check as much): the suite creates and signs in thousands of
# users, so each password is hashed once per process and each (hash, password) pair checked once. The
# hashes and checks stay werkzeug's own: a wrong password is still refused, by a real check.
directory.generate_password_hash = signup.generate_password_hash = _password_hash
directory.check_password_hash = _password_matches

POSTGRES_URL = os.environ.get("KORIDOR_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


class FakeClock:
    """Time as an argument: tests set and advance it."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 8, 18, 7, 54, tzinfo=UTC))  # 10:54 in Saint Petersburg


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "koridor.db"
    upgrade(f"sqlite:///{path}")
    return path


def _worker_database(url: str, worker: str) -> str:
    """Under pytest-xdist each worker gets its own database (`<name>_<worker>`), created on demand."""
    if worker in ("", "master"):
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_ready(worker_id) -> str:
    """The worker's PostgreSQL database, its schema rebuilt once per session at the newest migration."""
    assert POSTGRES_URL
    url = _worker_database(POSTGRES_URL, worker_id)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
        # a test database need not wait for the disk at each commit: what other sessions see is the same,
        # only a crash of the server itself could lose the newest commits
        conn.execute(text(f'ALTER DATABASE "{engine.url.database}" SET synchronous_commit = off'))
    engine.dispose()
    upgrade(url)
    return url


class _Emptier:
    """Empties a test database between tests in one round trip: DELETE in foreign-key order and sequences
    back to 1. TRUNCATE of every table does the same but costs ~1 s a test on a busy disk (a new file per
    table); append-only tables (a trigger refuses DELETE) have their triggers off for the DELETE, inside
    the same transaction, so no test ever sees them off."""

    def __init__(self, url: str):
        self.engine = create_engine(url, pool_size=1)
        metadata = MetaData()
        metadata.reflect(self.engine)
        with self.engine.connect() as conn:
            guarded = {r[0] for r in conn.execute(text(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND n.nspname = 'public'"))}
        statements = []
        for table in reversed(metadata.sorted_tables):
            if table.name == "alembic_version":
                continue
            if table.name in guarded:
                statements += [f'ALTER TABLE "{table.name}" DISABLE TRIGGER USER', f'DELETE FROM "{table.name}"',
                               f'ALTER TABLE "{table.name}" ENABLE TRIGGER USER']
            else:
                statements.append(f'DELETE FROM "{table.name}"')
        statements.append("SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                          "WHERE c.relkind = 'S' AND n.nspname = 'public'")
        self.sql = "; ".join(statements)

    def __call__(self) -> None:
        with self.engine.begin() as conn:
            conn.exec_driver_sql(self.sql)


@pytest.fixture(scope="session")
def empty_postgres(postgres_ready):
    emptier = _Emptier(postgres_ready)
    yield emptier
    emptier.engine.dispose()


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    """The pytest-xdist worker (`gw0`, `gw1`, …) or `master` without xdist."""
    return getattr(request.config, "workerinput", {}).get("workerid", "master")


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path, sqlite_template) -> str:
    if request.param == "sqlite":
        path = tmp_path / "koridor.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    request.getfixturevalue("empty_postgres")()
    return request.getfixturevalue("postgres_ready")


@pytest.fixture
def app(database_url, clock):
    settings = Settings(database_url=database_url, pack="leningrad", secret_key="test-secret", testing=True)
    app = create_app(settings, clock=clock)
    yield app
    app.extensions["koridor"].db.dispose()


@pytest.fixture
def ctx(app):
    return app.extensions["koridor"]


if os.environ.get("KORIDOR_TEST_CHECK_RESPONSES"):
    @pytest.fixture(autouse=True)
    def _answers_match_the_document():
        """Opt-in: every /api/v1 JSON answer of the test matches its schema in the OpenAPI document."""
        from flask import request_finished

        from tests.openapi_conformance import PROBLEMS, check_response

        PROBLEMS.clear()
        request_finished.connect(check_response)
        yield
        request_finished.disconnect(check_response)
        if PROBLEMS:
            pytest.fail("answers that do not match the OpenAPI document:\n" + "\n".join(dict.fromkeys(PROBLEMS)))
