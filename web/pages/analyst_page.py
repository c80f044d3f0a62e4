"""Analysts' pages (issue 7): diagram versions with deploy, diff and migration; the what-if simulation."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from services.analyst import process_models, simulation
from services.errors import TYPED, ValidationFailed

from ..errors import status_of
from . import bp
from .session import actor, ctx, forbid_unless, handle_errors, login_required

ANALYSTS = ("analyst", "admin")


def _file(name: str) -> bytes | None:
    """An uploaded file up to the upload cap; a bigger one is refused like the API does."""
    file = request.files.get(name)
    if file is None or not file.filename:
        return None
    limit = ctx().settings.max_upload_bytes
    data = file.read(limit + 1)
    if len(data) > limit:
        raise RequestEntityTooLarge(_("Файл больше допустимого размера"))
    return data


def _models_page(status: int = 200, **extra):
    models = process_models.list_process_models(ctx())
    diff = None
    process_id, a, b = request.args.get("process"), request.args.get("a", ""), request.args.get("b", "")
    if process_id and a.isdigit() and b.isdigit():
        diff = process_models.diff_versions(ctx(), actor(), process_id, int(a), int(b))
    return render_template("pages/analyst/models.html", models=models, diff=diff, **extra), status


@bp.get("/analyst/models")
@login_required
@handle_errors
def analyst_models():
    forbid_unless(actor().has(*ANALYSTS))
    return _models_page()


@bp.post("/analyst/models")
@login_required
@handle_errors
def analyst_deploy():
    forbid_unless(actor().has(*ANALYSTS))
    upload = request.files.get("file")
    try:
        data = _file("file")
        if data is None:
            raise ValidationFailed(_("Выберите файл диаграммы"), {"file": [_("обязательное поле")]})
        view = process_models.deploy_process_model(ctx(), actor(), data, upload.filename or "diagram.bpmn")
    except TYPED as err:
        return _models_page(status_of(err), deploy_error=err)
    flash(_("Развёрнута версия %(version)s процесса %(process)s", version=view["version"], process=view["process_id"]))
    return redirect(url_for("pages.analyst_models"))


@bp.post("/analyst/models/<process_id>/migrate")
@login_required
@handle_errors
def analyst_migrate(process_id: str):
    forbid_unless(actor().has(*ANALYSTS))
    version = request.form.get("to_version", "")
    to_version = int(version) if version.isdigit() else version
    report = process_models.migrate_process(ctx(), actor(), process_id, to_version,
                                            dry_run=request.form.get("dry_run") == "1")
    return _models_page(migration=report)


@bp.route("/analyst/simulate", methods=["GET", "POST"])
@login_required
@handle_errors
def analyst_simulate():
    forbid_unless(actor().has(*ANALYSTS))
    form = {"since": request.form.get("since", ""), "until": request.form.get("until", "")}
    if request.method == "GET":
        return render_template("pages/analyst/simulate.html", form=form, report=None)
    try:
        report = simulation.simulate(ctx(), actor(), form["since"], form["until"] or None,
                                     diagram_xml=_file("diagram"), classifier_json=_file("classifier"))
    except TYPED as err:
        return render_template("pages/analyst/simulate.html", form=form, report=None, error=err), status_of(err)
    return render_template("pages/analyst/simulate.html", form=form, report=report)
