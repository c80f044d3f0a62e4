"""Appeals: file, list, read, history, comments, DOCX."""
from __future__ import annotations

from flask import Response, jsonify, request
from werkzeug.exceptions import BadRequest

from services.appeals import appeal as appeals
from services.appeals import attachments, intake
from services.appeals.exports import appeal_docx

from ..auth import ctx, current_actor, login_required
from ..schemas import AppealCreate, AppealOut, AttachmentOut, CommentIn, CommentOut, HistoryItemOut
from ..schemas_lists import AppealListOut, AttachmentListOut, CommentListOut, HistoryListOut
from ..validation import accepts, out, query, returns, uploads
from . import bp

APPEAL, COMMENT = AppealCreate(), CommentIn()
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.post("/appeals")
@login_required
@returns(AppealOut, 201)
@accepts(APPEAL)
def create_appeal(body: dict):
    """File an appeal (investor; operator with channel and received_at)."""
    if body["received_at"] is not None and body["received_at"].tzinfo is None:
        body["received_at"] = body["received_at"].replace(tzinfo=ctx().tz)
    return jsonify(out(AppealOut).dump(intake.submit_appeal(ctx(), current_actor(), body))), 201


@bp.get("/appeals")
@login_required
@returns(AppealListOut)
@query(**{"as": "coordinator: the appeals the caller coordinates"}, status="filter by status code",
       limit=(int, "up to 500"), offset=(int, "skip"))
def list_appeals():
    """Appeals the caller may see, newest first."""
    limit = min(request.args.get("limit", 100, type=int) or 100, 500)
    offset = max(request.args.get("offset", 0, type=int) or 0, 0)
    items = appeals.list_appeals(ctx(), current_actor(), request.args.get("as"), request.args.get("status"),
                                 limit, offset)
    return jsonify({"items": out(AppealOut, many=True).dump(items)})


@bp.get("/appeals/<int:appeal_id>")
@login_required
@returns(AppealOut)
def get_appeal(appeal_id: int):
    """One appeal."""
    return jsonify(out(AppealOut).dump(appeals.get_appeal(ctx(), current_actor(), appeal_id)))


@bp.get("/appeals/<int:appeal_id>/history")
@login_required
@returns(HistoryListOut)
def history(appeal_id: int):
    """The appeal's history: who, when, in which role, status from → to."""
    items = appeals.appeal_history(ctx(), current_actor(), appeal_id)
    return jsonify({"items": out(HistoryItemOut, many=True).dump(items)})


@bp.get("/appeals/<int:appeal_id>/comments")
@login_required
@returns(CommentListOut)
def comments(appeal_id: int):
    """The appeal's comments."""
    items = appeals.list_comments(ctx(), current_actor(), appeal_id)
    return jsonify({"items": out(CommentOut, many=True).dump(items)})


@bp.post("/appeals/<int:appeal_id>/comments")
@login_required
@returns(CommentOut, 201)
@accepts(COMMENT)
def add_comment(body: dict, appeal_id: int):
    """Add a comment (also a history event): staff choose `visibility` (`internal` by default)."""
    view = appeals.add_comment(ctx(), current_actor(), appeal_id, body["text"], body["visibility"])
    return jsonify(out(CommentOut).dump(view)), 201


@bp.get("/appeals/<int:appeal_id>/export.docx")
@login_required
@returns(media=DOCX)
def export_docx(appeal_id: int):
    """The appeal as a Word file: request, roles, history, answer, comments."""
    data, filename = appeal_docx(ctx(), current_actor(), appeal_id)
    return Response(data, mimetype=DOCX,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/appeals/<int:appeal_id>/files")
@login_required
@returns(AttachmentListOut)
def list_files(appeal_id: int):
    """Files attached to the appeal."""
    return jsonify({"items": out(AttachmentOut, many=True).dump(attachments.list_attachments(ctx(), current_actor(), appeal_id))})


@bp.post("/appeals/<int:appeal_id>/files")
@login_required
@returns(AttachmentOut, 201)
@uploads(file="the file (up to 10 MB)")
def upload_file(appeal_id: int):
    """Attach a file (multipart/form-data, field `file`)."""
    upload = request.files.get("file")
    if upload is None:
        raise BadRequest("Нужен multipart/form-data с файлом в поле 'file'")
    data = upload.read(attachments.MAX_FILE_BYTES + 1)
    view = attachments.add_attachment(ctx(), current_actor(), appeal_id, upload.filename or "", data)
    return jsonify(out(AttachmentOut).dump(view)), 201


@bp.get("/appeals/<int:appeal_id>/files/<int:file_id>")
@login_required
@returns(media="application/octet-stream")
def download_file(appeal_id: int, file_id: int):
    """Download a file, as uploaded."""
    meta, data = attachments.get_attachment(ctx(), current_actor(), appeal_id, file_id)
    return Response(data, mimetype=meta["content_type"],
                    headers={"Content-Disposition": _disposition(meta["filename"])})


def _disposition(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename*=UTF-8''{quote(filename)}"
