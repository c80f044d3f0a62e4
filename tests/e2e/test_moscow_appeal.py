"""The Moscow region's appeal process (workflows/bpmn/moscow/appeal.bpmn, seed 004) through the API:
the three typical routing algorithms, the first response of a complex consultation around the 16:00
cut-off and the November holidays, the knowledge-base answer of a simple consultation."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from engine.specs import parse_diagram
from services.analyst.process_models import lint_rules, list_process_models
from services.work.timers import sweep
from tests import moscow_support

mos_app, mos = moscow_support.mos_app, moscow_support.mos  # the Moscow world's fixtures

COMPANY = {"name": "ООО «ТриА Девелопмент»", "inn": "9704098567"}
BPMN = Path(__file__).resolve().parents[2] / "workflows" / "bpmn" / "moscow" / "appeal.bpmn"


def _file(api, fact: str) -> dict:
    response = api.post("/api/v1/appeals", json={"fact": fact, "subject": "Вопрос предпринимателя",
                                                 "description": "Просим помочь", "company": COMPANY})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _execute(mos, appeal_id: int, spec: str, deputy: str) -> dict:
    """The lead agency's specialist takes and answers; the deputy minister controls; the investor rates."""
    mos[spec].do(appeal_id, "take")
    mos[spec].do(appeal_id, "answer", text="Ответ подготовлен с учётом позиций участников", outcome="resolved")
    assert mos[deputy].task_for(appeal_id)["step"] == "approval"
    assert not [t for t in mos["cur_head"].tasks() if t["appeal_id"] == appeal_id]  # control is the executor's
    mos[deputy].do(appeal_id, "approve")
    return mos["investor"].do(appeal_id, "accept", rating=5)


def test_the_moscow_pack_deploys_its_own_diagram_under_process_appeal(mos_app):
    ctx = mos_app.extensions["koridor"]
    with ctx.db.unit_of_work() as uow:
        loaded = parse_diagram(BPMN.read_bytes(), BPMN.name, lint_rules(ctx, uow.session))  # deploy lint accepts it
    assert loaded.process_id == "appeal"
    assert {"first_response", "contribution"} <= {t.step for t in loaded.human_tasks.values()}
    models = {m["process_id"]: m for m in list_process_models(ctx)}
    assert models["appeal"]["versions"][-1]["filename"] == "moscow/appeal.bpmn"


def test_one_agency(mos):
    appeal = _file(mos["investor"], "licenses.transport.taxi_permit")
    assert appeal["appeal_type"] == "task"
    mos["moderator"].do(appeal["id"], "accept", executor_org="mintrans", route="single")
    assert _execute(mos, appeal["id"], "trans_spec", "trans_deputy")["status_to"] == "resolved"


def test_several_agencies_give_their_parts_one_after_another(mos):
    appeal = _file(mos["investor"], "construction.gpzu.gpzu_amend")
    moderator = mos["moderator"]
    moderator.do(appeal["id"], "accept", expect=422, executor_org="mingrad", route="several", co_orgs="khimki")
    moderator.do(appeal["id"], "accept", expect=422, executor_org="mingrad", route="single", co_orgs="mintrans")
    moderator.do(appeal["id"], "accept", expect=422, executor_org="mingrad", route="any")
    moderator.do(appeal["id"], "accept", executor_org="mingrad", route="several", co_orgs="mininvest, mintrans")
    assert not [t for t in mos["grad_spec"].tasks() if t["appeal_id"] == appeal["id"]]  # parts come first
    for spec, org in (("invest_spec", "mininvest"), ("trans_spec", "mintrans")):
        task = mos[spec].task_for(appeal["id"])
        assert (task["name"], task["step"]) == ("contribute", "contribution")
        mos[spec].do(appeal["id"], "part", text=f"Позиция {org}")
    assert _execute(mos, appeal["id"], "grad_spec", "grad_deputy")["status_to"] == "resolved"
    comments = mos["moderator"].get(f"/api/v1/appeals/{appeal['id']}/comments").get_json()["items"]
    assert [(c["kind"], c["author"]) for c in comments if c["kind"] == "agency_part"] == [
        ("agency_part", "invest_spec"), ("agency_part", "trans_spec")]


def test_with_a_municipality(mos):
    appeal = _file(mos["investor"], "licenses.landscaping.felling_ticket")
    mos["moderator"].do(appeal["id"], "accept", expect=422, executor_org="mingrad", route="omsu", co_orgs="mintrans")
    mos["moderator"].do(appeal["id"], "accept", executor_org="mingrad", route="omsu", co_orgs="solnechnogorsk")
    task = mos["soln_spec"].task_for(appeal["id"])
    assert task["name"] == "omsu_part"
    mos["soln_spec"].do(appeal["id"], "part", text="Участок вне зоны особо охраняемых территорий")
    assert not [t for t in mos["soln_spec"].tasks() if t["appeal_id"] == appeal["id"]]
    assert _execute(mos, appeal["id"], "grad_spec", "grad_deputy")["status_to"] == "resolved"


def _msk(text: str) -> datetime:
    return datetime.fromisoformat(text + "+03:00").astimezone(UTC)


def _events(mos, appeal_id: int) -> list[str]:
    return [e["action"] for e in mos["moderator"].get(f"/api/v1/appeals/{appeal_id}/history").get_json()["items"]]


def test_first_response_before_the_cutoff_is_due_that_day_and_given_on_time(mos, mos_app, clock):
    ctx = mos_app.extensions["koridor"]
    clock.now = _msk("2025-10-31T15:59:00")  # Friday, before 16:00
    appeal = _file(mos["investor"], "support.subsidies.measures_selection")
    assert appeal["appeal_type"] == "complex_consultation"
    mos["moderator"].do(appeal["id"], "accept", executor_org="mininvest", route="single")
    task = mos["invest_spec"].task_for(appeal["id"])
    assert (task["name"], task["step"]) == ("first_response", "first_response")
    assert task["due_at"].startswith("2025-10-31")
    clock.now = _msk("2025-10-31T17:30:00")
    result = mos["invest_spec"].do(appeal["id"], "respond", text="Вопрос принят, готовим подбор мер поддержки")
    assert [t["name"] for t in result["next_tasks"]] == ["take"]
    sweep(ctx, now=_msk("2025-11-01T00:30:00"))
    assert "first_response_overdue" not in _events(mos, appeal["id"])
    comments = mos["investor"].get(f"/api/v1/appeals/{appeal['id']}/comments").get_json()["items"]
    assert [c["kind"] for c in comments] == ["first_response"]


def test_first_response_after_the_cutoff_skips_the_holidays_and_escalates_when_late(mos, mos_app, clock):
    ctx = mos_app.extensions["koridor"]
    clock.now = _msk("2025-11-01T16:00:00")  # working Saturday at 16:00; 3 and 4 November are days off
    appeal = _file(mos["investor"], "support.subsidies.measures_selection")
    assert appeal["deadline"] == "2025-11-07"
    mos["moderator"].do(appeal["id"], "accept", executor_org="mininvest", route="single")
    assert mos["invest_spec"].task_for(appeal["id"])["due_at"].startswith("2025-11-05")
    sweep(ctx, now=_msk("2025-11-05T23:00:00"))
    assert "first_response_overdue" not in _events(mos, appeal["id"])
    sweep(ctx, now=_msk("2025-11-06T00:00:30"))
    assert _events(mos, appeal["id"]).count("first_response_overdue") == 1
    notified = mos["moderator"].get("/api/v1/notifications").get_json()["items"]
    assert any(n["event"] == "first_response_overdue" for n in notified)
    assert "overdue" not in _events(mos, appeal["id"])  # the resolution deadline has not passed
    clock.now = _msk("2025-11-06T09:00:00")
    mos["invest_spec"].do(appeal["id"], "respond", text="Первичный ответ с опозданием")  # the task stays open
    assert mos["invest_spec"].task_for(appeal["id"])["name"] == "take"


def test_a_simple_consultation_is_answered_from_the_knowledge_base(mos):
    found = mos["operator"].get("/api/v1/knowledge-base?q=вывеск").get_json()["items"]
    assert [a["code"] for a in found] == ["licenses.signage"]
    assert mos["operator"].get("/api/v1/knowledge-base?q=" + "я" * 201).status_code == 422
    by_fact = mos["moderator"].get("/api/v1/knowledge-base?fact=support.subsidies.modernization_terms").get_json()
    article = by_fact["items"][0]
    assert article["title"] == "Субсидии «Модернизация»"
    appeal = _file(mos["investor"], "support.subsidies.modernization_terms")
    assert appeal["appeal_type"] == "simple_consultation"
    mos["moderator"].do(appeal["id"], "kb_answer", expect=422, article="nope")
    result = mos["moderator"].do(appeal["id"], "kb_answer", article=article["code"])
    assert result["status_to"] == "considered" and result["appeal"]["answer"]["text"] == article["answer"]
    assert mos["investor"].do(appeal["id"], "accept", rating=4)["status_to"] == "resolved"


def test_the_knowledge_base_answers_only_simple_consultations_and_rework_returns_to_the_cur(mos):
    task = _file(mos["investor"], "construction.gpzu.gpzu_amend")
    mos["moderator"].do(task["id"], "kb_answer", expect=422, article="construction.gpzu_amend")
    appeal = _file(mos["investor"], "construction.gpzu.gpzu_procedure")
    mos["moderator"].do(appeal["id"], "kb_answer", article="construction.gpzu_amend")
    mos["investor"].do(appeal["id"], "rework", reason="Нужен ответ по моему участку")
    assert mos["moderator"].task_for(appeal["id"])["name"] == "moderate"
    mos["moderator"].do(appeal["id"], "accept", executor_org="mingrad", route="single")
    assert _execute(mos, appeal["id"], "grad_spec", "grad_deputy")["status_to"] == "resolved"


def test_without_a_route_one_agency_and_a_body_without_a_deputy_head_is_controlled_by_the_cur(mos):
    appeal = _file(mos["investor"], "land.plots.permitted_use_change")
    mos["moderator"].do(appeal["id"], "accept", expect=422, executor_org="khimki", co_orgs="mintrans")
    mos["moderator"].do(appeal["id"], "accept", executor_org="khimki")  # no route: one agency
    mos["khimki_spec"].do(appeal["id"], "take")
    mos["khimki_spec"].do(appeal["id"], "answer", text="Вид использования изменён", outcome="resolved")
    assert mos["cur_head"].do(appeal["id"], "approve")["status_to"] == "considered"
