"""Investor's cabinet (stub until written)."""
from __future__ import annotations

from . import bp
from .session import login_required


@bp.get("/cabinet")
@login_required
def cabinet():
    return "cabinet"


@bp.get("/cabinet/new")
@login_required
def new_appeal():
    return "new"
