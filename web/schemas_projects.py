"""Onboarding and project bodies (seed 000 sections 2–4): the registration request, the passport
change, meetings and protocols, project to-dos; and what those routes answer."""
from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from marshmallow import Schema, ValidationError, fields, validates_schema

from classifiers.inn import inn_problem
from classifiers.ogrn import ogrn_problem
from classifiers.okved import parse_okved
from classifiers.project_stages import BY_CODE
from services.projects.project import TEXT_FIELDS
from services.projects.work import MEETING_KINDS, PROTOCOL_KINDS

from .validation import _BASE, Body, Choice, Code, Day, Integer, Number, Text, at_least

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class CheckedCode(fields.String):
    """A registry number checked by its classifier (ИНН, ОГРН check digits); blank is the checker's
    own message."""

    default_error_messages = {**_BASE, "invalid": "ожидается строка"}

    def __init__(self, problem, **kwargs: Any):
        super().__init__(required=True, **kwargs)
        self.problem = problem

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if message := self.problem(text):
            raise ValidationError(message)
        return text


class Okved(fields.String):
    """ОКВЭД codes, comma- or space-separated; loaded as "10.11, 46.90"."""

    default_error_messages = {**_BASE, "invalid": "ожидается строка"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        codes, problem = parse_okved(super()._deserialize(value, attr, data, **kwargs))
        if problem:
            raise ValidationError(problem)
        return ", ".join(codes)


class Moment(fields.String):
    """A date-time ISO 8601 (`YYYY-MM-DDTHH:MM`, with or without an offset) or a date (10:00 that day);
    without an offset it is read in the pack's zone by the service."""

    default_error_messages = {**_BASE, "invalid": "дата и время ISO 8601 (ГГГГ-ММ-ДДTЧЧ:ММ) или дата ГГГГ-ММ-ДД"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return datetime.fromisoformat(text) if "T" in text else datetime.combine(date.fromisoformat(text), time(10))
        except ValueError as err:
            raise self.make_error("invalid") from err


class RegistrationIn(Body):
    """Seed 000 item 2.1: the company's legal data; a phone or an e-mail."""

    message = "Заявка не принята: проверьте поля"
    company_name = Text(500, required=True)
    inn = CheckedCode(inn_problem)
    ogrn = CheckedCode(ogrn_problem)
    address = Text(500, required=True)
    contact_name = Text(255, required=True)
    contact_phone = Text(40)
    contact_email = Text(255)

    @validates_schema(skip_on_field_errors=False)
    def _contact(self, data: dict, **kwargs: Any) -> None:
        if data.get("contact_email") and not EMAIL.match(data["contact_email"]):
            raise ValidationError("адрес электронной почты", "contact_email")
        if not data.get("contact_phone") and not data.get("contact_email"):
            raise ValidationError("укажите телефон или электронную почту", "contact_phone")


class ProjectChangeIn(Body):
    """The passport fields, the stage, the commissioner, the manager: any subset."""

    message = "Проект не изменён: проверьте поля"
    error_messages = {**Body.error_messages, "unknown": "поле нельзя изменить"}
    name = Text(TEXT_FIELDS["name"], required=True)
    okved = Okved()
    sector = Text(TEXT_FIELDS["sector"])
    source = Text(TEXT_FIELDS["source"])
    investment_volume = Number(allow_none=True, validate=at_least(0, "неотрицательное число (млн руб.)"),
                               metadata={"description": "млн руб."})
    jobs = Integer(allow_none=True, validate=at_least(0, "неотрицательное целое число"))
    site = Text(TEXT_FIELDS["site"])
    region = Text(TEXT_FIELDS["region"])
    description = Text(TEXT_FIELDS["description"])
    stage = Choice(BY_CODE, prefix="одна из")
    commissioner = Code(metadata={"description": "login of the investment commissioner"})
    manager = Code(metadata={"description": "login of a manager (agency heads only)"})


class MeetingIn(Body):
    """Seed 000 item 3.1: a planned meeting or consultation with its agenda."""

    message = "Встреча не добавлена: проверьте поля"
    kind = Choice(MEETING_KINDS, load_default="meeting")
    title = Text(500, required=True)
    agenda = Text(20000, required=True)
    planned_at = Moment(required=True)


class ProtocolIn(Body):
    """Seed 000 items 3.1–3.3: the protocol (or resume) of a held meeting."""

    message = "Протокол не внесён: проверьте поля"
    kind = Choice(PROTOCOL_KINDS, load_default="protocol")
    text = Text(50000, required=True)


class ProjectTaskIn(Body):
    """A to-do between the investor and the manager."""

    message = "Задача не создана: проверьте поля"
    title = Text(500, required=True)
    description = Text(20000)
    due_date = Day(required=True)
    assignee = Code(required=True, metadata={"description": "login"})


REGISTRATION = RegistrationIn()
PROJECT_CHANGE = ProjectChangeIn(partial=True)
MEETING = MeetingIn()
PROTOCOL = ProtocolIn()
PROJECT_TASK = ProjectTaskIn()


# -- responses --------------------------------------------------------------------------------
class PersonRefOut(Schema):
    login = fields.Str(allow_none=True)
    name = fields.Str()
    email = fields.Str(allow_none=True)
    phone = fields.Str(allow_none=True)
    org = fields.Str(allow_none=True)


class ProjectOut(Schema):
    """A Leningrad project: passport, manager, commissioner, stage, status, staleness."""

    id = fields.Int()
    pack = fields.Str()
    name = fields.Str()
    company = fields.Dict()
    okved = fields.Str(allow_none=True)
    sector = fields.Str(allow_none=True)
    source = fields.Str(allow_none=True)
    investment_volume = fields.Float(allow_none=True)
    jobs = fields.Int(allow_none=True)
    site = fields.Str(allow_none=True)
    region = fields.Str(allow_none=True)
    description = fields.Str(allow_none=True)
    manager = fields.Nested(PersonRefOut)
    commissioner = fields.Nested(PersonRefOut)
    stage = fields.Str(allow_none=True)
    stage_name = fields.Str(allow_none=True)
    stage_phase = fields.Str(allow_none=True)
    status = fields.Str()
    status_name = fields.Str()
    created_at = fields.DateTime()
    info_updated_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    staleness = fields.Dict(allow_none=True)
    details = fields.Dict()


class ProjectListOut(Schema):
    items = fields.List(fields.Nested(ProjectOut))


class RegistrationOut(Schema):
    """A registration request and where it is on the onboarding path."""

    id = fields.Int()
    status = fields.Str()
    status_name = fields.Str()
    company = fields.Dict()
    contact = fields.Dict()
    investor = fields.Str(allow_none=True)
    registered_by = fields.Str()
    created_at = fields.DateTime()
    confirm_due_at = fields.DateTime(allow_none=True)
    manager = fields.Str(allow_none=True)
    application = fields.Dict(allow_none=True)
    okved_check = fields.Dict(allow_none=True)
    check_due_at = fields.DateTime(allow_none=True)
    reason = fields.Str(allow_none=True)
    project_id = fields.Int(allow_none=True)
    project = fields.Nested(ProjectOut, allow_none=True)
    closed_at = fields.DateTime(allow_none=True)


class RegistrationListOut(Schema):
    items = fields.List(fields.Nested(RegistrationOut))


class ProjectEventOut(Schema):
    at = fields.DateTime()
    actor = fields.Str()
    action = fields.Str()


class ProjectHistoryOut(Schema):
    items = fields.List(fields.Nested(ProjectEventOut))


class MeetingOut(Schema):
    id = fields.Int()
    project_id = fields.Int()
    kind = fields.Str()
    kind_name = fields.Str(allow_none=True)
    title = fields.Str()
    agenda = fields.Str()
    planned_at = fields.DateTime()
    protocol_due = fields.Date()
    created_by = fields.Str()
    protocol = fields.Dict(allow_none=True)
    protocol_overdue = fields.Bool()


class MeetingListOut(Schema):
    items = fields.List(fields.Nested(MeetingOut))


class ProjectTaskOut(Schema):
    id = fields.Int()
    project_id = fields.Int()
    kind = fields.Str()
    title = fields.Str()
    description = fields.Str(allow_none=True)
    assignee = fields.Str()
    due_date = fields.Date()
    meeting_id = fields.Int(allow_none=True)
    created_by = fields.Str()
    created_at = fields.DateTime()
    done = fields.Bool()
    done_at = fields.DateTime(allow_none=True)
    done_by = fields.Str(allow_none=True)
    overdue = fields.Bool()
    project_name = fields.Str()


class ProjectTaskListOut(Schema):
    items = fields.List(fields.Nested(ProjectTaskOut))


class ProjectRegistryOut(Schema):
    """The projects registry: the page of projects and the filters as applied."""

    items = fields.List(fields.Dict())
    total = fields.Int()
