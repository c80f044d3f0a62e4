"""Projects after onboarding: passport changes with history, visibility, meetings and their protocol,
to-dos, the update cadence of seed 000 item 4.3, appeals tied to a project."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from services.models import Project, ProjectTask
from services.projects.work import refresh_project_cadence, stale_projects
from tests.onboarding_support import build_onboarding_world, onboard
from tests.support import FACT_PROBLEM, Api

LOGINS = ("investor", "investor2", "deputy", "pm", "pm2", "head", "moderator", "commissioner", "auditor",
          "kdh_manager", "analyst")


@pytest.fixture
def people(app, ctx):
    build_onboarding_world(ctx)
    client = app.test_client()
    return {login: Api(client, login) for login in LOGINS}


@pytest.fixture
def project(people) -> int:
    return onboard(people)["project_id"]


def _patch(api: Api, project_id: int, **body):
    return api.client.patch(f"/api/v1/projects/{project_id}", headers=api.headers, json=body)


def test_visibility_by_role(people, project):
    path = f"/api/v1/projects/{project}"
    for login in ("investor", "pm", "pm2", "head", "deputy", "moderator", "auditor", "analyst"):
        assert people[login].get(path).status_code == 200, login
        assert [p["id"] for p in people[login].get("/api/v1/projects").get_json()["items"]] == [project]
    for login in ("investor2", "commissioner", "kdh_manager"):
        assert people[login].get(path).status_code == 404, login
        assert people[login].get(f"{path}/history").status_code == 404
        assert people[login].get("/api/v1/projects").get_json()["items"] == []
    assert _patch(people["pm"], project, commissioner="commissioner").status_code == 200
    assert people["commissioner"].get(path).status_code == 200  # the district's commissioner sees own
    assert _patch(people["investor"], project, name="Другое").status_code == 403
    assert _patch(people["pm2"], project, name="Другое").status_code == 403  # not its manager
    assert _patch(people["auditor"], project, name="Другое").status_code == 403
    assert _patch(people["investor2"], project, name="Другое").status_code == 404
    assert people["investor"].get("/api/v1/projects/999").status_code == 404


def test_the_manager_changes_passport_and_stage_and_history_keeps_old_and_new(people, project, clock):
    pm = people["pm"]
    clock.advance(days=2)
    bad = _patch(pm, project, stage="flying", jobs=-1, okved="x", color="red")
    assert bad.status_code == 422 and {"stage", "jobs", "okved", "color"} <= set(bad.get_json()["errors"])
    response = _patch(pm, project, stage="pause", jobs=55, investment_volume="200", commissioner="commissioner")
    assert response.status_code == 200, response.get_json()
    view = response.get_json()
    assert view["stage"] == "pause" and view["status"] == "passive" and view["jobs"] == 55
    assert view["commissioner"]["login"] == "commissioner"
    assert view["staleness"]["cadence"] == "раз в квартал"
    assert _patch(people["head"], project, manager="pm2").status_code == 200  # the agency's head reassigns
    assert _patch(pm, project, manager="pm").status_code == 403
    history = people["head"].get(f"/api/v1/projects/{project}/history").get_json()["items"]
    update = next(e for e in history if e["action"] == "project_updated")
    assert update["actor"] == "pm" and update["role"] == "manager"
    assert update["data"]["changes"]["stage"] == ["site_selection", "pause"]
    assert update["data"]["changes"]["jobs"] == [40, 55]
    assert update["status_from"] == "active" and update["status_to"] == "passive"


CADENCE = [("site_selection", 7, 8), ("mvk", 14, 15), ("land_rights", 7, 8), ("industrial_park", 30, 32),
           ("implementation", 91, 93), ("realized", 365, 366), ("consultation_done", 91, 93), ("pause", 91, 93),
           ("site_search", 183, 185), ("archive", 365, 366), ("cancelled", 365, 366)]


def test_cadence_staleness_per_stage(ctx, people, project, clock):
    for stage, fresh_days, stale_days in CADENCE:  # each change counts as an update: the clock restarts
        clock.advance(days=1)
        assert _patch(people["pm"], project, stage=stage).status_code == 200
        start = clock.now
        with ctx.db.unit_of_work() as uow:
            assert stale_projects(uow.session, start + timedelta(days=fresh_days) - timedelta(minutes=1)) == [], stage
            assert [p.id for p in stale_projects(uow.session, start + timedelta(days=stale_days))] == [project], stage


def test_a_stale_project_gets_one_update_task_closed_by_the_manager(ctx, people, project, clock):
    pm = people["pm"]
    clock.advance(days=8)  # site selection: weekly
    assert people["pm"].get(f"/api/v1/projects/{project}").get_json()["staleness"]["stale"] is True
    assert refresh_project_cadence(ctx) == 1
    assert refresh_project_cadence(ctx) == 0  # idempotent
    clock.advance(days=1)
    assert refresh_project_cadence(ctx) == 0
    mine = pm.get("/api/v1/project-tasks").get_json()["items"]
    assert [(t["kind"], t["title"], t["project_id"]) for t in mine] == [
        ("actualize", "Актуализировать информацию по проекту", project)]
    assert mine[0]["overdue"] is True
    assert _patch(pm, project, site="Усть-Луга, участок 47:20:0112015:226").status_code == 200
    assert pm.get("/api/v1/project-tasks").get_json()["items"] == []
    assert pm.get(f"/api/v1/projects/{project}").get_json()["staleness"]["stale"] is False
    clock.advance(days=8)
    assert refresh_project_cadence(ctx) == 1  # stale again: a new task
    with ctx.db.unit_of_work() as uow:
        tasks = list(uow.session.scalars(select(ProjectTask).where(ProjectTask.kind == "actualize")))
        assert len(tasks) == 2 and sum(t.done_at is None for t in tasks) == 1
        assert uow.session.get(Project, project).manager_login == "pm"
    actions = [e["action"] for e in pm.get(f"/api/v1/projects/{project}/history").get_json()["items"]]
    assert actions.count("actualize_requested") == 2 and "info_actualized" in actions


def test_meeting_protocol_is_due_the_next_working_day(people, project, clock):
    pm, inv = people["pm"], people["investor"]
    path = f"/api/v1/projects/{project}/meetings"
    bad = pm.post(path, json={"kind": "party", "agenda": "", "planned_at": "завтра"})
    assert bad.status_code == 422 and {"kind", "title", "agenda", "planned_at"} <= set(bad.get_json()["errors"])
    assert inv.post(path, json={"title": "t", "agenda": "a", "planned_at": "2025-08-22T11:00"}).status_code == 403
    # Friday 22.08.2025: the protocol is due on Monday 25.08
    meeting = pm.post(path, json={"kind": "consultation", "title": "Первичная консультация",
                                  "agenda": "Подбор участка, сети", "planned_at": "2025-08-22T11:00"}).get_json()
    assert meeting["protocol_due"] == "2025-08-25" and meeting["protocol"] is None
    task = pm.get("/api/v1/project-tasks").get_json()["items"][0]
    assert task["kind"] == "protocol" and task["due_date"] == "2025-08-25" and task["overdue"] is False
    early = pm.post(f"{path}/{meeting['id']}/protocol", json={"text": "Решили"})
    assert early.status_code == 422  # the meeting has not happened yet
    clock.advance(days=8)  # Tuesday 26.08: late
    assert pm.get(path).get_json()["items"][0]["protocol_overdue"] is True
    assert pm.get("/api/v1/project-tasks").get_json()["items"][0]["overdue"] is True
    done = pm.post(f"{path}/{meeting['id']}/protocol", json={"kind": "resume", "text": "Обсудили участки"})
    assert done.status_code == 200 and done.get_json()["protocol"]["kind"] == "resume"
    assert pm.post(f"{path}/{meeting['id']}/protocol", json={"text": "ещё"}).status_code == 409
    assert pm.get("/api/v1/project-tasks").get_json()["items"] == []
    assert inv.get(path).get_json()["items"][0]["protocol"]["text"] == "Обсудили участки"
    event = [e for e in pm.get(f"/api/v1/projects/{project}/history").get_json()["items"]
             if e["action"] == "protocol_entered"][0]
    assert event["data"]["late"] is True and event["actor"] == "pm"


def test_tasks_between_investor_and_manager(people, project, clock):
    pm, inv = people["pm"], people["investor"]
    path = f"/api/v1/projects/{project}/tasks"
    created = inv.post(path, json={"title": "Прислать схему участка", "assignee": "pm", "due_date": "2025-08-25"})
    assert created.status_code == 201, created.get_json()
    task = created.get_json()
    assert inv.post(path, json={"title": "x", "assignee": "investor2", "due_date": "2025-08-25"}).status_code == 422
    assert inv.post(path, json={"title": "x", "assignee": "pm", "due_date": "25.08"}).status_code == 422
    assert people["investor2"].post(path, json={"title": "x", "assignee": "pm",
                                                "due_date": "2025-08-25"}).status_code == 404
    assert pm.post(path, json={"title": "Подписать соглашение", "assignee": "investor",
                               "due_date": "2025-08-20"}).status_code == 201
    clock.advance(days=3)
    items = inv.get(path).get_json()["items"]
    assert [(t["title"], t["overdue"]) for t in items] == [("Подписать соглашение", True),
                                                          ("Прислать схему участка", False)]
    assert people["pm2"].post(f"{path}/{task['id']}/done").status_code == 403
    assert pm.post(f"{path}/{task['id']}/done").get_json()["done"] is True
    assert pm.post(f"{path}/{task['id']}/done").status_code == 409


def test_an_appeal_tied_to_the_project_is_coordinated_by_its_manager_and_in_its_history(people, project):
    inv, mod = people["investor"], people["moderator"]
    appeal = inv.file(fact=FACT_PROBLEM, project_id=project)
    assert appeal["project_id"] == project and appeal["roles"]["coordinator"]["login"] == "pm"
    accepted = mod.do(appeal["id"], "accept", executor_org="kdh")
    assert accepted["appeal"]["roles"]["coordinator"]["login"] == "pm"  # not the moderator
    people["kdh_manager"].do(appeal["id"], "take")
    assert people["investor2"].post("/api/v1/appeals", json={
        "fact": FACT_PROBLEM, "subject": "s", "description": "d", "project_id": project,
        "company": {"name": "ООО «Ятэк Рус»", "inn": "4716012340"}}).status_code == 422  # not their project
    history = people["pm"].get(f"/api/v1/projects/{project}/history").get_json()["items"]
    steps = [(e["subject"], e["action"], e["actor"]) for e in history]
    assert ("registration", "submit", "investor") in steps and ("registration", "confirm", "deputy") in steps
    assert ("project", "project_created", "pm") in steps
    assert ("appeal", "submit", "investor") in steps and ("appeal", "accept", "moderator") in steps
    assert ("appeal", "take", "kdh_manager") in steps
    take = next(e for e in history if e["action"] == "take")
    assert take["appeal_number"] == appeal["number"] and take["actor_name"] == "Kdh_Manager"
    assert [e["at"] for e in history] == sorted(e["at"] for e in history)
