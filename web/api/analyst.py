"""Analysts' API (issue 7): diff of two versions, migration of running instances, what-if simulation."""
from __future__ import annotations

from flask import Response, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from services.analyst import process_models, simulation

from ..auth import ctx, current_actor, login_required
from ..i18n import LANGUAGES
from ..schemas import DiffOut, MigrateIn, MigrationReportOut, SimulationOut
from ..schemas_admin import SIMULATION, SIMULATION_FILES, StepListOut
from ..validation import accepts, checked, documents, out, query, returns, uploads
from . import bp

MIGRATE = MigrateIn()


def upload(name: str) -> bytes | None:
    """A multipart file field read up to the upload cap (413 beyond it); None when not sent."""
    file = request.files.get(name)
    if file is None or not file.filename:
        return None
    limit = ctx().settings.max_upload_bytes
    data = file.read(limit + 1)
    if len(data) > limit:
        raise RequestEntityTooLarge(f"Файл в поле '{name}' больше допустимого размера")
    return data


@bp.get("/process-models/<process_id>/versions/<int:version_a>/diff/<int:version_b>")
@login_required
@returns(DiffOut)
def diff_versions(process_id: str, version_a: int, version_b: int):
    """Diff of two versions by element: added, removed, changed (analyst, admin, auditor)."""
    result = process_models.diff_versions(ctx(), current_actor(), process_id, version_a, version_b)
    return jsonify(out(DiffOut).dump(result))


@bp.get("/process-models/<process_id>/versions/<int:version>/source")
@login_required
@returns(media="application/xml")
def version_source(process_id: str, version: int):
    """The file of one deployed version (BPMN or DMN) as it was deployed, to open in a modeler (analyst,
    admin, auditor)."""
    source = process_models.version_source(ctx(), current_actor(), process_id, version)
    name = f"{source['process_id']}-v{source['version']}.{'dmn' if source['kind'] == 'dmn' else 'bpmn'}"
    if not name.isascii() or '"' in name:
        name = f"diagram-v{source['version']}.{'dmn' if source['kind'] == 'dmn' else 'bpmn'}"
    return Response(source["xml"], mimetype="application/xml",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/process-models/<process_id>/migrate")
@login_required
@returns(MigrationReportOut)
@accepts(MIGRATE)
def migrate(body: dict, process_id: str):
    """Move running instances to a version where safe; report moved and refused with reasons (analyst, admin)."""
    report = process_models.migrate_process(ctx(), current_actor(), process_id, body["to_version"], body["dry_run"])
    return jsonify(out(MigrationReportOut).dump(report))


@bp.post("/simulations")
@login_required
@returns(SimulationOut)
@documents(SIMULATION, form=True)
@uploads(**SIMULATION_FILES)
def simulate():
    """What-if: replay the decisions of the appeals filed since..until against a candidate diagram and/or
    classifier (analyst, admin); nothing is stored."""
    if request.content_length and request.content_length > 2 * ctx().settings.max_upload_bytes + 65536:
        raise RequestEntityTooLarge("Файлы больше допустимого размера")
    period = checked(SIMULATION, {k: v for k, v in request.form.items() if k in ("since", "until") and v})
    report = simulation.simulate(ctx(), current_actor(), period["since"], period["until"],
                                 diagram_xml=upload("diagram"), classifier_json=upload("classifier"))
    return jsonify(out(SimulationOut).dump(report))


@bp.get("/steps")
@login_required
@returns(StepListOut)
@query(lang="ru | en (default: Accept-Language, else ru)")
def steps():
    """The active pack's step registry: each step's title, subject type, roles and actions, each action's
    label and fields (name, type, required, label, choices or lookup); labels in the request's language
    (analyst, admin). The modeler's properties panel reads it."""
    lang = request.args.get("lang") or request.accept_languages.best_match(LANGUAGES) or "ru"
    return jsonify({"items": process_models.list_steps(ctx(), current_actor(), lang if lang in LANGUAGES else "ru")})
