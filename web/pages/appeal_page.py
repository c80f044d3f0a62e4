"""One appeal page for every role: the request, roles, route, history, dialogue, files, answer and the
viewer's own task on it; plus the page routes for comments, files and the DOCX."""
from __future__ import annotations

from urllib.parse import quote

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.appeals.appeal import add_comment
from services.appeals.attachments import MAX_FILE_BYTES, add_attachment, get_attachment
from services.appeals.exports import appeal_docx
from services.errors import ValidationFailed
from services.visibility import sees_internal
from services.work.boards import appeal_case

from . import bp
from .session import actor, ctx, handle_errors, login_required

DIAGRAM_ROLES = ("auditor", "coordinator", "moderator", "head")


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
        "X-Content-Type-Options": "nosniff"})


def _back(appeal_id: int, anchor: str):
    return redirect(url_for("pages.appeal", appeal_id=appeal_id) + anchor)


@bp.get("/appeals/<int:appeal_id>")
@login_required
@handle_errors
def appeal(appeal_id: int):
    case = appeal_case(ctx(), actor(), appeal_id)
    who = actor()
    show_diagram = who.has(*DIAGRAM_ROLES) or case["appeal"]["roles"]["coordinator"].get("login") == who.login
    return render_template("pages/appeal/appeal.html", show_diagram=show_diagram, sees_internal=sees_internal(who),
                           **case)


@bp.post("/appeals/<int:appeal_id>/comments")
@login_required
@handle_errors
def appeal_comment(appeal_id: int):
    try:
        add_comment(ctx(), actor(), appeal_id, request.form.get("text", ""), request.form.get("visibility") or None)
    except ValidationFailed as err:
        flash(f"{err.message}: {'; '.join(sum(err.errors.values(), []))}", "error")
    else:
        flash(_("Комментарий добавлен"))
    return _back(appeal_id, "#dialogue")


@bp.post("/appeals/<int:appeal_id>/files")
@login_required
@handle_errors
def appeal_upload(appeal_id: int):
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise ValidationFailed(_("Файл не выбран"), {"file": [_("выберите файл")]})
        add_attachment(ctx(), actor(), appeal_id, upload.filename, upload.read(MAX_FILE_BYTES + 1))
    except ValidationFailed as err:
        flash(f"{err.message}: {'; '.join(sum(err.errors.values(), []))}", "error")
    else:
        flash(_("Файл «%(name)s» приложен", name=upload.filename))
    return _back(appeal_id, "#files")


@bp.get("/appeals/<int:appeal_id>/files/<int:file_id>")
@login_required
@handle_errors
def appeal_file(appeal_id: int, file_id: int):
    meta, data = get_attachment(ctx(), actor(), appeal_id, file_id)
    return _download(data, meta["content_type"], meta["filename"])


@bp.get("/appeals/<int:appeal_id>/export.docx")
@login_required
@handle_errors
def appeal_docx_file(appeal_id: int):
    data, filename = appeal_docx(ctx(), actor(), appeal_id)
    return _download(data, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", filename)
