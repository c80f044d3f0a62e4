"""A Moscow-region world for API tests (KORIDOR_PACK=moscow): the ЦУР, agencies and municipalities of seed 004."""
from __future__ import annotations

import functools

import pytest
from werkzeug.security import generate_password_hash

from services import directory
from services.models import User
from services.settings import Settings
from services.setup import init_system
from tests.support import PASSWORD, Api
from web import create_app

MOS_ORGS = [("cur", "ЦУР-Бизнес Московской области", "agency", None),
            ("mininvest", "Министерство инвестиций, промышленности и науки Московской области", "oiv", None),
            ("mingrad", "Комитет по архитектуре и градостроительству Московской области", "oiv", None),
            ("mintrans", "Министерство транспорта и дорожной инфраструктуры Московской области", "oiv", None),
            ("solnechnogorsk", "Администрация городского округа Солнечногорск", "omsu", None),
            ("khimki", "Администрация городского округа Химки", "omsu", None),
            ("tria", "ООО «ТриА Девелопмент»", "company", "9704098567")]
MOS_USERS = [("moderator", ["moderator"], "cur"), ("cur_head", ["head"], "cur"), ("operator", ["operator"], "cur"),
             ("invest_spec", ["manager"], "mininvest"), ("invest_deputy", ["head"], "mininvest"),
             ("grad_spec", ["manager"], "mingrad"), ("grad_deputy", ["head"], "mingrad"),
             ("trans_spec", ["manager"], "mintrans"), ("trans_deputy", ["head"], "mintrans"),
             ("soln_spec", ["manager"], "solnechnogorsk"), ("khimki_spec", ["manager"], "khimki"),
             ("investor", ["investor"], "tria"), ("analyst", ["analyst"], "cur")]


@pytest.fixture
def mos_app(database_url, clock):
    settings = Settings(database_url=database_url, pack="moscow", secret_key="test-secret", testing=True)
    app = create_app(settings, clock=clock)
    ctx = app.extensions["koridor"]
    init_system(ctx)
    for code, name, kind, inn in MOS_ORGS:
        directory.add_org(ctx, code, name, kind, inn)
    with ctx.db.unit_of_work() as uow:  # one password hash for all (hashing is the slow part of a set-up)
        uow.session.add_all(User(login=login, password_hash=_password_hash(), name=login.title(),
                                 email=f"{login}@example.ru", org_code=org, roles=",".join(roles))
                            for login, roles, org in MOS_USERS)
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


@pytest.fixture
def mos(mos_app):
    return People(mos_app.test_client())
