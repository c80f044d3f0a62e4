"""The auditor's replay page (issue 7): an appeal's history rebuilt step by step on its diagram version."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import get_locale
from markupsafe import Markup

from services import audit

from ..bpmn_svg import TEXT, render_svg
from . import bp
from .session import actor, ctx, handle_errors, login_required


@bp.get("/appeals/<int:appeal_id>/replay", endpoint="appeal_replay")
@login_required
@handle_errors
def appeal_replay(appeal_id: int):
    """Auditor, admin and head only (403 otherwise); an appeal the viewer may not see is a 404."""
    data = audit.appeal_replay(ctx(), actor(), appeal_id, request.args.get("step", type=int))
    lang = "en" if str(get_locale()) == "en" else "ru"
    # render_svg builds the markup with lxml, which escapes every name taken from the diagram
    svg = Markup(render_svg(data["xml"], data["done"], data["current"], data["counts"], lang=lang, legend=False))
    return render_template("pages/audit/replay.html", svg=svg, legend=TEXT[lang], **data)
