"""Kazakhstan pages: the projects list with roadmap colours (item 61), a project's passport and
roadmap, the region rating (item 62); who sees them."""
from __future__ import annotations

import re
from datetime import date

from tests import kz_support
from tests.kz_support import almaty, to_implementation
from tests.support import PASSWORD

kz_app, kz = kz_support.kz_app, kz_support.kz  # the Kazakhstan world's fixtures
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _browser(app, login: str):
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token}).status_code == 302
    return client


def test_projects_project_and_rating_pages(kz, kz_app, clock):
    clock.now = almaty(date(2025, 4, 1))
    pid, _ = to_implementation(kz, clock)  # roadmap due 15.05.2025, 01.09.2025, 15.01.2026
    clock.now = almaty(date(2025, 5, 20))  # the first task is 5 days overdue
    page = _browser(kz_app, "committee").get("/kz/projects").get_data(as_text=True)
    assert f'<tr class="due-red" data-project="{pid}">' in page and "Стекольный завод" in page
    html = _browser(kz_app, "investor").get(f"/kz/projects/{pid}").get_data(as_text=True)
    assert re.findall(r'<tr class="([a-z-]+)" data-roadmap-task', html) == ["due-red", "due-green", "due-green"]
    assert "210340012344" in html and "15.05.2025" in html and "флоат-стекло" in html
    assert _browser(kz_app, "stranger").get(f"/kz/projects/{pid}").status_code == 404

    rating = _browser(kz_app, "analyst").get("/kz/region-rating?at=2025-05-20").get_data(as_text=True)
    assert 'data-region="Алматинская область"' in rating and "<td data-label=\"Баллы\">0.5</td>" in rating
    assert "format=xlsx" in rating and "20.05.2025" in rating
    assert _browser(kz_app, "investor").get("/kz/region-rating").status_code == 403
    english = _browser(kz_app, "analyst")
    english.get("/lang/en")
    assert "Region rating" in english.get("/kz/region-rating").get_data(as_text=True)


def test_the_models_page_lists_the_decision_table(kz_app):
    page = _browser(kz_app, "analyst").get("/analyst/models").get_data(as_text=True)
    assert "Таблица решений green_corridor" in page and "Процесс kz_project" in page
    assert 'accept=".bpmn,.dmn,.xml"' in page and "/analyst/models/green_corridor/migrate" not in page
