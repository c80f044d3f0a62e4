"""What-if simulation (issue 7): past decisions replayed against a candidate classifier or diagram,
in memory; the report names the changed deadlines, overdue counts, routes and load."""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from classifiers.packs import get_pack
from engine.models import HistoryEvent, ProcessInstance
from services.models import Appeal
from tests.support import FACT_CONSULTATION, Api, build_world
from tests.unit.test_lint import modified

CLASSIFIER = json.loads(get_pack("leningrad").classifier_file.read_text(encoding="utf-8"))


def problem_in(days: int) -> bytes:
    data = json.loads(json.dumps(CLASSIFIER))
    for kind in data["appeal_types"]:
        if kind["code"] == "problem":
            kind["days"] = days
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


NO_CLARIFY = modified(('<spiffworkflow:property name="action:clarify" value="status=clarification" />', ''))


@pytest.fixture
def world(app, ctx, clock):
    """Filed 18.08.2025: a problem answered on day 14, a problem answered on day 2 after a
    clarification, a consultation answered on day 1."""
    build_world(ctx)
    client = app.test_client()
    inv, mod, kdh, head = (Api(client, login) for login in ("investor", "moderator", "kdh_manager", "head"))
    late, clarified, consultation = inv.file()["id"], inv.file()["id"], inv.file(fact=FACT_CONSULTATION)["id"]
    mod.do(clarified, "clarify", question="Какой участок?")
    inv.do(clarified, "reply", text="47:20:0112015:226")
    for appeal_id in (late, clarified, consultation):
        mod.do(appeal_id, "accept", executor_org="kdh")
        kdh.do(appeal_id, "take")
    clock.advance(days=1)
    for appeal_id in (consultation, clarified):
        kdh.do(appeal_id, "answer", text="Ответ", outcome="resolved")
        head.do(appeal_id, "approve")
        clock.advance(days=1)
    clock.advance(days=11)  # day 14: after the 10-day deadline, before the 20-day one (and the rating timers)
    kdh.do(late, "answer", text="Ответ", outcome="resolved")
    head.do(late, "approve")
    return {"client": client, "ids": (late, clarified, consultation), "analyst": Api(client, "analyst")}


def simulate(api: Api, **files):
    data = {"since": "2025-08-01", "until": "2025-08-31"}
    for name, content in files.items():
        data[name] = (io.BytesIO(content), f"{name}.bin")
    return api.client.post("/api/v1/simulations", headers=api.headers, data=data, content_type="multipart/form-data")


def _snapshot(ctx):
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        return (s.scalar(select(func.count()).select_from(HistoryEvent)),
                s.scalar(select(func.count()).select_from(ProcessInstance)),
                sorted((a.id, a.deadline, a.status) for a in s.scalars(select(Appeal))))


def test_a_shorter_problem_deadline_reports_changed_deadlines_and_overdue_counts(world, ctx):
    late, clarified, consultation = world["ids"]
    before = _snapshot(ctx)
    response = simulate(world["analyst"], classifier=problem_in(10))
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    assert _snapshot(ctx) == before, "the simulation writes nothing"
    assert report["summary"] == {"appeals": 3, "deadline_changed": 2, "route_changed": 0, "stopped": 0,
                                 "overdue_old": 0, "overdue_new": 1, "status_changed": 0, "problems": 0}
    by_id = {a["id"]: a for a in report["appeals"]}
    assert (by_id[late]["deadline_old"], by_id[late]["deadline_new"]) == ("2025-09-07", "2025-08-28")
    assert by_id[late]["deadline_shift_days"] == -10
    assert (by_id[late]["overdue_old"], by_id[late]["overdue_new"]) == (False, True)
    assert by_id[late]["escalations_new"] == 1, "the candidate's deadline timer fires before the answer"
    assert by_id[clarified]["deadline_changed"] and not by_id[clarified]["overdue_new"]
    assert by_id[clarified]["route_new"] == ["moderate", "reply_clarification", "moderate", "take", "work",
                                             "approve_answer", "rate"]
    assert not by_id[consultation]["deadline_changed"]
    load = {row["org"]: row for row in report["load"]}
    assert load["kdh"]["appeals_old"] == load["kdh"]["appeals_new"] == 3
    assert report["classifier"]["uploaded"] and not report["diagram"]["uploaded"]


def test_a_candidate_diagram_stops_where_a_recorded_action_is_impossible(world, ctx):
    late, clarified, _consultation = world["ids"]
    report = simulate(world["analyst"], diagram=NO_CLARIFY).get_json()
    by_id = {a["id"]: a for a in report["appeals"]}
    stopped = by_id[clarified]["stopped"]
    assert stopped["index"] == 1 and stopped["step"] == "moderation" and stopped["action"] == "clarify"
    assert "moderate" in stopped["reason"]
    assert by_id[clarified]["route_changed"] and by_id[clarified]["route_new"] == ["moderate"]
    assert by_id[late]["stopped"] is None and not by_id[late]["route_changed"]
    assert report["summary"]["stopped"] == 1 and report["diagram"]["uploaded"]


def test_bad_candidates_and_periods_are_refused_with_the_field(world):
    analyst = world["analyst"]
    bad = simulate(analyst, diagram=modified(('name="action:reject" value="status=rejected"', 'name="action:reject" value="status=binned"')))
    assert bad.status_code == 422 and any(p.startswith("moderate (строка ") for p in bad.get_json()["errors"]["file"])
    bad = simulate(analyst, classifier=b"{not json")
    assert bad.status_code == 422 and "classifier" in bad.get_json()["errors"]
    response = analyst.client.post("/api/v1/simulations", headers=analyst.headers, data={"since": "18.08.2025"})
    assert response.status_code == 422 and "since" in response.get_json()["errors"]


@pytest.mark.parametrize("login", ["moderator", "auditor", "investor", "head"])
def test_only_analysts_and_admins_simulate(world, login):
    response = simulate(Api(world["client"], login), classifier=problem_in(10))
    assert response.status_code == 403


def test_history_recorded_without_replay_records_still_drives_the_candidate(ctx, clock):
    """Events written before the engine kept replay records: the services' process data is derived."""
    from datetime import date, timedelta

    from services.analyst.simulation import _decisions

    at = clock()
    appeal = Appeal(id=7, agency_org="aerlo", company_org="tria", investor_login="investor", head_login="head",
                    coordinator_login="moderator", instance_id=None)
    events = [HistoryEvent(action="submit", task=None, actor="investor", at=at, data={}),
              HistoryEvent(action="accept", task="moderation", actor="moderator", at=at, data={"executor_org": "kdh"}),
              HistoryEvent(action="redirect", task="take", actor="kdh_manager", at=at,
                           data={"org": "tosno", "reason": "r", "org_from": "kdh", "org_to": "tosno"}),
              HistoryEvent(action="take", task="take", actor="tosno_manager", at=at, data={}),
              HistoryEvent(action="approve", task="extension", actor="head", at=at,
                           data={"deadline_from": "2025-09-07", "deadline_to": "2025-09-20"}),
              HistoryEvent(action="timer", task=None, actor="system", at=at, data={}),
              HistoryEvent(action="approve", task="approval", actor="head", at=at, data={})]
    decisions, start = _decisions(ctx, None, appeal, events, date(2025, 9, 20), "problem")
    assert start["deadline"] == "2025-09-20" and start["agency_org"] == "aerlo" and start["appeal_type"] == "problem"
    extras = [(d.kind, d.action, d.extra) for d in decisions]
    assert extras[0] == ("complete", "accept", {"executor_org": "kdh", "manager": None, "coordinator": "moderator"})
    assert extras[1] == ("complete", "redirect", {"executor_org": "tosno", "manager": None})
    assert extras[2] == ("complete", "take", {"manager": "tosno_manager"})
    assert extras[3][2]["deadline"] == "2025-09-20" and extras[3][2]["deadline_at"].startswith("2025-09-20T23:59:59")
    assert extras[4] == ("timer", None, {})
    assert extras[5][2] == {"rating_due_at": (at + timedelta(days=14)).isoformat()}
