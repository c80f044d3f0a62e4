"""The Leningrad onboarding path in the pages (issue 4; seed 000 section 2): the investor files the
registration from the cabinet, the deputy director and the manager complete their tasks on the task
page, the investor files the support application there; project tasks in the staff inbox."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from services.models import Project, ProjectTask, Registration
from tests.e2e.test_pages_staff import Person
from tests.onboarding_support import APPLICATION, REGISTRATION, build_onboarding_world

TASK_LINK = re.compile(r'href="/tasks/(\d+)"')


@pytest.fixture
def pages(app, ctx):
    build_onboarding_world(ctx)
    return lambda login: Person(app, login)


def count(ctx, model) -> int:
    with ctx.db.unit_of_work() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def only_task(person: Person, path: str) -> int:
    ids = set(TASK_LINK.findall(person.html(path)))
    assert len(ids) == 1, f"{person.login} sees tasks {ids} on {path}"
    return int(ids.pop())


def test_the_whole_path_runs_in_the_pages(pages, ctx):
    investor, deputy, pm = pages("investor"), pages("deputy"), pages("pm")
    form = investor.html("/cabinet/registration")
    assert "Регистрация компании / заявка на сопровождение" in form and 'value="9704098567"' in form

    response = investor.post("/cabinet/registration", {**REGISTRATION, "ogrn": "1027700132196"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Заявка не принята: проверьте поля" in html
    assert 'id="ogrn-error"' in html and count(ctx, Registration) == 0  # nothing written
    assert 'value="ООО «ТриА Девелопмент»"' in html  # the entered values stay

    response = investor.post("/cabinet/registration", REGISTRATION, follow_redirects=True)
    cabinet = response.get_data(as_text=True)
    assert response.request.path == "/cabinet" and "Заявка на регистрацию подана" in cabinet
    assert "Заявка на подтверждении юридических данных" in cabinet and "19.08.2025" in cabinet
    again = investor.post("/cabinet/registration", REGISTRATION)
    assert again.status_code == 409 and "уже есть заявка" in again.get_data(as_text=True)

    task = only_task(deputy, "/inbox")
    assert REGISTRATION["address"] in deputy.html(f"/tasks/{task}")
    assert deputy.post(f"/tasks/{task}", {"action": "confirm", "manager": "moderator"}).status_code == 422
    assert deputy.post(f"/tasks/{task}", {"action": "confirm", "manager": "pm"}).status_code == 302

    cabinet = investor.html("/cabinet")
    assert "Ожидается заявление на сопровождение" in cabinet and 'href="/cabinet#tasks"' in cabinet
    task = only_task(investor, "/cabinet")
    fields = {**APPLICATION, "jobs": str(APPLICATION["jobs"]), "action": "submit"}
    response = investor.post(f"/tasks/{task}", fields)
    assert response.status_code == 302 and response.headers["Location"].endswith("/cabinet")
    assert "Заявление на проверке у менеджера" in investor.html("/cabinet")

    task = only_task(pm, "/inbox?tab=mine")
    assert "55.10" in pm.html(f"/tasks/{task}")
    assert pm.post(f"/tasks/{task}", {"action": "confirm", "source": "Инвестиционный портал"}).status_code == 302
    cabinet = investor.html("/cabinet")
    project_id = int(re.search(r'href="/projects/(\d+)"', cabinet).group(1))
    assert "Проект принят на сопровождение" in cabinet
    assert APPLICATION["name"] in investor.html(f"/projects/{project_id}")
    assert count(ctx, Project) == 1


def test_project_tasks_show_in_the_staff_inbox_coloured_by_due_date(pages, ctx, clock):
    from tests.onboarding_support import onboard
    from tests.support import Api

    client = pages("investor").client
    people = {login: Api(client, login) for login in ("investor", "deputy", "pm")}
    project_id = onboard(people)["project_id"]
    pm = pages("pm")
    today = clock().astimezone(ctx.tz).date()
    for title, days in (("Согласовать ТУ", 3), ("Подготовить презентацию", 20)):
        due = (today + timedelta(days=days)).isoformat()
        response = pm.post(f"/projects/{project_id}/tasks", {"title": title, "assignee": "pm", "due_date": due})
        assert response.status_code == 302
    inbox = pm.html("/inbox")
    assert "Задачи по проектам" in inbox
    rows = re.findall(r'<tr class="(due-[a-z]+)" data-project-task="(\d+)">', inbox)
    assert [c for c, _ in rows] == ["due-yellow", "due-green"]
    assert f'href="/projects/{project_id}#tasks"' in inbox and "Подготовить презентацию" in inbox

    clock.advance(days=5)
    rows = re.findall(r'<tr class="(due-[a-z]+)" data-project-task', pm.html("/inbox"))
    assert rows[0] == "due-red" and "просрочено" in pm.html("/inbox")
    assert "Задачи по проектам" not in pages("pm2").html("/inbox")
    assert count(ctx, ProjectTask) == 2
