"""Files attached to an appeal: kept with the appeal, visible to whoever sees the appeal, logged in history."""
from __future__ import annotations

import hashlib
from pathlib import PurePath
from typing import Any

from sqlalchemy import select

from engine.history import append_event, lock_chain
from services.appeals.appeal import load_visible
from services.context import Actor, Context
from services.errors import NotFound, NotPermitted, ValidationFailed
from services.models import Attachment

MAX_FILE_BYTES = 10 * 1024 * 1024
ALLOWED = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
           ".doc": "application/msword", ".txt": "text/plain", ".zip": "application/zip",
           ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           ".xls": "application/vnd.ms-excel", ".odt": "application/vnd.oasis.opendocument.text",
           ".ods": "application/vnd.oasis.opendocument.spreadsheet"}


def _view(a: Attachment) -> dict[str, Any]:
    return {"id": a.id, "appeal_id": a.appeal_id, "filename": a.filename, "content_type": a.content_type,
            "size": a.size, "sha256": a.sha256, "uploaded_by": a.uploaded_by, "uploaded_at": a.uploaded_at}


def add_attachment(ctx: Context, actor: Actor, appeal_id: int, filename: str, data: bytes) -> dict[str, Any]:
    """Attach a file (PDF, images, office documents, text, zip; up to 10 MB) to an appeal."""
    name = PurePath((filename or "").replace("\\", "/")).name.strip()[:255]
    suffix = PurePath(name).suffix.lower()
    if not name or suffix not in ALLOWED:
        raise ValidationFailed("Недопустимый файл", {"file": [f"допустимы: {', '.join(sorted(ALLOWED))}"]})
    if not data:
        raise ValidationFailed("Пустой файл", {"file": ["файл пуст"]})
    if len(data) > MAX_FILE_BYTES:
        raise ValidationFailed("Файл слишком большой", {"file": ["не больше 10 МБ"]})
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        appeal = load_visible(uow.session, actor, appeal_id)
        if actor.has("auditor") and len(actor.roles) == 1:
            raise NotPermitted("Аудитор не прикладывает файлы")
        if appeal.closed_at is not None:
            raise ValidationFailed("Обращение закрыто", {"file": ["к закрытому обращению файлы не прикладываются"]})
        lock_chain(uow.session, appeal.instance_id)  # one writer per history chain (PostgreSQL)
        uow.session.refresh(appeal)
        attachment = Attachment(appeal_id=appeal.id, filename=name, content_type=ALLOWED[suffix], size=len(data),
                                sha256=hashlib.sha256(data).hexdigest(), data=data, uploaded_by=actor.login,
                                uploaded_at=now)
        uow.session.add(attachment)
        uow.session.flush()
        append_event(uow.session, "appeal", appeal.id, now, actor.login, actor.roles[0], "file",
                     status_from=appeal.status, status_to=appeal.status,
                     data={"file": name, "size": len(data), "sha256": attachment.sha256},
                     instance_id=appeal.instance_id)
        view = _view(attachment)
        uow.commit()
        return view


def list_attachments(ctx: Context, actor: Actor, appeal_id: int) -> list[dict[str, Any]]:
    with ctx.db.reading() as uow:
        load_visible(uow.session, actor, appeal_id)
        rows = uow.session.execute(select(Attachment.id, Attachment.appeal_id, Attachment.filename,
                                          Attachment.content_type, Attachment.size, Attachment.sha256,
                                          Attachment.uploaded_by, Attachment.uploaded_at)
                                   .where(Attachment.appeal_id == appeal_id).order_by(Attachment.id))
        return [dict(r._mapping) for r in rows]


def get_attachment(ctx: Context, actor: Actor, appeal_id: int, attachment_id: int) -> tuple[dict[str, Any], bytes]:
    """A file's metadata and bytes, if the actor may see the appeal."""
    with ctx.db.reading() as uow:
        load_visible(uow.session, actor, appeal_id)
        attachment = uow.session.get(Attachment, attachment_id)
        if attachment is None or attachment.appeal_id != appeal_id:
            raise NotFound("Файл не найден")
        return _view(attachment), attachment.data
