"""A Moscow-region world for API tests (KORIDOR_PACK=moscow): the ЦУР, agencies and municipalities of seed 004."""
from __future__ import annotations

import pytest

from tests.support import People, pack_world

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
    yield from pack_world(database_url, clock, "moscow", MOS_ORGS, MOS_USERS, "example.ru")


@pytest.fixture
def mos(mos_app):
    return People(mos_app.test_client())
