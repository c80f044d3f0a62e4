"""The OpenAPI 3.1 document of /api/v1, built from the marshmallow schemas."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from marshmallow import Schema, fields

from . import schemas as s

_SIMPLE = {fields.Int: {"type": "integer"}, fields.Float: {"type": "number"}, fields.Bool: {"type": "boolean"},
           fields.DateTime: {"type": "string", "format": "date-time"}, fields.Date: {"type": "string", "format": "date"},
           fields.Str: {"type": "string"}, fields.Dict: {"type": "object"}, fields.Raw: {}}


def _field(f: fields.Field) -> dict[str, Any]:
    if isinstance(f, fields.Nested):
        schema = f.nested if isinstance(f.nested, type) else type(f.nested)
        out: dict[str, Any] = {"$ref": f"#/components/schemas/{schema.__name__}"}
    elif isinstance(f, fields.List):
        out = {"type": "array", "items": _field(f.inner)}
    else:
        out = next((dict(v) for k, v in _SIMPLE.items() if isinstance(f, k)), {})
    if f.allow_none and "$ref" not in out:
        out["type"] = [out.get("type", "string"), "null"]
    return out


def _schema(cls: type[Schema]) -> dict[str, Any]:
    inst = cls()
    props = {name: _field(f) for name, f in inst.fields.items()}
    required = [name for name, f in inst.fields.items() if f.required]
    out: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        out["required"] = required
    if cls.__doc__:
        out["description"] = cls.__doc__.strip()
    return out


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _op(summary: str, body: str | None = None, out: str | None = None, status: str = "200",
        auth: bool = True, params: list[dict] | None = None, content: str = "application/json") -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "responses": {
        status: {"description": "OK", "content": {content: {"schema": _ref(out) if out else {}}}},
        "400": _err("Malformed request"), "401": _err("No or invalid token"), "403": _err("Role not allowed"),
        "404": _err("Unknown or not visible"), "409": _err("Already completed / changed meanwhile"),
        "422": _err("Validation failed, a message per field")}}
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(body)}}}
    if not auth:
        op["security"] = []
    if params:
        op["parameters"] = params
    return op


def _err(text: str) -> dict[str, Any]:
    return {"description": text, "content": {"application/json": {"schema": _ref("Error")}}}


def _path(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def _query(name: str, desc: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": {"type": "string"}, "description": desc}


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    """The document served at /api/v1/openapi.json."""
    components = {cls.__name__: _schema(cls) for cls in (
        s.TokenRequest, s.TokenResponse, s.UserOut, s.DeadlineRequest, s.DeadlineResponse, s.CompanyIn,
        s.AppealCreate, s.AppealOut, s.PersonOut, s.OrgOut, s.RolesOut, s.CompanyOut, s.AnswerOut,
        s.HistoryItemOut, s.CommentIn, s.CommentOut, s.TaskAppealOut, s.FormFieldOut, s.FormActionOut,
        s.FormOut, s.TaskOut, s.TaskComplete, s.NextTaskOut, s.TaskResultOut, s.GreenCorridorIn,
        s.ProcessVersionOut, s.AttachmentOut, s.MigrateIn, s.MigrationItemOut, s.MigrationReportOut,
        s.DiffChangeOut, s.DiffElementOut, s.DiffChangedOut, s.DiffOut, s.SimulatedAppealOut, s.OrgLoadOut,
        s.SimulationOut)}
    components["Error"] = {"type": "object", "properties": {
        "code": {"type": "string"}, "status": {"type": "integer"}, "message": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}}}
    components["List"] = {"type": "object", "properties": {"items": {"type": "array", "items": {}}}}
    components["TaskComplete"]["additionalProperties"] = True
    aid = [_path("appeal_id")]
    paths = {
        "/api/v1/auth/token": {"post": _op("Sign in: login and password to a bearer token", "TokenRequest",
                                            "TokenResponse", auth=False)},
        "/api/v1/classifier": {"get": _op("The pack's classifier tree (category → subcategory → fact)")},
        "/api/v1/knowledge-base": {"get": _op("The pack's knowledge base of answer scripts (Moscow, seed 004)",
                                              out="List", params=[_query("q", "words, each in the article"),
                                                                  _query("fact", "articles of a classifier fact")])},
        "/api/v1/classifier/deadline": {"post": _op("Appeal type and deadline for a fact and a receipt time",
                                                     "DeadlineRequest", "DeadlineResponse")},
        "/api/v1/appeals": {
            "post": _op("File an appeal (investor; operator with channel and received_at)", "AppealCreate",
                        "AppealOut", status="201"),
            "get": _op("Appeals the caller may see", out="List",
                       params=[_query("as", "coordinator: the appeals the caller coordinates"),
                               _query("status", "filter by status code")])},
        "/api/v1/appeals/{appeal_id}": {"get": _op("One appeal", out="AppealOut", params=aid)},
        "/api/v1/appeals/{appeal_id}/history": {"get": _op("The appeal's history", out="List", params=aid)},
        "/api/v1/appeals/{appeal_id}/comments": {
            "get": _op("The appeal's comments", out="List", params=aid),
            "post": _op("Add a comment", "CommentIn", "CommentOut", status="201", params=aid)},
        "/api/v1/appeals/{appeal_id}/export.docx": {"get": _op(
            "The appeal as DOCX", params=aid,
            content="application/vnd.openxmlformats-officedocument.wordprocessingml.document")},
        "/api/v1/appeals/{appeal_id}/files": {
            "get": _op("Files attached to the appeal", out="List", params=aid),
            "post": {**_op("Attach a file (multipart field 'file'; up to 10 MB)", out="AttachmentOut", status="201",
                           params=aid),
                     "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                         "type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}}}},
        "/api/v1/appeals/{appeal_id}/files/{file_id}": {"get": _op(
            "Download a file", params=[*aid, _path("file_id")], content="application/octet-stream")},
        "/api/v1/tasks": {"get": _op("The caller's inbox", out="List", params=[_query("state", "open | done")])},
        "/api/v1/tasks/{task_id}": {"get": _op("A task with its form", out="TaskOut", params=[_path("task_id")])},
        "/api/v1/tasks/{task_id}/complete": {"post": _op("Complete a task with an action and its fields",
                                                         "TaskComplete", "TaskResultOut", params=[_path("task_id")])},
        "/api/v1/green-corridor/score": {"post": _op("Green-corridor scoring (seed 003 Appendix 1)",
                                                      "GreenCorridorIn")},
        "/api/v1/reports/appeals-by-type": {"get": _op(
            "Report by appeal type (seed 001): count, answered, in work, overdue, average rating, total",
            params=[_query("from", "YYYY-MM-DD, creation date from"), _query("to", "YYYY-MM-DD, to"),
                    _query("format", "xlsx for the file")])},
        "/api/v1/reports/appeals-by-executor": {"get": _op(
            "Report by executor × category → subcategory → fact (seed 001)",
            params=[_query("from", "YYYY-MM-DD"), _query("to", "YYYY-MM-DD"), _query("org", "executing organisation"),
                    _query("format", "xlsx for the file")])},
        "/api/v1/process-models": {
            "get": _op("Processes and their versions", out="List"),
            "post": {**_op("Deploy a BPMN diagram version (multipart field 'file')", out="ProcessVersionOut",
                           status="201"),
                     "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                         "type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}}}},
    }
    paths.update(_analyst_paths())
    paths.update(_notify_paths())
    paths.update(_time_paths())
    paths.update(_project_paths())
    paths.update(_kz_paths())
    return {"openapi": "3.1.0",
            "info": {"title": "Koridor API", "version": "1.0.0",
                     "description": "Routing of investors' appeals (обращения) for investment-support agencies."},
            "servers": [{"url": "/"}], "paths": paths,
            "components": {"schemas": components, "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}]}


def _analyst_paths() -> dict[str, Any]:
    """Issue 7: versions diff, migration of running instances, what-if simulation (analysts, admins)."""
    proc = {"name": "process_id", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        "/api/v1/process-models/{process_id}/versions/{a}/diff/{b}": {"get": _op(
            "Diff of two versions by element: added, removed, changed (analyst, admin, auditor)", out="DiffOut",
            params=[proc, _path("a"), _path("b")])},
        "/api/v1/process-models/{process_id}/migrate": {"post": _op(
            "Move running instances to a version where safe; report moved and refused with reasons "
            "(analyst, admin)", "MigrateIn", "MigrationReportOut", params=[proc])},
        "/api/v1/simulations": {"post": {**_op(
            "What-if: replay the decisions of the appeals filed since..until against a candidate diagram "
            "and/or classifier (analyst, admin); nothing is stored", out="SimulationOut"),
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["since"], "properties": {
                    "since": {"type": "string", "format": "date"}, "until": {"type": "string", "format": "date"},
                    "diagram": {"type": "string", "format": "binary"},
                    "classifier": {"type": "string", "format": "binary"}}}}}}}},
    }


def _notify_paths() -> dict[str, Any]:
    """Notifications, the e-mail outbox and absences (issue 5; docs/notifications.md)."""
    login = {"name": "login", "in": "path", "required": True, "schema": {"type": "string"},
             "description": "'me' or, for an admin, any login"}
    absence = [login, _path("absence_id")]
    return {
        "/api/v1/notifications": {"get": _op("The caller's notifications, unread first ({items, unread})",
                                             params=[_query("unread", "1: only the unread"),
                                                     _query("limit", "up to 500"), _query("offset", "skip")])},
        "/api/v1/notifications/{notification_id}/read": {"post": _op("Mark one read",
                                                                     params=[_path("notification_id")])},
        "/api/v1/notifications/read-all": {"post": _op("Mark all read ({marked})")},
        "/api/v1/outbox": {"get": _op("E-mail outbox (admin)", out="List",
                                      params=[_query("state", "pending | sending | sent | failed | skipped")])},
        "/api/v1/outbox/{message_id}/retry": {"post": _op("Queue a failed or skipped letter again (admin)",
                                                          params=[_path("message_id")])},
        "/api/v1/users/{login}/absences": {
            "get": _op("Absences of the user and whom the user stands in for ({items, covering})", params=[login]),
            "post": _op("Record an absence: starts_on, ends_on, substitute, note", status="201", params=[login])},
        "/api/v1/users/{login}/absences/{absence_id}": {"delete": _op(
            "Cancel an absence; delegated open tasks return to the owner", params=absence)},
        "/api/v1/users/{login}/absences/{absence_id}/handover": {"post": _op(
            "Hand every open task of the absent user over to the substitute", params=absence)},
    }


def _time_paths() -> dict[str, Any]:
    """Issue 5: production-calendar overrides and timer incidents (admin)."""
    override = {"type": "object", "required": ["date"], "properties": {
        "date": {"type": "string", "format": "date"},
        "kind": {"type": "string", "enum": ["working", "holiday", "shortened"]}, "note": {"type": "string"}}}
    return {
        "/api/v1/calendar/overrides": {
            "get": _op("Production-calendar overrides (admin)", out="List"),
            "post": {**_op("Set a day as working, holiday or shortened; recalculates the deadlines of the open "
                           "appeals it falls into and lists them (admin)", status="201"),
                     "requestBody": {"required": True, "content": {"application/json": {"schema": override}}}}},
        "/api/v1/calendar/overrides/{day}": {"delete": _op(
            "Remove a day's override; recalculates the open appeals' deadlines (admin)",
            params=[{"name": "day", "in": "path", "required": True, "schema": {"type": "string", "format": "date"}}])},
        "/api/v1/incidents": {"get": _op(
            "Timers whose handler failed: error, attempts, next attempt (admin)", out="List",
            params=[_query("resolved", "1: include the resolved ones")])},
    }


def _project_paths() -> dict[str, Any]:
    """Issue 4 (Leningrad onboarding, seed 000 sections 2–4) and the projects registry of issue 6."""
    pid, json_body = [_path("project_id")], {"required": True, "content": {"application/json": {"schema": {
        "type": "object"}}}}
    body = {"requestBody": json_body}
    return {
        "/api/v1/registrations": {
            "post": {**_op("File a registration request: company_name, inn, ogrn, address, contact_name, "
                           "contact_phone / contact_email (investor, operator)", status="201"), **body},
            "get": _op("Registration requests the caller may see", out="List", params=[_query("status", "status")])},
        "/api/v1/registrations/{registration_id}": {"get": _op("One registration request with its application, "
                                                               "ОКВЭД check and project",
                                                               params=[_path("registration_id")])},
        "/api/v1/projects": {"get": _op("Projects the caller may see", out="List")},
        "/api/v1/projects/{project_id}": {
            "get": _op("Passport, manager, commissioner, stage, status, staleness", params=pid),
            "patch": {**_op("Change passport fields, stage, commissioner (the project's manager; manager: "
                            "head / deputy director)", params=pid), **body}},
        "/api/v1/projects/{project_id}/history": {"get": _op(
            "Every action on the project, its registration and its appeals, with who did it", out="List", params=pid)},
        "/api/v1/projects/{project_id}/meetings": {
            "get": _op("Meetings and consultations", out="List", params=pid),
            "post": {**_op("Plan a meeting: kind, title, agenda, planned_at; its protocol is due the next "
                           "working day", status="201", params=pid), **body}},
        "/api/v1/projects/{project_id}/meetings/{meeting_id}/protocol": {"post": {**_op(
            "Enter the protocol or resume: kind (protocol | resume), text", params=[*pid, _path("meeting_id")]),
            **body}},
        "/api/v1/projects/{project_id}/tasks": {
            "get": _op("The project's tasks", out="List", params=pid),
            "post": {**_op("A task: title, assignee, due_date, description", status="201", params=pid), **body}},
        "/api/v1/projects/{project_id}/tasks/{task_id}/done": {"post": _op(
            "Mark a task done", params=[*pid, _path("task_id")])},
        "/api/v1/project-tasks": {"get": _op("The caller's open project tasks", out="List")},
        "/api/v1/registry/projects": {"get": _op(
            "Projects registry with dynamic filters (seed 001)", params=[
                _query(n, d) for n, d in (("stage", "stage code"), ("status", "active | passive"),
                                          ("sector", "sector"), ("manager", "manager login"),
                                          ("region", "municipal district"), ("stale", "1 | 0"),
                                          ("q", "project, company, ИНН, ОКВЭД"), ("from", "YYYY-MM-DD"),
                                          ("to", "YYYY-MM-DD"), ("format", "xlsx for the file"))])},
    }


def _kz_paths() -> dict[str, Any]:
    """Issue 4 (Kazakhstan, seed 003 ch. 3–4) and issue 6 (region rating, quarterly monitoring)."""
    pid, tid = [_path("project_id")], [_path("task_id")]
    xlsx = _query("format", "xlsx for the file")
    return {
        "/api/v1/kz/initiatives": {"post": _op(
            "An initiator hands an initiative (company card, KYC, meeting cards, visit) to a local executive "
            "body", status="201")},
        "/api/v1/kz/projects": {"get": _op("Kazakhstan projects (agency roles: all; investor: own)", out="List",
                                           params=[_query("status", "status code"), _query("region", "region")])},
        "/api/v1/kz/projects/{project_id}": {"get": _op(
            "Passport (item 46), pool and green corridor, roadmap with item 61 colours", params=pid)},
        "/api/v1/kz/projects/{project_id}/roadmap": {"post": _op(
            "Add a roadmap task (local executive body, initiator; while the roadmap is formed or returned)",
            status="201", params=pid)},
        "/api/v1/kz/roadmap-tasks/{task_id}": {
            "patch": _op("Change a roadmap task", params=tid),
            "delete": _op("Remove a roadmap task", status="204", params=tid)},
        "/api/v1/kz/roadmap-tasks/{task_id}/complete": {"post": _op(
            "Mark a task done (local executive body, item 64); validation due in 5 working days", params=tid)},
        "/api/v1/kz/roadmap-tasks/{task_id}/validate": {"post": _op(
            "The Chamber accepts a done task or reopens it with a comment (item 65)", params=tid)},
        "/api/v1/kz/mrp": {"get": _op("МРП by year", out="List"), "put": _op("Add or correct a year's МРП (admin)")},
        "/api/v1/kz/region-rating": {"get": _op(
            "Region rating (item 62): points for overdue roadmap tasks, fewer first, ties to more projects",
            params=[_query("at", "YYYY-MM-DD, default today"), xlsx])},
        "/api/v1/kz/reports/monitoring": {"get": _op(
            "Quarterly monitoring report per region with the reporting days (items 24, 74, 75)",
            params=[_query("year", "year"), _query("quarter", "1–4"), xlsx])},
    }
