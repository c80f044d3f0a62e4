"""Staff and appeal pages through the Flask test client: inbox, task forms, the appeal page, files, board."""
from __future__ import annotations

import io
import re

import pytest

from tests.support import FACT_CONSULTATION, FACT_PROBLEM, PASSWORD, Api, build_world

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ROW = re.compile(r'<tr class="(due-[a-z]+)" data-task="(\d+)" data-appeal="(\d*)">')


class Person:
    """A signed-in browser session (its own cookie jar) talking to the pages."""

    def __init__(self, app, login: str):
        self.client = app.test_client()
        self.login = login
        token = CSRF.search(self.client.get("/login").get_data(as_text=True)).group(1)
        response = self.client.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)
        self.csrf = CSRF.search(self.client.get("/login").get_data(as_text=True)).group(1)  # renewed at sign-in

    def get(self, path: str, **kw):
        return self.client.get(path, **kw)

    def html(self, path: str, status: int = 200) -> str:
        response = self.get(path)
        assert response.status_code == status, (path, response.status_code)
        return response.get_data(as_text=True)

    def post(self, path: str, data: dict | None = None, **kw):
        return self.client.post(path, data={"csrf_token": self.csrf, **(data or {})}, **kw)

    def task_on(self, appeal_id: int) -> int:
        """The id of my open task on the appeal, read from the form on the appeal page."""
        ids = set(re.findall(r'action="/tasks/(\d+)"', self.html(f"/appeals/{appeal_id}")))
        assert len(ids) == 1, f"{self.login} has tasks {ids} on appeal {appeal_id}"
        return int(ids.pop())

    def do(self, appeal_id: int, action: str, expect: int = 302, **fields) -> str:
        response = self.post(f"/tasks/{self.task_on(appeal_id)}", {"action": action, **fields})
        assert response.status_code == expect, response.get_data(as_text=True)
        if expect == 302:
            assert response.location == f"/appeals/{appeal_id}"
            return self.html(response.location)
        return response.get_data(as_text=True)


@pytest.fixture
def world(app, ctx):
    build_world(ctx)
    return app


@pytest.fixture
def api(world):
    return Api(world.test_client(), "investor")


@pytest.fixture
def people(world):
    cache: dict[str, Person] = {}

    def _as(login: str) -> Person:
        if login not in cache:
            cache[login] = Person(world, login)
        return cache[login]

    return _as


def _rows(html: str) -> list[tuple[str, int, int]]:
    return [(cls, int(task), int(appeal)) for cls, task, appeal in ROW.findall(html)]


@pytest.fixture
def three_appeals(api, clock):
    """X: a consultation now overdue; Z: a consultation due in 5 days; Y: a problem due in 20 days."""
    x = api.file(FACT_CONSULTATION, subject="Свободные участки")["id"]
    clock.advance(days=6)
    z = api.file(FACT_CONSULTATION, subject="Ещё участки")["id"]
    y = api.file(FACT_PROBLEM, subject="Съезд")["id"]
    return x, z, y


def test_anonymous_visitors_are_sent_to_sign_in(world):
    client = world.test_client()
    for path in ("/inbox", "/board", "/appeals", "/appeals/1", "/tasks/1"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.location


def test_inbox_queue_puts_overdue_first_and_colours_rows_by_deadline(people, three_appeals):
    x, z, y = three_appeals
    html = people("moderator").html("/inbox")
    assert [(cls, appeal) for cls, _task, appeal in _rows(html)] == [("due-red", x), ("due-yellow", z), ("due-green", y)]
    assert "просрочено" in html and "Очередь" in html and "Выполненные" in html
    assert 'aria-current="page"' in html


@pytest.mark.parametrize("query, expected", [
    ("appeal_type=consultation", "xz"), ("overdue=1", "x"), ("overdue=0", "zy"), ("category=roads", "y"),
    ("category=land&overdue=0", "z"), ("status=on_moderation", "xzy"), ("status=clarification", ""),
    ("org=kdh", ""), ("unknown=1", "xzy"),
])
def test_inbox_filters_are_applied_by_the_service(people, three_appeals, query, expected):
    ids = dict(zip("xzy", three_appeals, strict=True))
    html = people("moderator").html(f"/inbox?tab=queue&{query}")
    assert [appeal for _cls, _task, appeal in _rows(html)] == [ids[k] for k in expected]


def test_inbox_tabs_split_queue_mine_and_done(people, three_appeals):
    x, z, _y = three_appeals
    moderator, kdh = people("moderator"), people("kdh_manager")
    moderator.do(x, "accept", executor_org="kdh", manager="kdh_manager")
    moderator.do(z, "accept", executor_org="kdh")
    assert [a for *_, a in _rows(moderator.html("/inbox?tab=done"))] == [z, x]
    assert len(_rows(moderator.html("/inbox"))) == 1
    assert [a for *_, a in _rows(kdh.html("/inbox?tab=mine"))] == [x]
    assert [a for *_, a in _rows(kdh.html("/inbox?tab=queue"))] == [z]
    assert "Очередь <span class=\"count\">1</span>" in kdh.html("/inbox")
    filtered = moderator.html("/inbox?tab=done&org=kdh")
    assert len(_rows(filtered)) == 2 and 'name="tab" value="done"' in filtered


def test_task_page_offers_a_form_per_action_with_executing_organisations_only(people, api):
    aid = api.file()["id"]
    moderator = people("moderator")
    html = moderator.html(f"/tasks/{moderator.task_on(aid)}")
    for label in ("Принять и передать на исполнение", "Отклонить", "Запросить уточнение"):
        assert f">{label}</button>" in html
    assert 'value="kdh"' in html and 'value="tosno"' in html and 'value="tria"' not in html
    assert 'name="executor_org" required' in html and "обязательное поле" in html
    assert 'value="Согласование съезда"' in html, "the moderator may correct the subject"
    assert "Обращение №" in html and "ИНН 9704098567" in html


def test_the_whole_lifecycle_through_the_pages(people, api):
    aid = api.file()["id"]
    moderator, investor, head = people("moderator"), people("investor"), people("head")
    kdh, tosno = people("kdh_manager"), people("tosno_manager")

    page = moderator.do(aid, "clarify", question="Уточните кадастровый номер")
    assert "Запрошено уточнение у инвестора" in page and "Уточните кадастровый номер" in page
    page = investor.html(f"/appeals/{aid}")
    assert "Ваша задача" in page and ">Отправить уточнение</button>" in page
    investor.do(aid, "reply", text="47:20:0112015:226")
    moderator.do(aid, "accept", executor_org="kdh")
    kdh.do(aid, "take")
    page = kdh.do(aid, "redirect", org="tosno", reason="Компетенция района")
    assert "Обращение перенаправлено" in page
    board = moderator.html("/board")
    assert f"/appeals/{aid}" in board and "Администрация Тосненского района" in board and "перенаправлений: 1" in board

    tosno.do(aid, "take")
    tosno.do(aid, "answer", text="Проект согласован", outcome="resolved")
    page = head.do(aid, "return", remarks="Приложите письмо")
    assert "Ответ возвращён исполнителю" in page and "Приложите письмо" in page
    tosno.do(aid, "answer", text="Проект согласован, письмо приложено", outcome="resolved")
    assert "Ответ на согласовании у руководителя" in investor.html(f"/appeals/{aid}")
    assert "Проект согласован, письмо приложено" not in investor.html(f"/appeals/{aid}"), \
        "the investor sees the answer only once the head approved it"
    head.do(aid, "approve")

    page = investor.html(f"/appeals/{aid}")
    assert "Проект согласован, письмо приложено" in page and 'class="stars"' in page
    assert ">Принять ответ</button>" in page and ">Отправить на доработку</button>" in page
    investor.do(aid, "rework", reason="Нет письма")
    tosno.do(aid, "take")
    tosno.do(aid, "answer", text="Письмо во вложении", outcome="resolved")
    head.do(aid, "approve")
    page = investor.do(aid, "accept", rating="5")
    assert 'status-resolved">Решено<' in page and 'aria-label="5 из 5"' in page
    assert "Ваша задача" not in page

    staff_page = moderator.html(f"/appeals/{aid}")
    trail = staff_page.split('class="trail"')[1].split("</ol>")[0]
    assert trail.index("Комитет по дорожному хозяйству ЛО") < trail.index("Администрация Тосненского района")
    assert "Компетенция района" in trail
    history = staff_page.split('class="timeline"')[1]
    for text in ("Обращение подано", "Запрошено уточнение", "Перенаправлено", "Отправлено на доработку",
                 "Ответ принят инвестором", "Обращение на доработке → <b>Обращение взято в работу</b>"):
        assert text in history, text
    assert re.search(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", history)
    assert f'href="/appeals/{aid}/diagram"' in staff_page
    assert "/diagram" not in investor.html(f"/appeals/{aid}"), "investors get no process diagram link"


def test_a_missing_required_field_re_renders_the_form_with_messages(people, api):
    aid = api.file()["id"]
    moderator = people("moderator")
    task = moderator.task_on(aid)
    response = moderator.post(f"/tasks/{task}", {"action": "reject", "reason": "  "})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'role="alert"' in html and "Причина: обязательное поле" in html and 'aria-invalid="true"' in html
    response = moderator.post(f"/tasks/{task}", {"action": "accept", "executor_org": "tria", "subject": "Новая тема"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "не исполняет обращения" in html
    assert 'value="Новая тема"' in html, "what was typed is kept"
    assert "Обращение поступило на модерацию" in moderator.html(f"/appeals/{aid}")


def test_a_bad_rating_is_422_and_a_good_one_closes_the_appeal(people, api):
    aid = api.file()["id"]
    people("moderator").do(aid, "accept", executor_org="kdh", manager="kdh_manager")
    kdh = people("kdh_manager")
    kdh.do(aid, "take")
    kdh.do(aid, "answer", text="Ответ", outcome="deferred")
    people("head").do(aid, "approve")
    investor = people("investor")
    assert "Оценка: обязательное поле" in investor.do(aid, "accept", expect=422)
    assert "от 1 до 5" in investor.do(aid, "accept", expect=422, rating="7")
    assert 'status-deferred">Отложено<' in investor.do(aid, "accept", rating="4")


def test_a_second_submission_is_409_and_records_one_step(people, api, world):
    aid = api.file()["id"]
    moderator = people("moderator")
    task = moderator.task_on(aid)
    first = moderator.post(f"/tasks/{task}", {"action": "accept", "executor_org": "kdh"})
    second = moderator.post(f"/tasks/{task}", {"action": "accept", "executor_org": "kdh"})
    assert first.status_code == 302 and second.status_code == 409
    assert "Действие уже выполнено" in second.get_data(as_text=True)
    history = api.get(f"/api/v1/appeals/{aid}/history").get_json()["items"]
    assert [h["action"] for h in history].count("accept") == 1


def test_another_investor_gets_404_for_the_appeal_its_files_docx_and_task(people, api):
    aid = api.file()["id"]
    investor, other = people("investor"), people("investor2")
    assert investor.post(f"/appeals/{aid}/files", {"file": (io.BytesIO(b"%PDF-1.4"), "a.pdf")},
                         content_type="multipart/form-data").status_code == 302
    file_id = re.search(rf'/appeals/{aid}/files/(\d+)', investor.html(f"/appeals/{aid}")).group(1)
    people("moderator").do(aid, "clarify", question="?")
    task = investor.task_on(aid)
    for path in (f"/appeals/{aid}", f"/appeals/{aid}/export.docx", f"/appeals/{aid}/files/{file_id}", f"/tasks/{task}"):
        response = other.get(path)
        assert response.status_code == 404, path
        assert "Не найдено" in response.get_data(as_text=True)
    assert other.post(f"/appeals/{aid}/comments", {"text": "hi"}).status_code == 404
    assert other.post(f"/tasks/{task}", {"action": "reply", "text": "x"}).status_code == 404
    assert f"/appeals/{aid}" not in other.html("/appeals")


def test_docx_downloads_from_the_page(people, api):
    from docx import Document

    aid = api.file()["id"]
    response = people("investor").get(f"/appeals/{aid}/export.docx")
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    assert "attachment" in response.headers["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(response.data)).paragraphs)
    assert "Просим помочь" in text


def test_files_upload_and_download_through_the_page(people, api):
    aid = api.file()["id"]
    investor = people("investor")
    content = b"%PDF-1.4 plan of the site"
    response = investor.post(f"/appeals/{aid}/files", {"file": (io.BytesIO(content), "План участка.pdf")},
                             content_type="multipart/form-data")
    assert response.status_code == 302 and response.location.endswith("#files")
    page = investor.html(f"/appeals/{aid}")
    assert "План участка.pdf" in page and "Файл «План участка.pdf» приложен" in page
    href = re.search(rf'href="(/appeals/{aid}/files/\d+)"', page).group(1)
    for person in (investor, people("moderator")):
        download = person.get(href)
        assert download.status_code == 200 and download.data == content
        assert download.mimetype == "application/pdf"
        assert "filename*=UTF-8''" in download.headers["Content-Disposition"]
    refused = investor.post(f"/appeals/{aid}/files", {"file": (io.BytesIO(b"MZ"), "tool.exe")},
                            content_type="multipart/form-data", follow_redirects=True)
    assert "Недопустимый файл" in refused.get_data(as_text=True)
    assert "Файл не выбран" in investor.post(f"/appeals/{aid}/files", follow_redirects=True).get_data(as_text=True)
    assert "История работ" in page and "Приложен файл" in page


def test_comments_join_the_dialogue(people, api):
    aid = api.file()["id"]
    moderator = people("moderator")
    response = moderator.post(f"/appeals/{aid}/comments", {"text": "Добрый день! Уточним у района.",
                                                           "visibility": "public"})  # a reply, not a note
    assert response.status_code == 302 and response.location.endswith("#dialogue")
    page = people("investor").html(f"/appeals/{aid}")
    dialogue = page.split('id="dialogue"')[1].split("</section>")[0]
    assert "Добрый день! Уточним у района." in dialogue and "Модератор" in dialogue
    empty = moderator.post(f"/appeals/{aid}/comments", {"text": " "}, follow_redirects=True)
    assert "Пустой комментарий" in empty.get_data(as_text=True)


def test_board_lists_only_appeals_in_other_organisations_overdue_first(people, api, clock):
    moderator = people("moderator")
    own = api.file(FACT_PROBLEM, subject="У агентства")["id"]
    late = api.file(FACT_CONSULTATION, subject="Просрочено в КДХ")["id"]
    moderator.do(own, "accept", executor_org="aerlo")
    moderator.do(late, "accept", executor_org="kdh")
    clock.advance(days=6, hours=2)
    fresh = api.file(FACT_PROBLEM, subject="Свежее в Тосно")["id"]
    moderator.do(fresh, "accept", executor_org="tosno")
    html = moderator.html("/board")
    order = [int(n) for n in re.findall(r'<a href="/appeals/(\d+)">', html)]
    assert order == [late, fresh]
    assert "6 дн. 2 ч" in html and "due-red" in html
    assert people("investor").get("/board").status_code == 403


def test_appeal_list_filters_by_status_and_overdue(people, api, clock):
    first = api.file(FACT_CONSULTATION)["id"]
    clock.advance(days=6)
    second = api.file(FACT_PROBLEM)["id"]
    people("moderator").do(second, "accept", executor_org="kdh")
    auditor = people("auditor")

    def listed(query: str = "") -> list[int]:
        return [int(n) for n in re.findall(r'<td data-label="№"><a href="/appeals/(\d+)"', auditor.html(f"/appeals?{query}"))]

    assert listed() == [second, first]
    assert listed("overdue=1") == [first]
    assert listed("status=in_execution") == [second]
    assert listed("appeal_type=consultation&overdue=0") == []
    assert auditor.get("/appeals?status=nonsense").status_code == 422
    page = auditor.html(f"/appeals/{first}")
    assert f'action="/appeals/{first}/comments"' not in page, "an auditor reads, does not comment"
    assert "/diagram" in page


def test_a_deadline_extension_uses_a_date_field_and_the_head_decides(people, api):
    aid = api.file()["id"]
    people("moderator").do(aid, "accept", executor_org="kdh", manager="kdh_manager")
    kdh = people("kdh_manager")
    page = kdh.do(aid, "take")
    assert 'type="date"' in page and 'name="until"' in page
    assert "Новый срок: позже 07.09.2025" in kdh.do(aid, "extend", expect=422, until="2025-09-01", reason="Выезд")
    kdh.do(aid, "extend", until="2025-09-20", reason="Нужен выезд на место")
    page = people("head").do(aid, "approve")
    assert "Срок обработки обращения перенесен" in page and "20.09.2025" in page
    assert "Срок был" in page and "07.09.2025" in page
