"""The knowledge base of answer scripts (Moscow, seed 004): search for the moderator and operator."""
from __future__ import annotations

from flask import jsonify, request

from services import knowledge

from ..auth import ctx, login_required
from ..schemas_admin import KnowledgeBaseOut
from ..validation import query, returns
from . import bp


@bp.get("/knowledge-base")
@login_required
@returns(KnowledgeBaseOut)
@query(q="words, each in the article (up to 200 characters)", fact="articles of a classifier fact")
def knowledge_base():
    """The pack's knowledge base of answer scripts (Moscow, seed 004)."""
    return jsonify(knowledge.search(ctx(), request.args.get("q"), request.args.get("fact")))
