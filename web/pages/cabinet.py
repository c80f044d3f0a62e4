"""Investor's cabinet (seed 001, «Личный кабинет инвестора»): «Мои обращения», «Создать обращение»
and the deadline preview the new-appeal form asks for while the investor picks the fact."""
from __future__ import annotations

from flask import g, jsonify, render_template, request
from flask_babel import gettext as _

from services.appeals import appeal as appeals
from services.appeals import intake
from services.appeals.cabinet import investor_home
from services.errors import ValidationFailed
from services.projects.onboarding import list_registrations
from services.work import inbox

from ..errors import error_body
from . import bp
from . import intake_page as forms
from .session import actor, ctx, forbid_unless, handle_errors, login_required

PAGE_SIZE = 50


@bp.get("/cabinet")
@login_required
@handle_errors
def cabinet():
    """«Мои обращения»: the investor's appeals, open tasks (appeals and onboarding), registration requests
    and personal manager."""
    forbid_unless(actor().has("investor"))
    status = request.args.get("status") or None
    if status not in appeals.STATUS_RU:
        status = None
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    items = appeals.list_appeals(ctx(), actor(), status=status, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    tasks = inbox.list_tasks(ctx(), actor())  # appeals' and onboarding's: the generic task page completes them
    return render_template("pages/cabinet/index.html", items=items, tasks=tasks, home=investor_home(ctx(), actor()),
                           registrations=list_registrations(ctx(), actor()),
                           statuses=appeals.STATUS_RU, status=status, page=page, has_next=len(items) == PAGE_SIZE,
                           final=appeals.FINAL)


def _render_new(home: dict, values: dict, errors: dict | None = None, message: str | None = None,
                preview: dict | None = None, status: int = 200):
    return render_template("pages/cabinet/new.html", home=home, values=values, errors=errors or {},
                           message=message, preview=preview, categories=forms.classifier_categories(),
                           accept=forms.allowed_suffixes()), status


@bp.route("/cabinet/new", methods=["GET", "POST"])
@login_required
@handle_errors
def new_appeal():
    """«Создать обращение»: category → subcategory → fact, subject, description, company, files."""
    forbid_unless(actor().has("investor"))
    home = investor_home(ctx(), actor())
    values = dict.fromkeys(forms.APPEAL_FIELDS, "") | {"company_name": home["company"]["name"],
                                                 "company_inn": home["company"]["inn"],
                                                 "fact": request.args.get("fact", "")}
    if request.method == "GET":
        return _render_new(home, values, preview=forms.deadline_preview(values["fact"]))
    values = forms.read_form(forms.APPEAL_FIELDS, values)
    files, problems = forms.read_uploads()
    preview = forms.deadline_preview(values["fact"])
    if problems or request.form.get("preview"):
        return _render_new(home, values, {"file": problems} if problems else None, preview=preview,
                           status=422 if problems else 200)
    try:
        view = intake.submit_appeal(ctx(), actor(), forms.appeal_body(values))
    except ValidationFailed as err:
        return _render_new(home, values, err.errors, err.message, preview, 422)
    return forms.filed(view, files)


@bp.get("/cabinet/deadline")
def deadline_preview_json():
    """JSON for the form's script: `?fact=…[&received_at=YYYY-MM-DDTHH:MM]` → type and last day."""
    if g.get("actor") is None:
        return error_body(401, _("Войдите в систему"))
    try:
        received = forms.parse_received(request.args.get("received_at"))
    except ValueError:
        return error_body(422, _("Проверьте поля запроса"), {"received_at": [_("неверные дата и время")]})
    result = forms.deadline_preview(request.args.get("fact", ""), received)
    if result is None:
        return error_body(422, _("Неизвестный факт обращения"), {"fact": [_("выберите факт обращения")]})
    return jsonify(result)
