"""Russian names of codes for the pages (statuses, roles, actions, form fields), as Jinja filters.

Each name is looked up through gettext at render time, so Babel extracts them from here and the
English catalogue translates them.
"""
from __future__ import annotations

from flask_babel import gettext as _

from . import bp


def _statuses() -> dict[str, str]:
    return {"on_moderation": _("Обращение поступило на модерацию"),
            "clarification": _("Запрошено уточнение у инвестора"),
            "rejected": _("Обращение отклонено (с указанием причины)"),
            "in_execution": _("Обращение передано на исполнение"),
            "redirected": _("Обращение перенаправлено"),
            "taken": _("Обращение взято в работу"),
            "deadline_extended": _("Срок обработки обращения перенесен"),
            "on_approval": _("Ответ на согласовании у руководителя"),
            "considered": _("Обращение рассмотрено"),
            "rework": _("Обращение на доработке"),
            "resolved": _("Решено"), "not_resolved": _("Не решено"),
            "deferred": _("Отложено"), "declined": _("Отклонено"),
            # onboarding (seed 000 section 2)
            "on_confirmation": _("Заявка на подтверждении юридических данных"),
            "registration_rejected": _("Регистрация отклонена"),
            "awaiting_application": _("Ожидается заявление на сопровождение"),
            "application_check": _("Заявление на проверке у менеджера"),
            "application_rejected": _("Заявление отклонено"),
            "project_created": _("Проект принят на сопровождение"),
            "active": _("Активная стадия"), "passive": _("Пассивная стадия")}


def _roles() -> dict[str, str]:
    return {"investor": _("Инвестор"), "operator": _("Оператор"), "moderator": _("Модератор"),
            "manager": _("Менеджер"), "coordinator": _("Координатор"), "head": _("Руководитель"),
            "deputy_director": _("Заместитель директора"), "analyst": _("Аналитик"), "auditor": _("Аудитор"),
            "admin": _("Администратор"), "system": _("Система"), "initiator": _("Инициатор"),
            "local_exec": _("Местный исполнительный орган"), "chamber": _("Палата «Атамекен»"),
            "authorized_body": _("Уполномоченный орган"), "prosecutor": _("Прокуратура")}


def _actions() -> dict[str, str]:
    return {"submit": _("Обращение подано"), "accept": _("Принято и передано на исполнение"),
            "rate:accept": _("Ответ принят инвестором"), "reject": _("Отклонено"),
            "clarify": _("Запрошено уточнение"), "reply": _("Инвестор ответил на уточнение"),
            "take": _("Взято в работу"), "redirect": _("Перенаправлено"), "extend": _("Запрошен перенос срока"),
            "approve": _("Ответ согласован и направлен инвестору"),
            "decide_extension:approve": _("Перенос срока согласован"), "deny": _("Отказано в переносе срока"),
            "answer": _("Подготовлен ответ"), "return": _("Ответ возвращён исполнителю"),
            "rework": _("Отправлено на доработку"), "comment": _("Комментарий"), "file": _("Приложен файл"),
            "overdue": _("Срок ответа истёк"), "timer": _("Закрыто системой"),
            "migrate": _("Перенесено на другую версию процесса"),
            "sla_warning": _("Предупреждение: срок ответа скоро истекает"),
            "deadline_recalculated": _("Срок пересчитан по производственному календарю"),
            "closed_by_system": _("Закрыто системой: инвестор не оценил ответ"),
            "tasks_handed_over": _("Задачи переданы замещающему"),
            "tasks_returned": _("Задачи возвращены: отсутствие отменено")}


def _fields() -> dict[str, str]:
    return {"executor_org": _("Исполняющая организация"), "manager": _("Менеджер-исполнитель"),
            "subject": _("Тема обращения"), "description": _("Описание обращения"),
            "reason": _("Причина"), "question": _("Вопрос инвестору"), "text": _("Текст"),
            "org": _("Организация"), "outcome": _("Результат"), "until": _("Новый срок"),
            "remarks": _("Замечания"), "rating": _("Оценка"), "org_from": _("Откуда"), "org_to": _("Куда"),
            "deadline_from": _("Срок был"), "deadline_to": _("Срок стал"), "file": _("Файл"),
            "size": _("Размер"), "rework_count": _("Доработок"), "subject_before": _("Тема до исправления"),
            "description_before": _("Описание до исправления"), "version_from": _("Версия процесса была"),
            "version_to": _("Версия процесса стала"), "calendar_day": _("День календаря"),
            "working_days_left": _("Осталось рабочих дней"),
            "from": _("От кого"), "to": _("Кому переданы"), "tasks": _("Задач передано"),
            "name": _("Название проекта"), "okved": _("Коды ОКВЭД"), "investment_volume": _("Объём инвестиций, млн руб."),
            "jobs": _("Рабочие места"), "site": _("Площадка"), "region": _("Муниципальный район"),
            "sector": _("Сфера деятельности"), "source": _("Источник (откуда пришёл инвестор)"),
            "stage": _("Стадия"), "commissioner_login": _("Инвеступолномоченный района"),
            "manager_login": _("Менеджер проекта"), "status": _("Статус")}


def _outcomes() -> dict[str, str]:
    return {"resolved": _("Решено"), "not_resolved": _("Не решено"), "deferred": _("Отложено"),
            "declined": _("Отклонено")}


def _comment_kinds() -> dict[str, str]:
    return {"comment": _("Комментарий"), "clarification_request": _("Запрос уточнения"),
            "clarification_reply": _("Уточнение инвестора"), "rejection": _("Причина отклонения"),
            "remarks": _("Замечания руководителя"), "rework_reason": _("Причина доработки"),
            "first_response": _("Первичный ответ"), "agency_part": _("Часть ответа ведомства")}


def channel_labels() -> dict[str, str]:
    """Names of services.intake.CHANNELS (seed 004: the ways an appeal reaches the agency)."""
    return {"lk": _("Личный кабинет инвестора"), "phone": _("Телефон"), "email": _("Электронная почта"),
            "meeting": _("Встреча"), "social": _("Социальные сети"), "letter": _("Письмо"),
            "portal": _("Портал"), "messenger": _("Мессенджер")}


@bp.app_template_filter("status_ru")
def status_ru(code: str | None) -> str:
    return _statuses().get(code or "", code or "—")


@bp.app_template_filter("role_ru")
def role_ru(code: str | None) -> str:
    return _roles().get(code or "", code or "—")


@bp.app_template_filter("field_ru")
def field_ru(code: str) -> str:
    return _fields().get(code, code)


@bp.app_template_filter("outcome_ru")
def outcome_ru(code: str | None) -> str:
    return _outcomes().get(code or "", code or "—")


@bp.app_template_filter("comment_kind_ru")
def comment_kind_ru(code: str | None) -> str:
    return _comment_kinds().get(code or "comment", code or "")


@bp.app_template_filter("channel_ru")
def channel_ru(code: str | None) -> str:
    return channel_labels().get(code or "", code or "—")


@bp.app_template_filter("event_ru")
def event_ru(event: dict) -> str:
    """An event's action in Russian; the same action name means different things in different steps."""
    names = _actions()
    return names.get(f"{event.get('task')}:{event.get('action')}") or names.get(event.get("action") or "", "—")


@bp.app_template_global()
def outcome_choices() -> list[tuple[str, str]]:
    return list(_outcomes().items())
