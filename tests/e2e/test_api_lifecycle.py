"""The whole Leningrad appeal lifecycle through the HTTP API (SQLite and PostgreSQL)."""
from __future__ import annotations

import pytest

from tests.support import FACT_CONSULTATION, Api, build_world


@pytest.fixture
def client(app, ctx):
    build_world(ctx)
    return app.test_client()


@pytest.fixture
def people(client):
    return {login: Api(client, login) for login in
            ("investor", "investor2", "moderator", "head", "kdh_manager", "tosno_manager", "auditor")}


def test_full_lifecycle_with_every_loop(people, clock):
    inv, mod, head = people["investor"], people["moderator"], people["head"]
    kdh, tosno = people["kdh_manager"], people["tosno_manager"]
    appeal = inv.file()
    aid = appeal["id"]
    # seed 001: a problem created 18.08.2025 is due 07.09.2025
    assert appeal["status"] == "on_moderation"
    assert appeal["appeal_type"] == "problem" and appeal["deadline"] == "2025-09-07"
    assert appeal["roles"]["head"]["login"] == "head"

    mod.do(aid, "clarify", question="Уточните кадастровый номер")
    assert inv.get(f"/api/v1/appeals/{aid}").get_json()["status"] == "clarification"
    inv.do(aid, "reply", text="47:20:0112015:226")
    result = mod.do(aid, "accept", executor_org="kdh")
    assert result["status_to"] == "in_execution"
    assert result["appeal"]["roles"]["coordinator"]["login"] == "moderator"

    kdh.do(aid, "take")
    result = kdh.do(aid, "redirect", org="tosno", reason="Компетенция района")
    assert result["status_to"] == "redirected"
    view = result["appeal"]
    assert view["executor_org"] == "tosno" and view["executor"]["name"]
    assert view["roles"]["coordinator"]["login"] == "moderator", "the coordinator stays after a redirect"
    assert view["roles"]["manager"]["login"] is None
    coordinated = mod.get("/api/v1/appeals?as=coordinator").get_json()["items"]
    assert [a["id"] for a in coordinated] == [aid]

    tosno.do(aid, "take")
    tosno.do(aid, "extend", until="2025-09-20", reason="Нужен выезд")
    result = head.do(aid, "approve")
    assert result["status_to"] == "deadline_extended"
    assert result["appeal"]["deadline"] == "2025-09-20"
    tosno.do(aid, "answer", text="Проект согласован", outcome="resolved")
    head.do(aid, "return", remarks="Приложите письмо")
    tosno.do(aid, "answer", text="Проект согласован, письмо приложено", outcome="resolved")
    assert head.do(aid, "approve")["status_to"] == "considered"

    result = inv.do(aid, "rework", reason="Нет письма")
    assert result["status_to"] == "rework" and result["appeal"]["rework_count"] == 1
    tosno.do(aid, "take")
    tosno.do(aid, "answer", text="Письмо во вложении", outcome="resolved")
    head.do(aid, "approve")
    result = inv.do(aid, "accept", rating=5)
    assert result["status_to"] == "resolved"
    final = inv.get(f"/api/v1/appeals/{aid}").get_json()
    assert final["rating"] == 5 and final["status"] == "resolved" and final["closed_at"]
    assert inv.tasks() == []

    history = inv.get(f"/api/v1/appeals/{aid}/history").get_json()["items"]
    steps = [(h["actor"], h["role"], h["action"], h["status_from"], h["status_to"]) for h in history]
    assert steps[0] == ("investor", "investor", "submit", None, "on_moderation")
    assert ("moderator", "moderator", "clarify", "on_moderation", "clarification") in steps
    assert ("kdh_manager", "manager", "redirect", "taken", "redirected") in steps
    assert ("head", "head", "approve", "taken", "deadline_extended") in steps
    assert steps[-1] == ("investor", "investor", "accept", "considered", "resolved")
    assert all(h["at"] for h in history)
    redirect = next(h for h in history if h["action"] == "redirect")
    assert redirect["data"]["org_from"] == "kdh" and redirect["data"]["org_to"] == "tosno"


def test_reject_needs_a_reason_and_ends_the_appeal(people):
    inv, mod = people["investor"], people["moderator"]
    aid = inv.file()["id"]
    response = mod.do(aid, "reject", expect=422)
    assert "reason" in response["errors"]
    result = mod.do(aid, "reject", reason="Не относится к инвестиционной деятельности")
    assert result["status_to"] == "rejected" and result["appeal"]["closed_at"]
    assert mod.tasks() == []


def test_another_investor_gets_404_for_the_appeal_and_its_docx(people):
    aid = people["investor"].file()["id"]
    other = people["investor2"]
    for path in (f"/api/v1/appeals/{aid}", f"/api/v1/appeals/{aid}/history",
                 f"/api/v1/appeals/{aid}/export.docx"):
        assert other.get(path).status_code == 404
    assert other.post(f"/api/v1/appeals/{aid}/comments", json={"text": "hi"}).status_code == 404
    assert [a["id"] for a in other.get("/api/v1/appeals").get_json()["items"]] == []


def test_docx_export_holds_request_roles_history_and_answer(people):
    import io

    from docx import Document

    inv = people["investor"]
    aid = inv.file()["id"]
    people["moderator"].do(aid, "accept", executor_org="kdh")
    response = inv.get(f"/api/v1/appeals/{aid}/export.docx")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert f"Обращение №{aid}" in text and "Просим помочь" in text
    assert "Руководитель" in cells and "Принято" in cells and "9704098567" in cells
    assert "ОГРН 1207700123454" in cells  # the company's organisation carries it (issue 6)
    assert inv.get(f"/api/v1/appeals/{aid}").get_json()["company"]["ogrn"] == "1207700123454"


def test_an_organisation_with_a_wrong_ogrn_is_refused(ctx):
    from services.errors import ValidationFailed
    from services.people import directory

    with pytest.raises(ValidationFailed) as refused:
        directory.add_org(ctx, "badco", "ООО «Опечатка»", "company", "7840123459", "1207700123455")
    assert "контрольная сумма" in refused.value.errors["ogrn"][0]
    assert all(o["code"] != "badco" for o in directory.list_orgs(ctx))


def test_second_completion_is_409_and_leaves_one_history_event(people):
    inv, mod = people["investor"], people["moderator"]
    aid = inv.file()["id"]
    task = mod.task_for(aid)
    first = mod.post(f"/api/v1/tasks/{task['id']}/complete", json={"action": "accept", "executor_org": "kdh"})
    second = mod.post(f"/api/v1/tasks/{task['id']}/complete", json={"action": "accept", "executor_org": "kdh"})
    assert first.status_code == 200 and second.status_code == 409
    assert second.get_json()["code"] == "conflict"
    history = inv.get(f"/api/v1/appeals/{aid}/history").get_json()["items"]
    assert [h["action"] for h in history].count("accept") == 1


def test_unknown_executing_organisation_is_422_and_changes_nothing(people):
    inv, mod = people["investor"], people["moderator"]
    aid = inv.file()["id"]
    response = mod.do(aid, "accept", expect=422, executor_org="no-such-org")
    assert "executor_org" in response["errors"]
    response = mod.do(aid, "accept", expect=422, executor_org="tria")  # a company cannot execute
    assert "executor_org" in response["errors"]
    assert inv.get(f"/api/v1/appeals/{aid}").get_json()["status"] == "on_moderation"
    assert [h["action"] for h in inv.get(f"/api/v1/appeals/{aid}/history").get_json()["items"]] == ["submit"]


@pytest.mark.parametrize("body, field", [
    ({}, "fact"),
    ({"fact": "no.such.fact", "subject": "x", "description": "y", "company": {"name": "A", "inn": "9704098567"}}, "fact"),
    ({"fact": FACT_CONSULTATION, "subject": "", "description": "y", "company": {"name": "A", "inn": "9704098567"}}, "subject"),
    ({"fact": FACT_CONSULTATION, "subject": "x", "description": "y", "company": {"name": "A", "inn": "9704098568"}}, "company.inn"),
    ({"fact": FACT_CONSULTATION, "subject": "x", "description": "y", "company": {"name": "A", "inn": "9704098567"},
      "channel": "phone"}, "channel"),
    ({"fact": FACT_CONSULTATION, "subject": "x", "description": "y", "company": {"name": "A", "inn": "9704098567"},
      "surprise": 1}, "surprise"),
])
def test_bad_appeal_bodies_get_422_with_field_messages(people, body, field):
    response = people["investor"].post("/api/v1/appeals", json=body)
    assert response.status_code == 422
    payload = response.get_json()
    assert payload["status"] == 422 and field in payload["errors"], payload


def test_malformed_json_is_400(people, client):
    inv = people["investor"]
    response = client.post("/api/v1/appeals", data="{not json", headers={**inv.headers, "Content-Type": "application/json"})
    assert response.status_code == 400 and response.get_json()["message"]
    response = inv.post("/api/v1/appeals", json=[1, 2])
    assert response.status_code == 400


def test_wrong_action_and_bad_rating_are_422(people):
    inv, mod, head, kdh = people["investor"], people["moderator"], people["head"], people["kdh_manager"]
    aid = inv.file()["id"]
    assert "action" in mod.do(aid, "fly", expect=422)["errors"]
    mod.do(aid, "accept", executor_org="kdh")
    kdh.do(aid, "take")
    assert "outcome" in kdh.do(aid, "answer", expect=422, text="x", outcome="maybe")["errors"]
    assert "until" in kdh.do(aid, "extend", expect=422, until="2025-08-01", reason="x")["errors"]
    kdh.do(aid, "answer", text="x", outcome="not_resolved")
    head.do(aid, "approve")
    assert "rating" in inv.do(aid, "accept", expect=422, rating=6)["errors"]
    assert inv.do(aid, "accept", rating=2)["status_to"] == "not_resolved"


def test_operator_registers_a_phone_appeal_with_the_time_received(people, client):
    operator = Api(client, "operator")
    body = {"fact": "roads.junction.approval_procedure", "subject": "Звонок", "description": "Порядок примыкания",
            "company": {"name": "ООО «Новая»", "inn": "7840123459"}, "channel": "phone",
            "received_at": "2025-08-15T18:30:00+03:00"}
    response = operator.post("/api/v1/appeals", json=body)
    assert response.status_code == 201, response.get_json()
    appeal = response.get_json()
    assert appeal["channel"] == "phone" and appeal["deadline"] == "2025-08-20"  # consultation: +5 calendar days
    assert appeal["company"]["org"] == "inn-7840123459"


def test_comments_are_in_the_dialogue_and_the_history(people):
    inv, mod = people["investor"], people["moderator"]
    aid = inv.file()["id"]
    reply = mod.post(f"/api/v1/appeals/{aid}/comments", json={"text": "Добрый день", "visibility": "public"})
    assert reply.status_code == 201 and reply.get_json()["visibility"] == "public"
    assert mod.post(f"/api/v1/appeals/{aid}/comments", json={"text": ""}).status_code == 422
    comments = inv.get(f"/api/v1/appeals/{aid}/comments").get_json()["items"]
    assert [c["text"] for c in comments] == ["Добрый день"]
    history = inv.get(f"/api/v1/appeals/{aid}/history").get_json()["items"]
    assert history[-1]["action"] == "comment" and history[-1]["actor"] == "moderator"


def test_task_form_lists_actions_and_fields(people):
    inv, mod = people["investor"], people["moderator"]
    aid = inv.file()["id"]
    task = mod.task_for(aid)
    assert task["name"] == "moderate" and set(task["actions"]) == {"accept", "reject", "clarify"}
    assert task["due_at"].startswith("2025-09-07")
    detail = mod.get(f"/api/v1/tasks/{task['id']}").get_json()
    accept = next(a for a in detail["form"]["actions"] if a["name"] == "accept")
    assert {"name": "executor_org", "type": "org", "required": True,
            "label": "Исполняющая организация"} in accept["fields"]  # the form is the step registry's
    assert inv.get(f"/api/v1/tasks/{task['id']}").status_code == 404


def test_moderator_corrects_the_text_when_accepting_and_the_original_is_kept(people):
    inv, mod = people["investor"], people["moderator"]
    aid = inv.file(subject="сьезд")["id"]
    result = mod.do(aid, "accept", executor_org="kdh", subject="Согласование съезда на промышленную улицу")
    assert result["appeal"]["subject"] == "Согласование съезда на промышленную улицу"
    accept = next(h for h in inv.get(f"/api/v1/appeals/{aid}/history").get_json()["items"] if h["action"] == "accept")
    assert accept["data"]["subject_before"] == "сьезд"


def test_files_attach_download_and_stay_private(people, client):
    import io

    inv = people["investor"]
    aid = inv.file()["id"]
    pdf = b"%PDF-1.4 test"
    upload = client.post(f"/api/v1/appeals/{aid}/files", headers=inv.headers,
                         data={"file": (io.BytesIO(pdf), "схема участка.pdf")}, content_type="multipart/form-data")
    assert upload.status_code == 201, upload.get_json()
    file_id = upload.get_json()["id"]
    assert [f["filename"] for f in inv.get(f"/api/v1/appeals/{aid}/files").get_json()["items"]] == ["схема участка.pdf"]
    assert inv.get(f"/api/v1/appeals/{aid}/files/{file_id}").data == pdf
    assert people["investor2"].get(f"/api/v1/appeals/{aid}/files/{file_id}").status_code == 404
    bad = client.post(f"/api/v1/appeals/{aid}/files", headers=inv.headers,
                      data={"file": (io.BytesIO(b"MZ"), "virus.exe")}, content_type="multipart/form-data")
    assert bad.status_code == 422 and "file" in bad.get_json()["errors"]
    history = inv.get(f"/api/v1/appeals/{aid}/history").get_json()["items"]
    assert history[-1]["action"] == "file" and history[-1]["data"]["file"] == "схема участка.pdf"


def test_a_phone_appeal_without_an_investor_account_is_relayed_by_its_operator(people, client):
    """No investor user exists for the company: the operator who registered the call answers the
    clarification and records the investor's rating (before, those tasks waited for nobody)."""
    operator, mod, kdh, head = Api(client, "operator"), people["moderator"], people["kdh_manager"], people["head"]
    body = {"fact": FACT_CONSULTATION, "subject": "Звонок", "description": "Нужен список участков",
            "company": {"name": "ООО «Новая»", "inn": "7840123459"}, "channel": "phone"}
    aid = operator.post("/api/v1/appeals", json=body).get_json()["id"]
    mod.do(aid, "clarify", question="Какой район?")
    task = operator.task_for(aid)
    assert task["role"] == "investor" and task["name"] == "reply_clarification"
    assert people["investor"].get(f"/api/v1/tasks/{task['id']}").status_code == 404  # another company's investor
    operator.do(aid, "reply", text="Тосненский район, со слов инвестора")
    mod.do(aid, "accept", executor_org="kdh")
    kdh.do(aid, "take")
    kdh.do(aid, "answer", text="Список направлен", outcome="resolved")
    head.do(aid, "approve")
    result = operator.do(aid, "accept", rating=4)
    assert result["status_to"] == "resolved" and result["appeal"]["rating"] == 4
    history = operator.get(f"/api/v1/appeals/{aid}/history").get_json()["items"]
    assert [(h["actor"], h["action"]) for h in history if h["actor"] == "operator"][-2:] == [
        ("operator", "reply"), ("operator", "accept")]
