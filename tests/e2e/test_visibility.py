"""What the investor sees (issue 11): internal notes vs replies, and the answer only once the head
approved it, in the API, the appeal page, the DOCX, the notifications and the letters (SQLite and
PostgreSQL)."""
from __future__ import annotations

import io
import re

import pytest
from docx import Document
from sqlalchemy import select

from services.models import Notification, OutboxMessage
from tests.support import PASSWORD, Api, build_world

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
DRAFT = "Черновик ответа: съезд согласуем после проверки"
REMARKS = "Замечание руководителя: не ссылайтесь на внутреннюю переписку"
FINAL = "Съезд согласован, технические условия приложены"
NOTE = "Внутренняя заметка: инвестор уже звонил дважды"
SECRETS = (DRAFT, REMARKS, NOTE)


@pytest.fixture
def client(app, ctx):
    build_world(ctx)
    return app.test_client()


@pytest.fixture
def people(client):
    return {login: Api(client, login) for login in ("investor", "moderator", "head", "kdh_manager")}


def _to_approval(people, text: str = DRAFT) -> int:
    """An appeal filed, clarified, accepted, taken and answered: the draft waits for the head."""
    inv, mod, kdh = people["investor"], people["moderator"], people["kdh_manager"]
    aid = inv.file()["id"]
    mod.do(aid, "clarify", question="Уточните кадастровый номер")
    inv.do(aid, "reply", text="47:26:0101001:15")
    mod.do(aid, "accept", executor_org="kdh")
    kdh.do(aid, "take")
    kdh.do(aid, "answer", text=text, outcome="resolved")
    return aid


def _returned_and_approved(people) -> int:
    aid = _to_approval(people)
    people["head"].do(aid, "return", remarks=REMARKS)
    people["kdh_manager"].do(aid, "answer", text=FINAL, outcome="resolved")
    people["head"].do(aid, "approve")
    return aid


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _page(app, login: str, path: str) -> str:
    browser = app.test_client()
    token = TOKEN.search(browser.get("/login").get_data(as_text=True)).group(1)
    assert browser.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token}).status_code == 302
    response = browser.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_investor_never_reads_a_draft_answer(people):
    inv, head = people["investor"], people["head"]
    aid = _to_approval(people)
    mine = inv.get(f"/api/v1/appeals/{aid}").get_json()
    assert mine["status"] == "on_approval" and mine["answer"] is None and mine["outcome"] is None
    assert [a["answer"] for a in inv.get("/api/v1/appeals").get_json()["items"]] == [None]
    staff = head.get(f"/api/v1/appeals/{aid}").get_json()
    assert staff["answer"]["text"] == DRAFT and staff["answer"]["at"] is None, "staff keep seeing the draft"
    history = inv.get(f"/api/v1/appeals/{aid}/history").get_json()["items"]
    assert "answer" not in [e["action"] for e in history] and DRAFT not in str(history)
    assert {e["visibility"] for e in history} == {"public"}
    head.do(aid, "return", remarks=REMARKS)
    assert inv.get(f"/api/v1/appeals/{aid}").get_json()["answer"] is None, "a returned draft stays the staff's"


def test_the_heads_remarks_are_internal_everywhere_the_api_shows_them(people):
    inv, head = people["investor"], people["head"]
    aid = _returned_and_approved(people)
    mine = inv.get(f"/api/v1/appeals/{aid}").get_json()
    assert mine["answer"]["text"] == FINAL and mine["outcome"] == "resolved", "approved: the investor reads it"
    comments = inv.get(f"/api/v1/appeals/{aid}/comments").get_json()["items"]
    assert [(c["kind"], c["visibility"]) for c in comments] == [("clarification_request", "public"),
                                                               ("clarification_reply", "public")]
    history = inv.get(f"/api/v1/appeals/{aid}/history").get_json()["items"]
    assert [e["action"] for e in history] == ["submit", "clarify", "reply", "accept", "take", "approve"]
    assert not any(secret in str(history) + str(comments) for secret in SECRETS)
    staff_comments = head.get(f"/api/v1/appeals/{aid}/comments").get_json()["items"]
    assert ("remarks", "internal", REMARKS) in [(c["kind"], c["visibility"], c["text"]) for c in staff_comments]
    staff_history = {e["action"]: e["visibility"] for e in head.get(f"/api/v1/appeals/{aid}/history").get_json()["items"]}
    assert staff_history["return"] == "internal" and staff_history["answer"] == "internal"
    assert staff_history["clarify"] == "public" and staff_history["approve"] == "public"


def test_rejection_and_rework_reasons_are_public(people):
    inv, mod, head, kdh = people["investor"], people["moderator"], people["head"], people["kdh_manager"]
    rejected = inv.file()["id"]
    mod.do(rejected, "reject", reason="Вопрос не относится к компетенции агентства")
    kinds = [(c["kind"], c["visibility"]) for c in inv.get(f"/api/v1/appeals/{rejected}/comments").get_json()["items"]]
    assert kinds == [("rejection", "public")]
    aid = _to_approval(people)
    head.do(aid, "approve")
    inv.do(aid, "rework", reason="Не указан срок выдачи условий")
    assert kdh.get(f"/api/v1/appeals/{aid}").get_json()["status"] == "rework"
    reasons = [c for c in inv.get(f"/api/v1/appeals/{aid}/comments").get_json()["items"] if c["kind"] == "rework_reason"]
    assert [(c["text"], c["visibility"]) for c in reasons] == [("Не указан срок выдачи условий", "public")]
    assert inv.get(f"/api/v1/appeals/{aid}").get_json()["answer"] is None, "the answer in rework is a draft again"


def test_staff_comments_are_notes_unless_marked_public(people, ctx):
    inv, mod = people["investor"], people["moderator"]
    aid = inv.file()["id"]
    note = mod.post(f"/api/v1/appeals/{aid}/comments", json={"text": NOTE})
    assert note.status_code == 201 and note.get_json()["visibility"] == "internal", "a staff comment is a note by default"
    reply = mod.post(f"/api/v1/appeals/{aid}/comments", json={"text": "Ответим до конца недели", "visibility": "public"})
    assert reply.status_code == 201 and reply.get_json()["visibility"] == "public"
    own = inv.post(f"/api/v1/appeals/{aid}/comments", json={"text": "Спасибо"})
    assert own.status_code == 201 and own.get_json()["visibility"] == "public"
    refused = inv.post(f"/api/v1/appeals/{aid}/comments", json={"text": "тайно", "visibility": "internal"})
    assert refused.status_code == 422 and "visibility" in refused.get_json()["errors"]
    wrong = mod.post(f"/api/v1/appeals/{aid}/comments", json={"text": "x", "visibility": "secret"})
    assert wrong.status_code == 422 and "visibility" in wrong.get_json()["errors"]
    seen = [c["text"] for c in inv.get(f"/api/v1/appeals/{aid}/comments").get_json()["items"]]
    assert seen == ["Ответим до конца недели", "Спасибо"]
    staff = [c["text"] for c in mod.get(f"/api/v1/appeals/{aid}/comments").get_json()["items"]]
    assert staff == [NOTE, "Ответим до конца недели", "Спасибо"]
    history = inv.get(f"/api/v1/appeals/{aid}/history").get_json()["items"]
    assert [e["data"].get("text") for e in history if e["action"] == "comment"] == ["Ответим до конца недели", "Спасибо"]
    # the public reply tells the investor (in-app and by letter); the note tells nobody
    with ctx.db.unit_of_work() as uow:
        rows = uow.session.scalars(select(Notification).where(Notification.event == "comment")).all()
        letters = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.event == "comment")).all()
        assert [n.recipient for n in rows] == ["investor"] and [m.recipient_login for m in letters] == ["investor"]


def test_pages_docx_and_letters_show_the_investor_public_items_only(app, people, ctx):
    aid = _returned_and_approved(people)
    people["head"].post(f"/api/v1/appeals/{aid}/comments", json={"text": NOTE})
    page = _page(app, "investor", f"/appeals/{aid}")
    assert FINAL in page and "47:26:0101001:15" in page
    assert not any(secret in page for secret in SECRETS) and "Замечания руководителя" not in page
    assert 'name="visibility"' not in page, "an investor has nothing to choose"
    staff_page = _page(app, "head", f"/appeals/{aid}")
    assert REMARKS in staff_page and NOTE in staff_page and "Замечания руководителя" in staff_page
    assert 'name="visibility" value="internal" checked' in staff_page
    mine = _docx_text(people["investor"].get(f"/api/v1/appeals/{aid}/export.docx").data)
    assert FINAL in mine and not any(secret in mine for secret in SECRETS)
    staff_docx = _docx_text(people["head"].get(f"/api/v1/appeals/{aid}/export.docx").data)
    assert REMARKS in staff_docx and NOTE in staff_docx
    notices = people["investor"].get("/api/v1/notifications").get_json()["items"]
    with ctx.db.unit_of_work() as uow:
        letters = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient_login == "investor")).all()
        sent = " ".join(f"{m.subject} {m.body}" for m in letters)
    assert {n["event"] for n in notices} == {"appeal_received", "clarification", "answer_ready"}
    assert not any(secret in sent + str(notices) for secret in SECRETS)


def test_an_internal_notice_never_reaches_an_investor(ctx, client):
    """The one writer drops an investor from the recipients of an internal notice (row and letter)."""
    from services.notify.writer import notify

    with ctx.db.unit_of_work() as uow:
        got = notify(uow.session, ["investor", "head"], "escalation", None, NOTE, ctx.clock(), visibility="internal")
        uow.commit()
    assert got == ["head"]
    with ctx.db.unit_of_work() as uow:
        assert uow.session.scalars(select(Notification.recipient).where(Notification.text == NOTE)).all() == ["head"]
        assert uow.session.scalars(select(OutboxMessage.recipient_login)).all() == ["head"]
