"""Moving running appeals to a new diagram version (issue 7): safe ones move, the others are
reported with the reason; a dry run changes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.models import HistoryEvent, ProcessDefinition, ProcessInstance
from tests.e2e.test_analyst_deploy import RETITLED, deploy
from tests.support import Api, build_world


@pytest.fixture
def client(app, ctx):
    build_world(ctx)
    return app.test_client()


@pytest.fixture
def people(client):
    return {login: Api(client, login) for login in ("investor", "moderator", "kdh_manager", "head", "analyst",
                                                   "auditor")}


def _definitions(ctx) -> dict[int, int]:
    """appeal id -> version of its instance"""
    with ctx.db.unit_of_work() as uow:
        version = dict(uow.session.execute(select(ProcessDefinition.id, ProcessDefinition.version)).all())
        return {row.subject_id: version[row.definition_id] for row in uow.session.scalars(select(ProcessInstance))}


def _three_appeals(people) -> tuple[int, int, int]:
    inv, mod, kdh = people["investor"], people["moderator"], people["kdh_manager"]
    waiting = inv.file()["id"]  # at moderation: `take` not reached yet
    at_take = inv.file()["id"]
    mod.do(at_take, "accept", executor_org="kdh")  # `take` is ready
    past_take = inv.file()["id"]
    mod.do(past_take, "accept", executor_org="kdh")
    kdh.do(past_take, "take")  # `take` completed
    return waiting, at_take, past_take


def test_migration_moves_the_safe_instances_and_reports_the_others(people, ctx):
    waiting, at_take, past_take = _three_appeals(people)
    assert deploy(people["analyst"], RETITLED).status_code == 201  # v2 retitles `take`
    analyst = people["analyst"]
    moderation_task = people["moderator"].task_for(waiting)

    dry = analyst.post("/api/v1/process-models/appeal/migrate", json={"to_version": 2, "dry_run": True})
    assert dry.status_code == 200, dry.get_json()
    assert [i["subject_id"] for i in dry.get_json()["moved"]] == [waiting]
    assert _definitions(ctx) == {waiting: 1, at_take: 1, past_take: 1}, "a dry run changes nothing"

    report = analyst.post("/api/v1/process-models/appeal/migrate", json={"to_version": 2}).get_json()
    assert report["summary"] == {"candidates": 3, "moved": 1, "refused": 2}
    moved = report["moved"][0]
    assert (moved["subject_id"], moved["from_version"], moved["to_version"]) == (waiting, 1, 2)
    assert moved["open_tasks"] == ["moderate"]
    refused = {i["subject_id"]: " ".join(i["reasons"]) for i in report["refused"]}
    assert "step 'take' (READY) changed" in refused[at_take]
    assert "step 'take' (COMPLETED) changed" in refused[past_take]
    assert _definitions(ctx) == {waiting: 2, at_take: 1, past_take: 1}
    with ctx.db.unit_of_work() as uow:
        event = uow.session.scalars(select(HistoryEvent).where(HistoryEvent.action == "migrate")).one()
        assert (event.subject_id, event.actor, event.data["version_from"], event.data["version_to"]) == \
            (waiting, "analyst", 1, 2)

    # the moved appeal keeps its open task and goes on along version 2
    assert people["moderator"].task_for(waiting)["id"] == moderation_task["id"]
    people["moderator"].do(waiting, "accept", executor_org="kdh")
    assert people["kdh_manager"].task_for(waiting)["title"] == "Принять обращение к исполнению"
    people["kdh_manager"].do(waiting, "take")
    people["kdh_manager"].do(waiting, "answer", text="Готово", outcome="resolved")
    people["head"].do(waiting, "approve")
    assert people["investor"].do(waiting, "accept", rating=4)["status_to"] == "resolved"
    # the refused ones still finish on version 1
    assert people["kdh_manager"].task_for(at_take)["title"] == "Взять обращение в работу"
    people["kdh_manager"].do(past_take, "answer", text="Готово", outcome="resolved")
    people["head"].do(past_take, "approve")

    again = analyst.post("/api/v1/process-models/appeal/migrate", json={"to_version": 2}).get_json()
    assert again["summary"]["candidates"] == 2  # the moved and the finished ones are not candidates


def test_migration_input_and_permissions(people):
    analyst = people["analyst"]
    assert analyst.post("/api/v1/process-models/appeal/migrate", json={"to_version": 7}).status_code == 404
    assert analyst.post("/api/v1/process-models/appeal/migrate", json={"to_version": "2"}).status_code == 422
    assert analyst.post("/api/v1/process-models/appeal/migrate", json={}).status_code == 422
    for login in ("moderator", "auditor", "investor"):
        response = people[login].post("/api/v1/process-models/appeal/migrate", json={"to_version": 1})
        assert response.status_code == 403, login


def test_diff_of_two_versions_through_the_api(people):
    analyst = people["analyst"]
    deploy(analyst, RETITLED)
    result = analyst.get("/api/v1/process-models/appeal/versions/1/diff/2").get_json()
    assert result["version_a"]["version"] == 1 and result["version_b"]["version"] == 2
    [take] = result["changed"]
    assert take["id"] == "take" and take["changes"] == [
        {"aspect": "property:title", "old": "Взять обращение в работу", "new": "Принять обращение к исполнению"}]
    assert people["auditor"].get("/api/v1/process-models/appeal/versions/1/diff/2").status_code == 200
    assert people["moderator"].get("/api/v1/process-models/appeal/versions/1/diff/2").status_code == 403
    assert analyst.get("/api/v1/process-models/appeal/versions/1/diff/9").status_code == 404
