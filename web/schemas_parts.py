"""The schema of a participant's part of an appeal (its own deadline), as appeals and tasks return it."""
from marshmallow import Schema, fields


class PartOut(Schema):
    """A participant's part with its own deadline (services/appeals/parts.py)."""
    id = fields.Int()
    org = fields.Str()
    kind = fields.Str()  # execution (routed or redirected there) or contribution (a co-executor's part)
    opened_at = fields.DateTime()
    due = fields.Date()
    due_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    closed_how = fields.Str(allow_none=True)  # answered, redirected, part, cancelled
    overdue = fields.Bool()
    overdue_at = fields.DateTime(allow_none=True)
