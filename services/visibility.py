"""What the investor sees: internal notes vs replies, as help desks keep them.

Every comment and history item of an appeal is `public` (the investor sees it) or `internal` (staff
only). It is decided where the item is written: an action's item takes the visibility its step
declares (`services.steps.Action.visibility`: the head's `return` remarks, a draft `answer`, an
`extend` request and its refusal, a co-executor's `part` are internal; the clarification question and
reply, the rejection reason, the rework reason are public); the system's escalations and hand-overs
are internal (`INTERNAL`); a comment is what its author chose: staff default to internal (a note),
an investor's comment is always public. Readers filter with `sees_internal`.
"""
from __future__ import annotations

from services.context import Actor
from services.errors import ValidationFailed

PUBLIC, INTERNAL = "public", "internal"
VISIBILITIES = (PUBLIC, INTERNAL)
STAFF_ROLES = ("operator", "moderator", "manager", "coordinator", "head", "deputy_director", "analyst", "auditor",
               "admin")
"""Roles that read internal items; anyone else (an investor, any other role) sees public items only."""


def sees_internal(actor: Actor) -> bool:
    return actor.has(*STAFF_ROLES)


def comment_visibility(actor: Actor, requested: str | None) -> str:
    """The visibility of a comment `actor` posts: staff choose (internal when they do not say), an
    investor's comment is public (asking for `internal` is refused rather than silently changed)."""
    if requested is not None and requested not in VISIBILITIES:
        raise ValidationFailed("Неверная видимость комментария", {"visibility": ["допустимо: public, internal"]})
    if not sees_internal(actor):
        if requested == INTERNAL:
            raise ValidationFailed("Инвестор не может оставить внутренний комментарий",
                                   {"visibility": ["комментарий инвестора виден всем участникам"]})
        return PUBLIC
    return requested or INTERNAL
