"""Appeals: file, list, read, history, comments, DOCX."""
from __future__ import annotations

from flask import Response, jsonify, request
from werkzeug.exceptions import BadRequest

from services import appeals, attachments, intake
from services.exports import appeal_docx

from ..auth import ctx, current_actor, login_required
from ..schemas import AppealCreate, AppealOut, AttachmentOut, CommentIn, CommentOut, HistoryItemOut
from . import bp, json_body


@bp.post("/appeals")
@login_required
def create_appeal():
    body = AppealCreate().load(json_body())
    if body["received_at"] is not None and body["received_at"].tzinfo is None:
        body["received_at"] = body["received_at"].replace(tzinfo=ctx().tz)
    return jsonify(AppealOut().dump(intake.submit_appeal(ctx(), current_actor(), body))), 201


@bp.get("/appeals")
@login_required
def list_appeals():
    limit = min(request.args.get("limit", 100, type=int) or 100, 500)
    offset = max(request.args.get("offset", 0, type=int) or 0, 0)
    items = appeals.list_appeals(ctx(), current_actor(), request.args.get("as"), request.args.get("status"),
                                 limit, offset)
    return jsonify({"items": AppealOut(many=True).dump(items)})


@bp.get("/appeals/<int:appeal_id>")
@login_required
def get_appeal(appeal_id: int):
    return jsonify(AppealOut().dump(appeals.get_appeal(ctx(), current_actor(), appeal_id)))


@bp.get("/appeals/<int:appeal_id>/history")
@login_required
def history(appeal_id: int):
    items = appeals.appeal_history(ctx(), current_actor(), appeal_id)
    return jsonify({"items": HistoryItemOut(many=True).dump(items)})


@bp.get("/appeals/<int:appeal_id>/comments")
@login_required
def comments(appeal_id: int):
    items = appeals.list_comments(ctx(), current_actor(), appeal_id)
    return jsonify({"items": CommentOut(many=True).dump(items)})


@bp.post("/appeals/<int:appeal_id>/comments")
@login_required
def add_comment(appeal_id: int):
    body = CommentIn().load(json_body())
    return jsonify(CommentOut().dump(appeals.add_comment(ctx(), current_actor(), appeal_id, body["text"]))), 201


@bp.get("/appeals/<int:appeal_id>/export.docx")
@login_required
def export_docx(appeal_id: int):
    data, filename = appeal_docx(ctx(), current_actor(), appeal_id)
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/appeals/<int:appeal_id>/files")
@login_required
def list_files(appeal_id: int):
    return jsonify({"items": AttachmentOut(many=True).dump(attachments.list_attachments(ctx(), current_actor(), appeal_id))})


@bp.post("/appeals/<int:appeal_id>/files")
@login_required
def upload_file(appeal_id: int):
    upload = request.files.get("file")
    if upload is None:
        raise BadRequest("Нужен multipart/form-data с файлом в поле 'file'")
    data = upload.read(attachments.MAX_FILE_BYTES + 1)
    view = attachments.add_attachment(ctx(), current_actor(), appeal_id, upload.filename or "", data)
    return jsonify(AttachmentOut().dump(view)), 201


@bp.get("/appeals/<int:appeal_id>/files/<int:file_id>")
@login_required
def download_file(appeal_id: int, file_id: int):
    meta, data = attachments.get_attachment(ctx(), current_actor(), appeal_id, file_id)
    return Response(data, mimetype=meta["content_type"],
                    headers={"Content-Disposition": _disposition(meta["filename"])})


def _disposition(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename*=UTF-8''{quote(filename)}"
