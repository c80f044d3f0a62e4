"""Participants' deadlines (seed 001 «до 7 дней», seed 002 «3–7 рабочих дней») through the API, Leningrad
pack: a part opens when the agency routes or redirects an appeal to an ОИВ or ОМСУ, the participant's inbox,
the appeal and the coordinator board show its deadline, a missed one is escalated to the coordinator once,
and an extension beyond the pack's limit is refused."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from services.work.timers import sweep
from tests.support import PASSWORD, Api, build_world


@pytest.fixture
def people(app, ctx):
    build_world(ctx)
    client = app.test_client()
    return {login: Api(client, login) for login in ("investor", "moderator", "kdh_manager", "tosno_manager")}


def _page(app, login: str, path: str) -> str:
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token})
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _parts(api: Api, appeal_id: int) -> list[tuple]:
    view = api.get(f"/api/v1/appeals/{appeal_id}").get_json()
    return [(p["org"], p["due"], p["closed_how"], p["overdue"]) for p in view["parts"]]


def test_a_participant_misses_its_part_and_the_coordinator_is_told(app, people, ctx, clock):
    inv, mod, kdh, tosno = (people[x] for x in ("investor", "moderator", "kdh_manager", "tosno_manager"))
    appeal = inv.file()  # Monday 18.08.2025 10:54, a problem: the appeal is due 07.09.2025 (20 calendar days)
    aid = appeal["id"]
    mod.do(aid, "accept", executor_org="kdh")
    task = kdh.task_for(aid)  # 7 working days from Monday 18.08: Wednesday 27.08
    assert task["part"]["due"] == "2025-08-27" and task["part_due_at"] == "2025-08-27T20:59:59+00:00"
    assert task["due_at"] == "2025-09-07T20:59:59+00:00"  # the appeal's own deadline stays the task's
    assert _parts(mod, aid) == [("kdh", "2025-08-27", None, False)]
    assert "parts" not in inv.get(f"/api/v1/appeals/{aid}").get_json()  # staff only

    clock.advance(days=1)  # Tuesday 19.08: redirected, the committee's part closes, the district's opens
    kdh.do(aid, "take")
    kdh.do(aid, "redirect", org="tosno", reason="Компетенция района")
    assert _parts(mod, aid) == [("kdh", "2025-08-27", "redirected", False), ("tosno", "2025-08-28", None, False)]
    assert tosno.task_for(aid)["part"]["due"] == "2025-08-28"

    clock.now = datetime(2025, 8, 28, 20, 59, 59, tzinfo=UTC)  # the last second of the part: nothing yet
    sweep(ctx, now=clock.now)
    assert _parts(mod, aid)[-1][3] is False
    clock.now = datetime(2025, 8, 28, 21, 0, 30, tzinfo=UTC)
    assert sweep(ctx, now=clock.now).by_kind.get("part_due") == 1
    view = mod.get(f"/api/v1/appeals/{aid}").get_json()
    assert view["overdue"] is False  # late for the district's part only, the appeal is due 07.09
    assert view["parts"][-1]["overdue"] is True and view["parts"][-1]["overdue_at"] is not None
    events = [e for e in mod.get(f"/api/v1/appeals/{aid}/history").get_json()["items"] if e["action"] == "part_overdue"]
    assert [(e["actor"], e["data"]["org"], e["data"]["due"], e["data"]["notified"]) for e in events] == [
        ("system", "tosno", "2025-08-28", ["moderator"])]
    notes = mod.get("/api/v1/notifications").get_json()["items"]
    assert [n["event"] for n in notes if n["appeal_id"] == aid].count("escalation") == 1
    assert "28.08.2025" in next(n["text"] for n in notes if n["event"] == "escalation")
    sweep(ctx, now=clock.now)  # once only
    assert len([e for e in mod.get(f"/api/v1/appeals/{aid}/history").get_json()["items"]
                if e["action"] == "part_overdue"]) == 1

    html = _page(app, "moderator", "/board")  # the coordinator board shows the late part with its date
    assert "Части участников" in html and "Администрация Тосненского района: <span" in html
    assert "28.08.2025 · просрочено" in html
    assert "28.08.2025 · просрочено" in _page(app, "moderator", f"/appeals/{aid}")  # and so does the appeal page

    tosno.do(aid, "take")
    tosno.do(aid, "answer", text="Технические условия выданы", outcome="resolved")
    assert _parts(mod, aid)[-1][2] == "answered"
