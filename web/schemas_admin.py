"""Bodies of the administrative routes — absences, calendar overrides, the what-if form — and what
the routes without a resource schema of their own answer (notifications, outbox, incidents,
reports, the classifier, the knowledge base, process models)."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validates_schema

from services.notify.preferences import MODES
from services.work.absences import MAX_DAYS
from services.work.calendar_overrides import KINDS

from .validation import Body, Choice, Day, Text


class AbsenceIn(Body):
    """An absence: the first and last day (inclusive), the colleague who stands in, a note."""

    message = "Отсутствие не записано: проверьте поля"
    starts_on = Day(required=True)
    ends_on = Day(required=True)
    substitute = Text(100, required=True, metadata={"description": "login of a colleague of the same organisation"})
    note = Text(500)

    @validates_schema
    def _period(self, data: dict, **kwargs: Any) -> None:
        if data["ends_on"] < data["starts_on"]:
            raise ValidationError("не раньше даты начала", "ends_on")
        if (data["ends_on"] - data["starts_on"]).days >= MAX_DAYS:
            raise ValidationError(f"не длиннее {MAX_DAYS} дней", "ends_on")


class CalendarOverrideIn(Body):
    """What a day is: working (a decree made a weekend working), holiday, or shortened (pre-holiday)."""

    message = "Проверьте поля"
    date = Day(required=True)
    kind = Choice(KINDS, load_default="holiday")
    note = Text(255)


class CalendarDayIn(Body):
    """The day of an override (the path's `<day>`)."""

    message = "Проверьте дату"
    date = Day(required=True)


class SimulationForm(Body):
    """The what-if form (multipart/form-data): the period, a candidate diagram and/or classifier."""

    message = "Проверьте период"
    since = Day(required=True)
    until = Day()


class NotificationSettingsIn(Body):
    """How the caller wants letters: at once, one daily digest, or none (in-app notifications always)."""

    message = "Проверьте настройки уведомлений"
    email = Choice(MODES, required=True, metadata={"description": "immediate | digest | off"})


class NotificationSettingsOut(Schema):
    email = fields.Str()
    modes = fields.List(fields.Str())
    digest_hour = fields.Int(metadata={"description": "local hour of the daily digest (the pack's zone)"})
    timezone = fields.Str()


ABSENCE = AbsenceIn()
NOTIFICATION_SETTINGS = NotificationSettingsIn()
CALENDAR_OVERRIDE = CalendarOverrideIn()
CALENDAR_DAY = CalendarDayIn()
SIMULATION = SimulationForm()
SIMULATION_FILES = {"diagram": "a candidate BPMN diagram (up to 2 MiB)",
                    "classifier": "a candidate classifier JSON (up to 2 MiB)"}


# -- responses --------------------------------------------------------------------------------
class AbsenceOut(Schema):
    id = fields.Int()
    login = fields.Str()
    starts_on = fields.Date()
    ends_on = fields.Date()
    substitute = fields.Str()
    note = fields.Str(allow_none=True)
    created_by = fields.Str()
    active = fields.Bool()


class AbsencesOut(Schema):
    """The user's absences and those in which the user stands in for someone."""

    items = fields.List(fields.Nested(AbsenceOut))
    covering = fields.List(fields.Nested(AbsenceOut))


class AbsenceCancelledOut(Schema):
    deleted = fields.Int()
    tasks_returned = fields.Int()


class HandoverOut(Schema):
    absence_id = fields.Int()
    substitute = fields.Str()
    tasks = fields.List(fields.Int())


class CalendarOverrideOut(Schema):
    date = fields.Date()
    kind = fields.Str()
    working = fields.Bool()
    note = fields.Str(allow_none=True)
    deleted = fields.Bool()
    recalculated = fields.List(fields.Dict(), metadata={"description": "the open appeals whose deadline moved"})


class CalendarOverridesOut(Schema):
    items = fields.List(fields.Nested(CalendarOverrideOut))


class NotificationOut(Schema):
    id = fields.Int()
    event = fields.Str()
    text = fields.Str()
    appeal_id = fields.Int(allow_none=True)
    appeal_number = fields.Int(allow_none=True)
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class NotificationsOut(Schema):
    items = fields.List(fields.Nested(NotificationOut))
    unread = fields.Int()


class MarkedOut(Schema):
    marked = fields.Int()


class OutboxMessageOut(Schema):
    id = fields.Int()
    event_key = fields.Str()
    event = fields.Str()
    appeal_id = fields.Int(allow_none=True)
    recipient = fields.Str()
    recipient_login = fields.Str(allow_none=True)
    subject = fields.Str()
    state = fields.Str()
    attempts = fields.Int()
    created_at = fields.DateTime()
    next_attempt_at = fields.DateTime(allow_none=True)
    sent_at = fields.DateTime(allow_none=True)
    last_error = fields.Str(allow_none=True)


class OutboxOut(Schema):
    items = fields.List(fields.Nested(OutboxMessageOut))


class IncidentsOut(Schema):
    """Timers whose handler failed: error, attempts, next attempt."""

    items = fields.List(fields.Dict())


class KnowledgeBaseOut(Schema):
    """The knowledge base's answer scripts that match (Moscow, seed 004; other packs: none)."""

    pack = fields.Str()
    query = fields.Str(allow_none=True)
    items = fields.List(fields.Dict())


class ClassifierOut(Schema):
    """The pack's tree: categories → subcategories → facts, each fact with its appeal type and SLA."""

    pack = fields.Str()
    appeal_types = fields.Raw()
    categories = fields.List(fields.Dict())


class ReportOut(Schema):
    """A report of seed 001 (by appeal type: `rows`; by executor: `executors`) with its total row."""

    title = fields.Str()
    exported_at = fields.DateTime()
    rows = fields.List(fields.Dict())
    executors = fields.List(fields.Dict())
    total = fields.Dict()


class DashboardOut(Schema):
    """Open, overdue, due soon, answered this month; by organisation; the weekly trend."""

    at = fields.DateTime()
    totals = fields.Dict()
    by_org = fields.List(fields.Dict())
    trend = fields.List(fields.Dict())
    due_soon_days = fields.Int()


class ScoreOut(Schema):
    """Seed 003 Appendix 1: the weighted score, the threshold and the points per criterion."""

    score = fields.Float()
    threshold = fields.Float()
    included = fields.Bool()
    points = fields.Dict()


class ProcessModelOut(Schema):
    process_id = fields.Str()
    kind = fields.Str()
    current_version = fields.Int(allow_none=True)
    versions = fields.List(fields.Dict())


class ProcessModelsOut(Schema):
    items = fields.List(fields.Nested(ProcessModelOut))


class StepChoiceOut(Schema):
    value = fields.Raw()
    label = fields.Str()


class StepFieldOut(Schema):
    name = fields.Str()
    type = fields.Str()
    required = fields.Bool()
    label = fields.Str()
    choices = fields.List(fields.Nested(StepChoiceOut))
    lookup = fields.Str()


class StepActionOut(Schema):
    name = fields.Str()
    label = fields.Str()
    fields = fields.List(fields.Nested(StepFieldOut))


class StepOut(Schema):
    """A step of the registry (services/steps.py): GET /api/v1/steps."""

    name = fields.Str()
    title = fields.Str()
    subject_type = fields.Str()
    roles = fields.List(fields.Str())
    actions = fields.List(fields.Nested(StepActionOut))


class StepListOut(Schema):
    items = fields.List(fields.Nested(StepOut))


class UserDisabledOut(Schema):
    login = fields.Str()
    active = fields.Bool()
    sessions_ended = fields.Int()
