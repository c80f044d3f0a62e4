"""Diagram view: the appeal's process drawn server-side as SVG, its path and current wait highlighted."""
from __future__ import annotations

from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup

from services.analyst import diagrams

from ..bpmn_svg import TEXT, render_svg
from . import bp
from .session import actor, ctx, handle_errors, login_required


@bp.get("/appeals/<int:appeal_id>/diagram", endpoint="appeal_diagram")
@login_required
@handle_errors
def appeal_diagram(appeal_id: int):
    """Anyone who may see the appeal (services.appeals' rule) sees its diagram; others get a 404 page."""
    data = diagrams.appeal_diagram(ctx(), actor(), appeal_id)
    lang = "en" if str(get_locale()) == "en" else "ru"
    # render_svg builds the markup with lxml, which escapes every name taken from the diagram
    svg = Markup(render_svg(data["xml"], data["done"], data["current"], data["counts"], lang=lang, legend=False))
    return render_template("pages/diagram.html", appeal=data["appeal"], svg=svg, waiting=data["waiting"],
                           version=data["version"], completed=data["completed"], legend=TEXT[lang])
