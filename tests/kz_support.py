"""A Kazakhstan world for API tests: the organisations and people of seed 003's path."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.support import Api, People, pack_world

KZ_ORGS = [("kazinvest", "АО «НК «Kazakh Invest»", "agency", None),
           ("mfa_office", "Посольство Республики Казахстан", "foreign_office", None),
           ("akimat_alm", "Акимат Алматинской области", "local_exec", None),
           ("akimat_trk", "Акимат Туркестанской области", "local_exec", None),
           ("palata", "НПП «Атамекен»", "chamber", None),
           ("invest_committee", "Комитет по инвестициям МИД РК", "authorized_body", None),
           ("steppe", "ТОО «Steppe Glass»", "company", "210340012344"),
           ("other_co", "ТОО «Другая компания»", "company", "210340099994")]
KZ_USERS = [("initiator", ["initiator"], "mfa_office"), ("akimat", ["local_exec"], "akimat_alm"),
            ("akimat2", ["local_exec"], "akimat_trk"), ("chamber", ["chamber"], "palata"),
            ("committee", ["authorized_body"], "invest_committee"), ("investor", ["investor"], "steppe"),
            ("stranger", ["investor"], "other_co"), ("admin", ["admin"], "kazinvest"),
            ("analyst", ["analyst"], "kazinvest"), ("auditor", ["auditor"], "kazinvest")]


@pytest.fixture
def kz_app(database_url, clock):
    yield from pack_world(database_url, clock, "kazakhstan", KZ_ORGS, KZ_USERS, "example.kz")


@pytest.fixture
def kz(kz_app):
    return People(kz_app.test_client())


def initiative(**extra) -> dict:
    body = {"name": "Стекольный завод", "region": "Алматинская область", "local_exec_org": "akimat_alm",
            "company": {"name": "Steppe Glass", "country": "Германия", "sector": "обрабатывающая промышленность",
                        "size": "крупная", "contact": "Hans Weber, +49 30 1234567"},
            "kyc": {"passed": True, "notes": "проверка пройдена"},
            "meetings": [{"date": "2025-08-01", "participants": "посол, инвестор", "subject": "завод флоат-стекла",
                          "agreements": "визит в сентябре"}],
            "visit": {"held_on": "2025-08-15", "purpose": "площадка", "responsible": "акимат", "outcome": "участок"}}
    body.update(extra)
    return body


PASSPORT = {"company_name": "ТОО «Steppe Glass»", "bin": "210340012344", "sector": "обрабатывающая промышленность",
            "product": "флоат-стекло", "region": "Алматинская область", "cost_kzt": 200_000_000_000,
            "financing": "собственные средства 30 %, заём ЕБРР 70 %", "contacts": "Hans Weber, +49 30 1234567",
            "summary": "Завод флоат-стекла мощностью 600 т/сутки", "registered_on": "2025-07-01",
            "company_org": "steppe", "jobs": 450, "investment_usd": 400_000_000, "global2000": "no",
            "tech_level": "medium"}


def task_of(api: Api, project_id: int) -> dict:
    items = [t for t in api.tasks() if t["project_id"] == project_id]
    assert len(items) == 1, f"{api.login} has {items}"
    return items[0]


def do(api: Api, project_id: int, action: str, expect: int = 200, **fields) -> dict:
    task = task_of(api, project_id)
    response = api.post(f"/api/v1/tasks/{task['id']}/complete", json={"action": action, **fields})
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def almaty(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour - 5, 0, tzinfo=UTC)  # Asia/Almaty is UTC+5


ROADMAP = [("pre_investment", "ТЭО и земельный участок", "2025-05-15"),
           ("investment", "Строительно-монтажные работы", "2025-09-01"),
           ("post_investment", "Выход на проектную мощность", "2026-01-15")]


def start_project(kz, clock, **extra) -> int:
    response = kz["initiator"].post("/api/v1/kz/initiatives", json=initiative(**extra))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def add_roadmap(kz, pid: int) -> list[int]:
    ids = []
    for stage, title, due in ROADMAP:
        response = kz["akimat"].post(f"/api/v1/kz/projects/{pid}/roadmap", json={
            "stage": stage, "title": title, "due_date": due, "responsible": "Акимат, инвестор",
            "expected_result": "результат", "support_measures": "субсидии", "risks": "сроки"})
        assert response.status_code == 201, response.get_json()
        ids.append(response.get_json()["id"])
    return ids


def to_implementation(kz, clock, passport=None) -> tuple[int, list[int]]:
    pid = start_project(kz, clock)
    do(kz["akimat"], pid, "create_passport", **(passport or PASSPORT))
    ids = add_roadmap(kz, pid)
    do(kz["akimat"], pid, "submit")
    do(kz["chamber"], pid, "approve")
    do(kz["investor"], pid, "approve")
    assert do(kz["committee"], pid, "verify")["status_to"] == "with_roadmap"
    return pid, ids
