"""Kazakhstan bodies (seed 003): initiative and Module 1 cards, roadmap tasks, the prosecutor's
filter, МРП; and what those routes answer."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from packs.kazakhstan.models import ROADMAP_STAGES
from packs.kazakhstan.prosecutor import MEASURES
from web.validation import REQUIRED, Body, Card, Choice, Code, Day, Flag, Integer, Items, Text, between

CARD_TEXT = 2000


class CompanyCardIn(Body):
    """Item 38: the company and contact card."""

    name = Text(500, required=True)
    country = Text(500, required=True)
    sector = Text(500, required=True)
    size = Text(500)
    contact = Text(500, required=True)


class KycIn(Body):
    """Item 38: the KYC procedure, which must be passed."""

    passed = Flag(required=True, metadata={"description": "must be true (checked on the initiative: errors.kyc)"})
    notes = Text(CARD_TEXT)


class MeetingCardIn(Body):
    """Items 39, 42: a meeting card."""

    message = "Проверьте карточку встречи"
    date = Day(required=True)
    participants = Text(CARD_TEXT, required=True)
    subject = Text(CARD_TEXT, required=True)
    agreements = Text(CARD_TEXT, required=True)


class VisitIn(Body):
    """Items 39, 42: the visit; when it was held, its results."""

    message = "Проверьте итоги визита"
    held_on = Day(required=True)
    purpose = Text(CARD_TEXT)
    responsible = Text(CARD_TEXT)
    outcome = Text(CARD_TEXT, required=True)


class InitiativeVisitIn(Body):
    """The visit as handed with the initiative (every part optional)."""

    held_on = Day()
    purpose = Text(CARD_TEXT)
    responsible = Text(CARD_TEXT)
    outcome = Text(CARD_TEXT)


class InitiativeIn(Body):
    """Items 37–40: the initiative an initiator hands to a local executive body."""

    message = "Проверьте карточку инициативы"
    name = Text(500, required=True)
    region = Text(120, required=True)
    local_exec_org = Code(required=True, what="код местного исполнительного органа")
    company_org = Code()
    company = Card(CompanyCardIn, required=True)
    kyc = Card(KycIn, required=True)
    meetings = Items(Card(MeetingCardIn), required=True, validate=validate.Length(
        min=1, max=50, error="от одной до 50 карточек встреч (date, participants, subject, agreements)"))
    visit = Card(InitiativeVisitIn, load_default=None, allow_none=True)

    @validates_schema(skip_on_field_errors=False)
    def _kyc(self, data: dict, **kwargs) -> None:
        if "kyc" in data and data["kyc"]["passed"] is not True:
            raise ValidationError("процедура KYC должна быть пройдена (passed: true)", "kyc")


class MessageIn(Body):
    """Item 42: a message in the project's chat."""

    message = "Проверьте сообщение"
    text = Text(4000, required=True)


class ProsecutorCaseIn(Body):
    """Items 57–59: a measure sent to the prosecutor's office for approval."""

    message = "Проверьте меру для согласования"
    measure = Choice(MEASURES, prefix="одна из мер", required=True)
    act = Text(4000, required=True)
    justification = Text(4000, required=True)
    prosecutor_org = Code(required=True, what="код органа прокуратуры")


class ProsecutorDecisionIn(Body):
    """Item 58: the office approves, or refuses with a reason."""

    message = "Проверьте решение прокуратуры"
    approved = Flag(required=True)
    comment = Text(4000)

    @validates_schema
    def _reason(self, data: dict, **kwargs) -> None:
        if data.get("approved") is False and not data.get("comment"):
            raise ValidationError(REQUIRED, "comment")


class RoadmapTaskIn(Body):
    """Items 47–48: a roadmap task. PATCH takes any subset of the fields."""

    message = "Проверьте задачу дорожной карты"
    stage = Choice(ROADMAP_STAGES, prefix="одна из стадий", required=True)
    title = Text(5000, required=True)
    due_date = Day(required=True)
    responsible = Text(5000, required=True)
    expected_result = Text(5000)
    support_measures = Text(5000)
    risks = Text(5000)


class RoadmapDoneIn(Body):
    """Item 64: the day the task was actually done (default today)."""

    message = "Проверьте дату окончания"
    completed_on = Day()


class RoadmapValidationIn(Body):
    """Item 65: the Chamber accepts a done task, or reopens it saying why."""

    message = "Проверьте решение"
    accepted = Flag(required=True)
    comment = Text(5000)

    @validates_schema
    def _reason(self, data: dict, **kwargs) -> None:
        if data.get("accepted") is False and not data.get("comment"):
            raise ValidationError("укажите причину", "comment")


class MrpIn(Body):
    """The МРП of a year (the law on the republican budget)."""

    message = "Проверьте МРП"
    year = Integer(required=True, validate=between(2000, 2100, "год от 2000 до 2100"))
    mrp = Integer(required=True, validate=between(1, 10**9, "целое положительное число тенге"))


INITIATIVE = InitiativeIn()
MEETING = MeetingCardIn()
VISIT = VisitIn()
MESSAGE = MessageIn()
PROSECUTOR_CASE = ProsecutorCaseIn()
PROSECUTOR_DECISION = ProsecutorDecisionIn()
ROADMAP_TASK = RoadmapTaskIn()
ROADMAP_TASK_CHANGE = RoadmapTaskIn(partial=True)
ROADMAP_DONE = RoadmapDoneIn()
ROADMAP_VALIDATION = RoadmapValidationIn()
MRP = MrpIn()


# -- responses --------------------------------------------------------------------------------
class KzRoadmapTaskOut(Schema):
    id = fields.Int()
    project_id = fields.Int()
    stage = fields.Str()
    title = fields.Str()
    due_date = fields.Date()
    expected_result = fields.Str(allow_none=True)
    support_measures = fields.Str(allow_none=True)
    risks = fields.Str(allow_none=True)
    responsible = fields.Str()
    state = fields.Str()
    completed_on = fields.Date(allow_none=True)
    validation_due = fields.Date(allow_none=True)
    validated_at = fields.DateTime(allow_none=True)
    validated_by = fields.Str(allow_none=True)
    validation_comment = fields.Str(allow_none=True)
    colour = fields.Str(allow_none=True)
    validated_in_time = fields.Bool()


class KzProjectOut(Schema):
    """Passport (item 46), pool and green corridor, the roadmap with the colours of item 61."""

    id = fields.Int()
    name = fields.Str()
    status = fields.Str()
    status_name = fields.Str()
    stage = fields.Str()
    region = fields.Str(allow_none=True)
    company_org = fields.Str(allow_none=True)
    company_name = fields.Str(allow_none=True)
    local_exec_org = fields.Str(allow_none=True)
    initiator_org = fields.Str(allow_none=True)
    passport = fields.Dict(allow_none=True)
    pool = fields.Dict(allow_none=True)
    initiative = fields.Dict(allow_none=True)
    review_due = fields.Str(allow_none=True)
    extended = fields.Bool()
    roadmap_due = fields.Str(allow_none=True)
    fix_due = fields.Str(allow_none=True)
    remarks = fields.List(fields.Raw())
    suspension = fields.Dict(allow_none=True)
    monitoring_from = fields.Str(allow_none=True)
    monitoring_until = fields.Str(allow_none=True)
    returned_to_initiative = fields.List(fields.Raw())
    created_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    roadmap = fields.List(fields.Nested(KzRoadmapTaskOut))


class KzProjectListOut(Schema):
    items = fields.List(fields.Nested(KzProjectOut))


class KzMeetingsOut(Schema):
    meetings = fields.List(fields.Dict())


class KzVisitOut(Schema):
    visit = fields.Dict()


class KzMessageOut(Schema):
    id = fields.Int()
    author = fields.Str()
    author_org = fields.Str(allow_none=True)
    text = fields.Str()
    created_at = fields.DateTime()


class KzMessagesOut(Schema):
    items = fields.List(fields.Nested(KzMessageOut))
    can_write = fields.Bool()


class KzProsecutorCaseOut(Schema):
    id = fields.Int()
    project_id = fields.Int()
    measure = fields.Str()
    measure_name = fields.Str()
    act = fields.Str()
    justification = fields.Str()
    body_org = fields.Str(allow_none=True)
    level = fields.Str()
    region = fields.Str(allow_none=True)
    prosecutor_org = fields.Str()
    state = fields.Str()
    decision_comment = fields.Str(allow_none=True)
    decided_by = fields.Str(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    created_by = fields.Str()
    created_at = fields.DateTime()


class KzProsecutorCasesOut(Schema):
    items = fields.List(fields.Nested(KzProsecutorCaseOut))


class MrpOut(Schema):
    year = fields.Int()
    mrp = fields.Int()
    updated_by = fields.Str(allow_none=True)
    updated_at = fields.DateTime(allow_none=True)


class MrpListOut(Schema):
    items = fields.List(fields.Nested(MrpOut))


class RegionRatingOut(Schema):
    """Item 62: points for overdue roadmap tasks, fewer first, ties to more projects."""

    at = fields.Date()
    items = fields.List(fields.Dict())


class MonitoringReportOut(Schema):
    """Items 24, 74, 75: the quarterly monitoring report per region with the reporting days."""

    items = fields.List(fields.Dict())
