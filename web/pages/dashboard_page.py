"""The dashboard page: the main figures on one screen, coloured red / yellow / green."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from markupsafe import Markup

from services.reports.dashboard import dashboard as dashboard_data

from ..svg_charts import weekly_bars
from . import bp
from .session import actor, ctx, handle_errors, login_required


@bp.get("/dashboard")
@login_required
@handle_errors
def dashboard():
    data = dashboard_data(ctx(), actor())
    chart = weekly_bars(data["trend"], [("created", _("Поступило"), "#1565c0"), ("answered", _("Отвечено"), "#2e7d32")],
                        _("Обращения по неделям"))
    return render_template("pages/dashboard.html", chart=Markup(chart), **data)
