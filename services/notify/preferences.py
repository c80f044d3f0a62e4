"""Each user's choice of letters (issue 14): at once, a daily digest, or none. In-app rows always appear."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from services.context import Actor, Context
from services.errors import ValidationFailed
from services.models import NotificationSetting

MODES = ("immediate", "digest", "off")
MODE_RU = {"immediate": "Сразу", "digest": "Сводкой раз в день", "off": "Не присылать"}


def _view(ctx: Context, mode: str) -> dict[str, Any]:
    return {"email": mode, "modes": list(MODES), "digest_hour": ctx.settings.digest_hour,
            "timezone": ctx.pack.timezone}


def get_settings(ctx: Context, actor: Actor) -> dict[str, Any]:
    """The actor's setting (`email`: immediate | digest | off), with the digest's local hour and zone."""
    with ctx.db.unit_of_work() as uow:
        row = uow.session.get(NotificationSetting, actor.login)
        return _view(ctx, row.email if row is not None else "immediate")


def put_settings(ctx: Context, actor: Actor, body: dict[str, Any]) -> dict[str, Any]:
    """Store the actor's choice; letters already queued keep their state, later ones follow the choice."""
    mode = body.get("email")
    if mode not in MODES:
        raise ValidationFailed("Проверьте настройки уведомлений",
                               {"email": [f"допустимо: {', '.join(MODES)}"]})
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        row = s.get(NotificationSetting, actor.login)
        if row is None:
            s.add(NotificationSetting(login=actor.login, email=mode, updated_at=now))
        else:
            row.email, row.updated_at = mode, now
        uow.commit()
    return _view(ctx, mode)


def mode_of(ctx: Context, login: str) -> str:
    with ctx.db.unit_of_work() as uow:
        return uow.session.scalar(select(NotificationSetting.email).where(NotificationSetting.login == login)) \
            or "immediate"
