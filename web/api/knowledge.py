"""The knowledge base of answer scripts (Moscow, seed 004): search for the moderator and operator."""
from __future__ import annotations

from flask import jsonify, request

from services import knowledge

from ..auth import ctx, login_required
from . import bp


@bp.get("/knowledge-base")
@login_required
def knowledge_base():
    return jsonify(knowledge.search(ctx(), request.args.get("q"), request.args.get("fact")))
