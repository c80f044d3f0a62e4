"""The `{items: [...]}` lists of the API, one per resource schema of web/schemas.py."""
from __future__ import annotations

from marshmallow import Schema, fields

from .schemas import AppealOut, AttachmentOut, CommentOut, HistoryItemOut, TaskOut


class AppealListOut(Schema):
    items = fields.List(fields.Nested(AppealOut))


class HistoryListOut(Schema):
    items = fields.List(fields.Nested(HistoryItemOut))


class CommentListOut(Schema):
    items = fields.List(fields.Nested(CommentOut))


class AttachmentListOut(Schema):
    items = fields.List(fields.Nested(AttachmentOut))


class TaskListOut(Schema):
    items = fields.List(fields.Nested(TaskOut))


class RegistryOut(Schema):
    """The appeals registry: a page of appeals, how many match, the filters as applied."""

    items = fields.List(fields.Nested(AppealOut))
    total = fields.Int()
    filters = fields.Dict()
