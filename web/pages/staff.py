"""Staff pages (stub until written)."""
from __future__ import annotations

from . import bp
from .session import login_required


@bp.get("/inbox")
@login_required
def inbox():
    return "inbox"


@bp.get("/board")
@login_required
def board():
    return "board"


@bp.get("/intake")
@login_required
def intake():
    return "intake"


@bp.get("/appeals")
@login_required
def appeals():
    return "appeals"
