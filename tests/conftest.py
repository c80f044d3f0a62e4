"""Shared fixtures: a fixed clock, an app per database backend, API helpers."""
from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

import packs
from engine.migrate import upgrade
from services.settings import Settings
from web import create_app

pytest_plugins = ["tests.oidc_support"]  # the OpenID provider and Koridor beside it (sign-in tests)
packs.install()  # the registry the composition root fills; unit tests read it directly

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
    assert POSTGRES_URL
    url = _worker_database(POSTGRES_URL, worker_id)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    upgrade(url)
    return url


def _truncate(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename <> 'alembic_version'"))]
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


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
    url = request.getfixturevalue("postgres_ready")
    _truncate(url)
    return url


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
