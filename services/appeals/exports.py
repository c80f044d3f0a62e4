"""One appeal as a DOCX case file: request, roles, history, answer."""
from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from docx import Document
from docx.shared import Pt

from services.appeals.appeal import STATUS_RU, appeal_history, get_appeal, list_comments
from services.context import Actor, Context

ACTION_RU = {"submit": "Подано", "accept": "Принято", "reject": "Отклонено", "clarify": "Запрошено уточнение",
             "reply": "Уточнение", "take": "Взято в работу", "redirect": "Перенаправлено",
             "extend": "Запрошен перенос срока", "approve": "Согласовано", "deny": "Отказано",
             "answer": "Подготовлен ответ", "return": "Возвращено", "rework": "На доработку",
             "comment": "Комментарий", "overdue": "Просрочено", "timer": "Таймер",
             "sla_warning": "Предупреждение о сроке", "deadline_recalculated": "Срок пересчитан",
             "closed_by_system": "Закрыто системой"}
ROLE_RU = {"head": "Руководитель", "coordinator": "Координатор", "manager": "Менеджер"}


def _d(value: Any, tz) -> str:
    if isinstance(value, datetime):
        return value.astimezone(tz).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return "" if value is None else str(value)


def appeal_docx(ctx: Context, actor: Actor, appeal_id: int) -> tuple[bytes, str]:
    """Build the DOCX of an appeal the actor may see; returns (bytes, file name)."""
    appeal = get_appeal(ctx, actor, appeal_id)
    history = appeal_history(ctx, actor, appeal_id)
    comments = list_comments(ctx, actor, appeal_id)
    tz = ctx.tz
    doc = Document()
    doc.styles["Normal"].font.name = "Times New Roman"
    doc.styles["Normal"].font.size = Pt(12)
    doc.add_heading(f"Обращение №{appeal['number']}", level=1)
    doc.add_paragraph(f"Тема: {appeal['subject']}")
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    rows = [("Статус", STATUS_RU.get(appeal["status"], appeal["status"])),
            ("Категория", appeal["category_name"]), ("Подкатегория", appeal["subcategory_name"]),
            ("Факт обращения", appeal["fact_name"]), ("Тип обращения", appeal["appeal_type"]),
            ("Создано", _d(appeal["created_at"], tz)), ("Ответить до", _d(appeal["deadline"], tz)),
            ("Просрочено", "да" if appeal["overdue"] else "нет"),
            ("Организация", ", ".join(filter(None, [
                appeal["company"]["name"], f"ИНН {appeal['company']['inn']}",
                f"ОГРН {appeal['company']['ogrn']}" if appeal["company"].get("ogrn") else None]))),
            ("Исполнитель", (appeal["executor"] or {}).get("name", "—"))]
    for role, person in appeal["roles"].items():
        contact = ", ".join(filter(None, [person.get("name"), person.get("email"), person.get("phone")])) if person else "—"
        rows.append((ROLE_RU[role], contact))
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value or "—"
    doc.add_heading("Запрос", level=2)
    doc.add_paragraph(appeal["description"])
    doc.add_heading("Ответ", level=2)
    answer = appeal["answer"]  # a draft only for staff: the investor's view carries none (services/visibility.py)
    doc.add_paragraph(answer["text"] if answer else "Ответ ещё не направлен")
    if answer and answer["at"] is None:
        doc.add_paragraph("Проект ответа: не направлен инвестору (на согласовании или доработке)")
    if appeal["rating"]:
        doc.add_paragraph(f"Оценка инвестора: {appeal['rating']} из 5")
    doc.add_heading("История работ по обращению", level=2)
    hist = doc.add_table(rows=1, cols=5)
    hist.style = "Table Grid"
    for cell, title in zip(hist.rows[0].cells, ("Когда", "Кто", "Роль", "Действие", "Статус"), strict=True):
        cell.text = title
    for event in history:
        cells = hist.add_row().cells
        cells[0].text = _d(event["at"], tz)
        cells[1].text = event["actor"]
        cells[2].text = event["role"] or ""
        cells[3].text = ACTION_RU.get(event["action"], event["action"])
        cells[4].text = STATUS_RU.get(event["status_to"] or "", event["status_to"] or "")
    if comments:
        doc.add_heading("Комментарии", level=2)
        for c in comments:
            mark = " (внутренний)" if c["visibility"] == "internal" else ""
            doc.add_paragraph(f"{_d(c['at'], tz)} {c['author']}{mark}: {c['text']}")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue(), f"appeal-{appeal['number']}.docx"
