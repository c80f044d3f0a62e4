"""The knowledge base of answer scripts (Moscow, seed 004): search for the moderator and operator."""
from __future__ import annotations

from flask import jsonify, request

from packs.moscow import knowledge
from packs.moscow.web import api_bp as bp
from web.auth import ctx, login_required
from web.schemas_admin import KnowledgeBaseOut
from web.validation import query, returns


@bp.get("/knowledge-base")
@login_required
@returns(KnowledgeBaseOut)
@query(q="words, each in the article (up to 200 characters)", fact="articles of a classifier fact")
def knowledge_base():
    """The pack's knowledge base of answer scripts (Moscow, seed 004)."""
    return jsonify(knowledge.search(ctx(), request.args.get("q"), request.args.get("fact")))
