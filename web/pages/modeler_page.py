"""The analysts' modeler page (issue 13): bpmn-js / dmn-js with Koridor's properties panel.

The page is static HTML plus the bundle in web/static/modeler/ (built by `make install` from
web/frontend/); everything it shows comes from the JSON routes below, which use the page session
(and the CSRF header on POST) and call the same services as the API."""
from __future__ import annotations

from pathlib import Path

from flask import Response, jsonify, render_template, request
from flask_babel import gettext as _

from services.analyst import process_models
from services.errors import TYPED
from services.models import ROLES

from ..errors import status_of
from . import bp
from .labels import role_ru as role_label
from .session import actor, ctx, forbid_unless, handle_errors, login_required

ANALYSTS = ("analyst", "admin")
BUNDLE = Path(__file__).resolve().parents[1] / "static" / "modeler" / "modeler.js"
MAX_XML = 2 * 1024 * 1024


def _json(call):
    """A service call's answer as JSON; its typed error as {message, errors} with the error's status."""
    forbid_unless(actor().has(*ANALYSTS))
    try:
        return jsonify(call())
    except TYPED as err:
        return jsonify({"message": err.message, "errors": err.errors}), status_of(err)


def _body() -> bytes:
    """The diagram sent as the request body (the page posts the modeler's XML as it is)."""
    return request.get_data(cache=False)[:MAX_XML + 1]


@bp.get("/analyst/modeler")
@login_required
@handle_errors
def analyst_modeler():
    forbid_unless(actor().has(*ANALYSTS))
    return render_template("pages/analyst/modeler.html", installed=BUNDLE.exists(), texts=page_texts())


@bp.get("/analyst/modeler/context.json")
@login_required
def modeler_context():
    """What the properties panel needs: the step registry, the roles' names and the deployed versions."""
    lang = "en" if request.args.get("lang") == "en" else "ru"
    return _json(lambda: {"steps": process_models.list_steps(ctx(), actor(), lang),
                          "roles": {code: role_label(code) for code in ROLES},
                          "models": process_models.list_process_models(ctx())})


@bp.get("/analyst/modeler/source/<process_id>/<int:version>")
@login_required
def modeler_source(process_id: str, version: int):
    forbid_unless(actor().has(*ANALYSTS))
    try:
        source = process_models.version_source(ctx(), actor(), process_id, version)
    except TYPED as err:
        return jsonify({"message": err.message, "errors": err.errors}), status_of(err)
    return Response(source["xml"], mimetype="application/xml")


@bp.post("/analyst/modeler/lint")
@login_required
def modeler_lint():
    return _json(lambda: process_models.lint_diagram(ctx(), actor(), _body()))


@bp.post("/analyst/modeler/deploy")
@login_required
def modeler_deploy():
    name = request.args.get("filename") or "diagram.bpmn"
    return _json(lambda: process_models.deploy_process_model(ctx(), actor(), _body(), name))


@bp.get("/analyst/modeler/diff/<process_id>/<int:version_a>/<int:version_b>")
@login_required
def modeler_diff(process_id: str, version_a: int, version_b: int):
    return _json(lambda: process_models.diff_versions(ctx(), actor(), process_id, version_a, version_b))


@bp.post("/analyst/modeler/migrate/<process_id>/<int:version>")
@login_required
def modeler_migrate(process_id: str, version: int):
    """The dry run only: what would move to that version and what would not, and why."""
    return _json(lambda: process_models.migrate_process(ctx(), actor(), process_id, version, dry_run=True))


def page_texts() -> dict[str, str]:
    """The page script's texts, in the page's language (rendered into a data- attribute)."""
    return {"open": _("Открыть"), "lint_ok": _("Проверка пройдена"), "problems": _("Проблемы диаграммы"),
            "deployed": _("Развёрнута версия %(v)s", v="{v}"), "step": _("Шаг"), "actions": _("Действия"),
            "fields": _("Поля"), "lane": _("Дорожка (роль)"), "none": _("не выбран"),
            "select": _("Выберите задачу на схеме"), "no_diff": _("Изменений нет"),
            "dry_run": _("Пробный перенос"), "moved": _("перейдут"), "refused": _("останутся"),
            "required": _("обязательное"), "org": _("Организация (переменная org)"),
            "assignee": _("Исполнитель (переменная assignee)"), "due": _("Срок (переменная due)"),
            "not_in_lane": _("не в дорожке"), "failed": _("Не удалось выполнить запрос"),
            "candidates": _("Обращений на других версиях"), "stray": _("не объявлено в шаге")}
