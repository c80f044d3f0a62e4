"""Letters: Russian Jinja2 templates per event (services/templates/mail) and the SMTP conversation.

A template extends `_layout.txt`; its first rendered line is the subject, the rest the body. Events
without a template of their own use `generic.txt` (the notification text is the subject).
"""
from __future__ import annotations

import hashlib
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.mime.text import MIMEText
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from services.settings import Settings

TEMPLATES = Path(__file__).resolve().parent / "templates" / "mail"
EVENTS = ("appeal_received", "clarification", "answer_ready", "rework", "overdue", "escalation",
          "task_assigned", "task_queued", "digest", "sla_warning", "email_confirmation")


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=False, undefined=StrictUndefined,
                       keep_trailing_newline=True)


def render(event: str, values: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) of the letter for `event`; `values` carry name, text, number, appeal_subject,
    deadline (ДД.ММ.ГГГГ), link and on_behalf_of (empty when not a substitute)."""
    env = _environment()
    try:
        template = env.get_template(f"{event}.txt")
    except TemplateNotFound:
        template = env.get_template("generic.txt")
    defaults = {"name": "", "text": "", "number": None, "appeal_subject": "", "deadline": "", "link": "",
                "on_behalf_of": "", "login": "", "company": "", "expires": "", "hours": ""}
    subject, _, body = template.render({**defaults, **values}).partition("\n")
    return " ".join(subject.split())[:500], body.strip() + "\n"


@dataclass(frozen=True)
class Letter:
    message_id: str
    recipient: str
    subject: str
    body: str


def message_id(event_key: str, settings: Settings) -> str:
    """A Message-ID derived from the event key: a letter sent again after a crash carries the same id,
    so a mail server or client that deduplicates by Message-ID shows it once."""
    domain = settings.smtp_from.rpartition("@")[2] or "koridor.local"
    return f"<{hashlib.sha256(event_key.encode()).hexdigest()[:32]}@{domain}>"


def _message(settings: Settings, letter: Letter, now: datetime) -> MIMEText:
    # the classic MIMEText + Header: the newer EmailMessage folds a long Cyrillic subject into encoded
    # words and loses the space at the fold (CPython's folder), so "по обращению" arrived as "пообращению"
    message = MIMEText(letter.body, "plain", "utf-8")
    message["From"] = settings.smtp_from
    message["To"] = letter.recipient
    message["Subject"] = Header(letter.subject, "utf-8")
    message["Message-ID"] = letter.message_id
    message["Date"] = format_datetime(now)
    return message


def deliver(settings: Settings, letters: list[Letter], now: datetime,
            record: Callable[[Letter, str | None], None]) -> None:
    """Send `letters` over one SMTP connection, calling `record(letter, error or None)` right after the
    server's answer to each (so a crash can leave at most the letter in flight unrecorded). Raises
    OSError / smtplib.SMTPException when the connection cannot be opened or is lost."""
    smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds)
    try:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        for letter in letters:
            try:
                smtp.send_message(_message(settings, letter, now))
                error = None
            except smtplib.SMTPServerDisconnected:
                raise
            except smtplib.SMTPException as err:  # this letter refused (4xx/5xx); go on with the next
                error = f"{type(err).__name__}: {err}"[:1000]
            record(letter, error)
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
