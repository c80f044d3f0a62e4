"""Reports: JSON by default, `?format=xlsx` for the file."""
from __future__ import annotations

from datetime import date

from flask import Response, jsonify, request

from services.errors import ValidationFailed
from services.reports import appeals as reports
from services.reports import dashboard as dashboard_service
from services.reports import registry as registry_service
from services.reports import spreadsheets

from ..auth import ctx, current_actor, login_required
from ..schemas import AppealOut
from ..schemas_admin import DashboardOut, ReportOut
from ..schemas_lists import RegistryOut
from ..validation import out, query, returns
from . import bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def date_arg(name: str) -> date | None:
    """A YYYY-MM-DD query argument, or 422 naming it."""
    value = request.args.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise ValidationFailed("Неверная дата", {name: ["дата в формате ГГГГ-ММ-ДД"]}) from err


def _filters() -> dict[str, str]:
    return {k: v for k in ("org", "appeal_type", "channel", "status") if (v := request.args.get(k))}


def _respond(report: dict, to_xlsx, filename: str):
    if request.args.get("format") == "xlsx":
        return Response(to_xlsx(report, ctx().tz), mimetype=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    return jsonify(report)


PERIOD = {"from": "YYYY-MM-DD, creation date from (default: the 1st of the month)", "to": "YYYY-MM-DD (default today)",
          "org": "executing organisation", "appeal_type": "appeal type", "channel": "intake channel",
          "status": "status code", "format": "xlsx for the file"}


@bp.get("/reports/appeals-by-type")
@login_required
@returns(ReportOut, also=XLSX)
@query(**PERIOD)
def by_type():
    """Report by appeal type (seed 001): count, answered, in work, overdue, average rating, total."""
    report = reports.appeals_by_type(ctx(), current_actor(), date_arg("from"), date_arg("to"), _filters())
    return _respond(report, spreadsheets.by_type_xlsx, "appeals-by-type.xlsx")


@bp.get("/reports/appeals-by-executor")
@login_required
@returns(ReportOut, also=XLSX)
@query(**PERIOD)
def by_executor():
    """Report by executor × category → subcategory → fact (seed 001)."""
    report = reports.appeals_by_executor(ctx(), current_actor(), date_arg("from"), date_arg("to"), None, _filters())
    return _respond(report, spreadsheets.by_executor_xlsx, "appeals-by-executor.xlsx")


@bp.get("/reports/dashboard")
@login_required
@returns(DashboardOut)
def dashboard():
    """The dashboard: open, overdue, due within 10 days, answered this month, by organisation, trend."""
    return jsonify(dashboard_service.dashboard(ctx(), current_actor()))


@bp.get("/registry/appeals")
@login_required
@returns(RegistryOut, also=XLSX)
@query(q="words in subject, description, answer, public comments", format="xlsx for the file",
       limit=(int, "up to 500"), offset=(int, "skip"))
def registry():
    """The appeals registry with dynamic filters; ?format=xlsx for the whole selection as a file."""
    if request.args.get("format") == "xlsx":
        filters, rows = registry_service.export_rows(ctx(), current_actor(), request.args.to_dict())
        data = spreadsheets.registry_xlsx(rows, filters, ctx().clock(), ctx().tz)
        return Response(data, mimetype=XLSX, headers={"Content-Disposition": 'attachment; filename="appeals.xlsx"'})
    limit = min(request.args.get("limit", 100, type=int) or 100, 500)
    offset = max(request.args.get("offset", 0, type=int) or 0, 0)
    result = registry_service.search(ctx(), current_actor(), request.args.to_dict(), limit, offset)
    result["items"] = out(AppealOut, many=True).dump(result["items"])
    return jsonify(result)
