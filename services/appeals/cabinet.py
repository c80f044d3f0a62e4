"""The investor's cabinet: the company, its personal manager and how its appeals stand."""
from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, or_, select

from services.appeals.appeal import FINAL, visible_appeals
from services.context import Actor, Context
from services.errors import NotPermitted
from services.models import Appeal, Organisation, User


def investor_home(ctx: Context, actor: Actor) -> dict[str, Any]:
    """What the investor's cabinet shows beside the appeals (seed 001, «Личный кабинет инвестора»).

    The company (name and ИНН, to prefill a new appeal), «Ваш персональный менеджер» (the agency
    person assigned to the company: name, e-mail, phone; None until one is assigned) and counts of
    the appeals the investor sees: total, open and overdue.
    """
    if not actor.has("investor"):
        raise NotPermitted("Кабинет инвестора доступен только инвестору")
    now = ctx.clock()
    with ctx.db.reading() as uow:
        s = uow.session
        org = s.scalar(select(Organisation).where(Organisation.code == actor.org_code))
        manager = None
        if org is not None and org.personal_manager:
            user = s.scalar(select(User).where(User.login == org.personal_manager, User.active.is_(True)))
            if user is not None:
                manager = {"login": user.login, "name": user.name, "email": user.email, "phone": user.phone}
        mine = visible_appeals(actor).with_only_columns(func.count(Appeal.id))
        still_open = Appeal.status.not_in(FINAL)
        late = or_(Appeal.answered_at > Appeal.deadline_at,  # the same rule as appeals.is_overdue
                   and_(Appeal.answered_at.is_(None), still_open, Appeal.deadline_at < now))
        counts = {"total": s.scalar(mine) or 0, "open": s.scalar(mine.where(still_open)) or 0,
                  "overdue": s.scalar(mine.where(late)) or 0}
        return {
            "company": {"code": actor.org_code, "name": org.name if org else "", "inn": (org.inn or "") if org else "",
                        "ogrn": (org.ogrn or "") if org else ""},
            "manager": manager,
            "counts": counts,
        }
