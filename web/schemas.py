"""marshmallow schemas for every request and response body of the API."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields

from services.appeals.intake import CHANNELS
from services.visibility import VISIBILITIES

from .validation import (
    REQUIRED,
    Body,
    Boolean,
    Card,
    Choice,
    Integer,
    Real,
    Str,
    Text,
    Timestamp,
    at_least,
    length,
)


class TokenRequest(Body):
    login = Str(required=True, validate=length(1, 100, "от 1 до 100 символов"))
    password = Str(required=True, validate=length(1, 200, "от 1 до 200 символов"))


class UserOut(Schema):
    login = fields.Str()
    name = fields.Str()
    email = fields.Str(allow_none=True)
    phone = fields.Str(allow_none=True)
    org = fields.Str()
    roles = fields.List(fields.Str())


class TokenResponse(Schema):
    token = fields.Str()
    user = fields.Nested(UserOut)


class DeadlineRequest(Body):
    fact = Str(required=True, validate=length(1, 120, REQUIRED))
    received_at = Timestamp(load_default=None)


class DeadlineResponse(Schema):
    fact = fields.Str()
    fact_name = fields.Str()
    appeal_type = fields.Str()
    appeal_type_name = fields.Str()
    deadline = fields.Str()
    effective_receipt = fields.Str()
    first_response = fields.Str(allow_none=True)
    days = fields.Int()
    counting = fields.Str()
    timezone = fields.Str()


class CompanyIn(Body):
    name = Text(500, required=True)
    inn = Str(required=True, validate=length(10, 12, "от 10 до 12 цифр"))


class AppealCreate(Body):
    message = "Обращение не принято: проверьте поля"
    fact = Str(required=True, validate=length(1, 120, REQUIRED))
    subject = Text(500, required=True)
    description = Text(20000, required=True)
    company = Card(CompanyIn, required=True)
    project_id = Integer(load_default=None, allow_none=True)
    channel = Choice(CHANNELS, load_default=None, allow_none=True,
                     metadata={"description": "operators only; the investor's own appeal is `lk`"})
    received_at = Timestamp(load_default=None, allow_none=True, metadata={"description": "operators only"})


class PersonOut(Schema):
    login = fields.Str(allow_none=True)  # {"login": null}: nobody in that role yet
    name = fields.Str()
    email = fields.Str(allow_none=True)
    phone = fields.Str(allow_none=True)
    org = fields.Str(allow_none=True)


class OrgOut(Schema):
    code = fields.Str()
    name = fields.Str()
    kind = fields.Str(allow_none=True)


class RolesOut(Schema):
    head = fields.Nested(PersonOut, allow_none=True)
    coordinator = fields.Nested(PersonOut, allow_none=True)
    manager = fields.Nested(PersonOut, allow_none=True)


class CompanyOut(Schema):
    name = fields.Str()
    inn = fields.Str()
    org = fields.Str(allow_none=True)
    ogrn = fields.Str(allow_none=True)  # from the company's organisation, when registered


class AnswerOut(Schema):
    text = fields.Str()
    at = fields.DateTime(allow_none=True)


class AppealOut(Schema):
    id = fields.Int()
    number = fields.Int()
    status = fields.Str()
    status_name = fields.Str()
    appeal_type = fields.Str()
    fact = fields.Str()
    fact_name = fields.Str()
    category = fields.Str()
    category_name = fields.Str()
    subcategory = fields.Str()
    subcategory_name = fields.Str()
    subject = fields.Str()
    description = fields.Str()
    company = fields.Nested(CompanyOut)
    investor = fields.Nested(PersonOut, allow_none=True)
    channel = fields.Str()
    project_id = fields.Int(allow_none=True)
    received_at = fields.DateTime()
    created_at = fields.DateTime()
    deadline = fields.Date()
    deadline_at = fields.DateTime()
    overdue = fields.Bool()
    overdue_at = fields.DateTime(allow_none=True)
    agency_org = fields.Str(allow_none=True)
    agency = fields.Nested(OrgOut, allow_none=True)
    executor_org = fields.Str(allow_none=True)
    executor = fields.Nested(OrgOut, allow_none=True)
    roles = fields.Nested(RolesOut)
    rework_count = fields.Int()
    rating = fields.Int(allow_none=True)
    outcome = fields.Str(allow_none=True)
    answer = fields.Nested(AnswerOut, allow_none=True)
    closed_at = fields.DateTime(allow_none=True)


class HistoryItemOut(Schema):
    id = fields.Int()
    at = fields.DateTime()
    actor = fields.Str()
    role = fields.Str(allow_none=True)
    action = fields.Str()
    task = fields.Str(allow_none=True)
    status_from = fields.Str(allow_none=True)
    status_to = fields.Str(allow_none=True)
    data = fields.Dict()
    on_behalf_of = fields.Str(allow_none=True)  # the absent user a substitute acted for
    visibility = fields.Str(metadata={"enum": list(VISIBILITIES),
                                      "description": "`internal` items reach staff only (docs/api.md)"})


class CommentIn(Body):
    text = Text(10000, required=True)
    visibility = Choice(VISIBILITIES, load_default=None, allow_none=True, metadata={
        "description": "staff: `internal` (a note, the default) or `public` (a reply the investor reads); "
                       "an investor's comment is always `public`"})


class CommentOut(Schema):
    id = fields.Int()
    at = fields.DateTime()
    author = fields.Str()
    role = fields.Str(allow_none=True)
    kind = fields.Str()
    text = fields.Str()
    visibility = fields.Str(metadata={"enum": list(VISIBILITIES)})


class TaskAppealOut(Schema):
    number = fields.Int()
    subject = fields.Str()
    status = fields.Str()
    status_name = fields.Str(allow_none=True)
    deadline = fields.Date()
    appeal_type = fields.Str()


class FormFieldOut(Schema):
    name = fields.Str()
    type = fields.Str()
    required = fields.Bool()
    label = fields.Str()
    choices = fields.List(fields.Raw())


class FormActionOut(Schema):
    name = fields.Str()
    label = fields.Str()
    status_to = fields.Str(allow_none=True)
    fields = fields.List(fields.Nested(FormFieldOut))


class FormOut(Schema):
    actions = fields.List(fields.Nested(FormActionOut))


class TaskOut(Schema):
    id = fields.Int()
    appeal_id = fields.Int(allow_none=True)
    project_id = fields.Int(allow_none=True)
    registration_id = fields.Int(allow_none=True)
    name = fields.Str()
    step = fields.Str()
    title = fields.Str()
    role = fields.Str()
    org = fields.Str(allow_none=True)
    assignee = fields.Str(allow_none=True)
    on_behalf_of = fields.Str(allow_none=True)  # the absent assignee when a substitute holds the task
    due_at = fields.DateTime(allow_none=True)
    state = fields.Str()
    created_at = fields.DateTime()
    actions = fields.List(fields.Str())
    appeal = fields.Nested(TaskAppealOut)
    form = fields.Nested(FormOut)


class TaskComplete(Schema):
    """`action` plus the action's fields; the fields are checked against the diagram's form."""

    class Meta:
        unknown = EXCLUDE

    action = Str(required=True, validate=length(1, 40, REQUIRED))


class NextTaskOut(Schema):
    name = fields.Str()
    step = fields.Str()
    title = fields.Str()
    role = fields.Str()


class TaskResultOut(Schema):
    task_id = fields.Int()
    action = fields.Str()
    status_from = fields.Str(allow_none=True)
    status_to = fields.Str(allow_none=True)
    appeal = fields.Nested(AppealOut)
    registration = fields.Dict()  # a registration's step (onboarding)
    project = fields.Dict()
    next_tasks = fields.List(fields.Nested(NextTaskOut))


class GreenCorridorIn(Body):
    investment_usd = Real(required=True, validate=at_least(0, "неотрицательное число"))
    global2000 = Boolean(required=True)
    tech_level = Choice(["non_manufacturing", "unlisted", "medium", "high"], required=True)
    jobs = Integer(required=True, validate=at_least(0, "неотрицательное целое число"))


class ProcessVersionOut(Schema):
    id = fields.Int()
    process_id = fields.Str()
    version = fields.Int()
    content_hash = fields.Str()
    filename = fields.Str()
    deployed_at = fields.DateTime()
    deployed_by = fields.Str(allow_none=True)
    is_current = fields.Bool()
    kind = fields.Str()
    created = fields.Bool(metadata={"description": "false: the file is the same diagram as the current version "
                                                   "(same routing and layout), no new version was made"})
    message = fields.Str(metadata={"description": "why no version was made (with created = false)"})


class AttachmentOut(Schema):
    id = fields.Int()
    appeal_id = fields.Int()
    filename = fields.Str()
    content_type = fields.Str()
    size = fields.Int()
    sha256 = fields.Str()
    uploaded_by = fields.Str()
    uploaded_at = fields.DateTime()


# -- analysts (issue 7): versions diff, migration, what-if simulation -------------------------
class MigrateIn(Body):
    to_version = Integer(required=True, validate=at_least(1, "номер версии: целое число от 1"))
    dry_run = Boolean(load_default=False)


class MigrationItemOut(Schema):
    instance_id = fields.Int()
    subject_type = fields.Str()
    subject_id = fields.Int(allow_none=True)
    from_version = fields.Int()
    to_version = fields.Int()
    moved = fields.Bool()
    reasons = fields.List(fields.Str())
    open_tasks = fields.List(fields.Str())


class MigrationReportOut(Schema):
    """What moved to the version and what did not, with the reasons."""

    process_id = fields.Str()
    to_version = fields.Int()
    dry_run = fields.Bool()
    moved = fields.List(fields.Nested(MigrationItemOut))
    refused = fields.List(fields.Nested(MigrationItemOut))
    summary = fields.Dict()


class DiffChangeOut(Schema):
    aspect = fields.Str()
    old = fields.Raw(allow_none=True)
    new = fields.Raw(allow_none=True)


class DiffElementOut(Schema):
    id = fields.Str()
    kind = fields.Str()
    category = fields.Str()
    name = fields.Str(allow_none=True)
    line = fields.Int(allow_none=True)
    aspects = fields.Dict()


class DiffChangedOut(Schema):
    id = fields.Str()
    kind = fields.Str()
    category = fields.Str()
    name = fields.Str(allow_none=True)
    line_a = fields.Int(allow_none=True)
    line_b = fields.Int(allow_none=True)
    changes = fields.List(fields.Nested(DiffChangeOut))


class DiffOut(Schema):
    """Two versions of a process compared element by element."""

    process_id = fields.Str()
    version_a = fields.Nested(ProcessVersionOut)
    version_b = fields.Nested(ProcessVersionOut)
    added = fields.List(fields.Nested(DiffElementOut))
    removed = fields.List(fields.Nested(DiffElementOut))
    changed = fields.List(fields.Nested(DiffChangedOut))
    summary = fields.Dict()
    identical = fields.Bool()


class SimulatedAppealOut(Schema):
    id = fields.Int()
    number = fields.Int(allow_none=True)
    fact = fields.Str()
    created_at = fields.DateTime()
    appeal_type_old = fields.Str()
    appeal_type_new = fields.Str()
    deadline_old = fields.Str()
    deadline_new = fields.Str()
    deadline_changed = fields.Bool()
    deadline_shift_days = fields.Int()
    answered_at = fields.DateTime(allow_none=True)
    overdue_old = fields.Bool()
    overdue_new = fields.Bool()
    route_old = fields.List(fields.Str())
    route_new = fields.List(fields.Str())
    route_changed = fields.Bool()
    status_old = fields.Str(allow_none=True)
    status_new = fields.Str(allow_none=True)
    escalations_new = fields.Int()
    stopped = fields.Dict(allow_none=True)
    problem = fields.Str(allow_none=True)


class OrgLoadOut(Schema):
    org = fields.Str()
    appeals_old = fields.Int()
    appeals_new = fields.Int()
    tasks_old = fields.Int()
    tasks_new = fields.Int()


class SimulationOut(Schema):
    """What past appeals would have looked like with a candidate diagram and classifier."""

    period = fields.Dict()
    diagram = fields.Dict()
    classifier = fields.Dict()
    truncated = fields.Bool()
    summary = fields.Dict()
    load = fields.List(fields.Nested(OrgLoadOut))
    appeals = fields.List(fields.Nested(SimulatedAppealOut))

