"""Helpers for the onboarding and project tests: the agency's deputy director and managers, a
registration driven through the API."""
from __future__ import annotations

from services.people import directory
from tests.support import PASSWORD, Api, build_world

OGRN_TRIA = "1027700132195"
REGISTRATION = {"company_name": "ООО «ТриА Девелопмент»", "inn": "9704098567", "ogrn": OGRN_TRIA,
                "address": "188480, Ленинградская обл., г. Кингисепп, ул. Большая Советская, 1",
                "contact_name": "Журбина Анна Анатольевна", "contact_phone": "+7 921 123-45-67"}
APPLICATION = {"name": "Дорожный отель «ЗА» в Усть-Луге", "okved": "55.10, 68.20",
               "investment_volume": "150,5", "jobs": 40, "site": "Усть-Луга, квартал Судоверфь",
               "region": "Кингисеппский район",
               "description": "Строительство дорожного отеля на несформированном участке 8222 кв.м"}


def build_onboarding_world(ctx) -> None:
    build_world(ctx)
    for login, roles, org in (("deputy", ["deputy_director"], "aerlo"), ("pm", ["manager"], "aerlo"),
                              ("pm2", ["manager"], "aerlo"), ("commissioner", ["manager"], "tosno")):
        directory.add_user(ctx, login, PASSWORD, roles, org, name=login.title(), email=f"{login}@example.org")


def task_of(api: Api, registration_id: int | None = None, project_id: int | None = None) -> dict:
    items = [t for t in api.tasks() if t["name"] in ("confirm_registration", "file_application", "check_application")]
    assert len(items) == 1, f"{api.login} has {items}"
    return items[0]


def act(api: Api, action: str, expect: int = 200, **fields) -> dict:
    task = task_of(api)
    response = api.post(f"/api/v1/tasks/{task['id']}/complete", json={"action": action, **fields})
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def onboard(people: dict[str, Api], **application) -> dict:
    """Register, confirm with manager `pm`, file the application and confirm it: the registration."""
    response = people["investor"].post("/api/v1/registrations", json=REGISTRATION)
    assert response.status_code == 201, response.get_json()
    act(people["deputy"], "confirm", manager="pm")
    act(people["investor"], "submit", **{**APPLICATION, **application})
    return act(people["pm"], "confirm", source="Инвестиционный портал Ленинградской области")["registration"]
