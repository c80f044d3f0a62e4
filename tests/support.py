"""Helpers for tests that drive the HTTP API as several people."""
from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from werkzeug.security import generate_password_hash

from services.models import User
from services.people import directory
from services.settings import Settings
from services.setup import init_system
from web import create_app

PASSWORD = "secret-pass"
ORGS = [("aerlo", "Агентство экономического развития ЛО", "agency", None),
        ("kdh", "Комитет по дорожному хозяйству ЛО", "oiv", None),
        ("tosno", "Администрация Тосненского района", "omsu", None),
        ("tria", "ООО «ТриА Девелопмент»", "company", "9704098567", "1207700123454"),
        ("yatek", "ООО «Ятэк Рус»", "company", "4716012340", "1024701234568")]
USERS = [("moderator", ["moderator"], "aerlo"), ("head", ["head"], "aerlo"),
         ("kdh_manager", ["manager"], "kdh"), ("tosno_manager", ["manager"], "tosno"),
         ("tosno_manager2", ["manager"], "tosno"),
         ("investor", ["investor"], "tria"), ("investor2", ["investor"], "yatek"),
         ("operator", ["operator"], "aerlo"), ("auditor", ["auditor"], "aerlo"),
         ("analyst", ["analyst"], "aerlo")]
COMPANY = {"name": "ООО «ТриА Девелопмент»", "inn": "9704098567"}
FACT_PROBLEM = "roads.junction.technical_conditions_dispute"
FACT_CONSULTATION = "land.site_selection.free_plots_list"


def build_world(ctx) -> None:
    init_system(ctx)
    for code, name, kind, inn, *ogrn in ORGS:  # companies also carry their ОГРН
        directory.add_org(ctx, code, name, kind, inn, *ogrn)
    for login, roles, org in USERS:
        directory.add_user(ctx, login, PASSWORD, roles, org, name=login.title(), email=f"{login}@example.org")


class Api:
    """A logged-in person talking to the API through the Flask test client."""

    def __init__(self, client, login: str):
        self.client = client
        self.login = login
        response = client.post("/api/v1/auth/token", json={"login": login, "password": PASSWORD})
        assert response.status_code == 200, response.get_json()
        self.headers = {"Authorization": f"Bearer {response.get_json()['token']}"}

    def get(self, path: str, **kw):
        return self.client.get(path, headers=self.headers, **kw)

    def post(self, path: str, json: Any = None, **kw):
        return self.client.post(path, headers=self.headers, json=json, **kw)

    def tasks(self) -> list[dict]:
        response = self.get("/api/v1/tasks")
        assert response.status_code == 200, response.get_json()
        return response.get_json()["items"]

    def task_for(self, appeal_id: int) -> dict:
        items = [t for t in self.tasks() if t["appeal_id"] == appeal_id]
        assert len(items) == 1, f"{self.login} has {items}"
        return items[0]

    def do(self, appeal_id: int, action: str, expect: int = 200, **fields) -> dict:
        task = self.task_for(appeal_id)
        response = self.post(f"/api/v1/tasks/{task['id']}/complete", json={"action": action, **fields})
        assert response.status_code == expect, response.get_json()
        return response.get_json()

    def file(self, fact: str = FACT_PROBLEM, **extra) -> dict:
        body = {"fact": fact, "subject": "Согласование съезда", "description": "Просим помочь", "company": COMPANY}
        body.update(extra)
        response = self.post("/api/v1/appeals", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()


def pack_world(database_url: str, clock, pack: str, orgs: list[tuple], users: list[tuple],
               domain: str) -> Iterator:
    """An app of another pack (`moscow`, `kazakhstan`) with its organisations and people; a fixture
    yields from it. Users share one password hash (hashing is the slow part of a set-up)."""
    settings = Settings(database_url=database_url, pack=pack, secret_key="test-secret", testing=True)
    app = create_app(settings, clock=clock)
    ctx = app.extensions["koridor"]
    init_system(ctx)
    for code, name, kind, inn in orgs:
        directory.add_org(ctx, code, name, kind, inn)
    with ctx.db.unit_of_work() as uow:
        uow.session.add_all(User(login=login, password_hash=_password_hash(), name=login.title(),
                                 email=f"{login}@{domain}", org_code=org, roles=",".join(roles))
                            for login, roles, org in users)
        uow.commit()
    yield app
    ctx.db.dispose()


@functools.cache
def _password_hash() -> str:
    return generate_password_hash(PASSWORD)


class People(dict):
    """login -> Api, signed in on first use."""

    def __init__(self, client):
        super().__init__()
        self.client = client

    def __missing__(self, login: str) -> Api:
        self[login] = api = Api(self.client, login)
        return api
