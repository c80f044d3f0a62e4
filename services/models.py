"""Domain tables: organisations, users, projects, appeals, comments, notifications, outbox, absences."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, LargeBinary, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime

ORG_KINDS = ("agency", "oiv", "omsu", "rso", "federal", "company",
             "local_exec", "chamber", "authorized_body", "foreign_office", "national_company", "prosecutor")
ROLES = ("investor", "operator", "moderator", "manager", "coordinator", "head", "deputy_director",
         "analyst", "auditor", "admin", "initiator", "local_exec", "chamber", "authorized_body", "prosecutor")
REPORT_COLUMNS = ("id", "appeal_type", "agency_org", "executor_org", "manager_login", "fact_code", "category_code",
                  "subcategory_code", "channel", "status", "received_at", "answered_at", "closed_at", "deadline_at",
                  "rework_count", "rating")
EXECUTOR_KINDS = ("agency", "oiv", "omsu", "rso", "federal", "local_exec", "chamber", "authorized_body")


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    inn: Mapped[str | None] = mapped_column(String(12), index=True)
    personal_manager: Mapped[str | None] = mapped_column(String(100))  # the investor's manager at the agency
    ogrn: Mapped[str | None] = mapped_column(String(15))  # ОГРН (13 digits) / ОГРНИП (15)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(40))
    org_code: Mapped[str] = mapped_column(ForeignKey("organisations.code"), index=True)
    roles: Mapped[str] = mapped_column(String(255))  # comma-separated role codes
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def role_list(self) -> list[str]:
        return [r for r in self.roles.split(",") if r]


class Project(Base):
    """An investment project: its passport, manager, stage and the process that follows it.

    Created by an onboarding path (Leningrad: seed 000 items 2–4; Kazakhstan: seed 003 chapters 3–4);
    appeals may be tied to it (their coordinator is then the project's manager). Pack-specific
    passport fields that have no column of their own live in `details`.
    """

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    pack: Mapped[str] = mapped_column(String(40), index=True)  # the pack whose path created it
    name: Mapped[str] = mapped_column(String(500))
    company_org: Mapped[str | None] = mapped_column(String(64), index=True)
    company_name: Mapped[str | None] = mapped_column(String(500))
    company_inn: Mapped[str | None] = mapped_column(String(12), index=True)
    company_ogrn: Mapped[str | None] = mapped_column(String(15))
    okved: Mapped[str | None] = mapped_column(String(255))  # comma-separated ОКВЭД codes
    sector: Mapped[str | None] = mapped_column(String(120), index=True)
    source: Mapped[str | None] = mapped_column(String(120))  # how the investor came
    investment_volume: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    jobs: Mapped[int | None] = mapped_column(Integer)
    site: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(String(120), index=True)
    manager_login: Mapped[str | None] = mapped_column(String(100), index=True)
    commissioner_login: Mapped[str | None] = mapped_column(String(100), index=True)
    stage: Mapped[str | None] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(40), default="active", index=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    info_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"))


class Appeal(Base):
    __tablename__ = "appeals"
    __table_args__ = (Index("ix_appeal_deadline_open", "closed_at", "deadline_at"),
                      # reports (migration 0007): a covering index on PostgreSQL only
                      Index("ix_appeals_report", "created_at", postgresql_include=REPORT_COLUMNS).ddl_if(
                          dialect="postgresql"))

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int | None] = mapped_column(Integer, unique=True)
    fact_code: Mapped[str] = mapped_column(String(120), index=True)
    category_code: Mapped[str] = mapped_column(String(120), index=True)
    subcategory_code: Mapped[str] = mapped_column(String(120), index=True)
    appeal_type: Mapped[str] = mapped_column(String(40), index=True)
    subject: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text)
    company_name: Mapped[str] = mapped_column(String(500))
    company_inn: Mapped[str] = mapped_column(String(12), index=True)
    company_org: Mapped[str | None] = mapped_column(String(64), index=True)
    investor_login: Mapped[str | None] = mapped_column(String(100), index=True)
    registered_by: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(40), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    deadline: Mapped[date] = mapped_column(Date)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(40), index=True)
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    agency_org: Mapped[str] = mapped_column(String(64), index=True)
    executor_org: Mapped[str | None] = mapped_column(String(64), index=True)
    head_login: Mapped[str | None] = mapped_column(String(100), index=True)
    coordinator_login: Mapped[str | None] = mapped_column(String(100), index=True)
    manager_login: Mapped[str | None] = mapped_column(String(100), index=True)
    extension_until: Mapped[date | None] = mapped_column(Date)
    rework_count: Mapped[int] = mapped_column(Integer, default=0)
    rating: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(40))
    answer_text: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"))


class AppealRoute(Base):
    """Every organisation an appeal was routed to (it stays visible to them)."""

    __tablename__ = "appeal_routes"
    __table_args__ = (UniqueConstraint("appeal_id", "org_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    org_code: Mapped[str] = mapped_column(String(64), index=True)
    routed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Comment(Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    author: Mapped[str] = mapped_column(String(100))
    role: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(40), default="comment")
    text: Mapped[str] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String(10), default="public", server_default="public")  # or internal


class Notification(Base):
    """An in-app notification for one user."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(100), index=True)
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"), index=True)
    event: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    event_key: Mapped[str | None] = mapped_column(String(300), unique=True, index=True)  # one row per event and person


class NotificationSetting(Base):
    """How one user wants letters: `email` = `immediate` (at once), `digest` (one letter a day) or `off`.
    No row: at once. In-app notifications are always written."""

    __tablename__ = "notification_settings"

    login: Mapped[str] = mapped_column(String(100), primary_key=True)
    email: Mapped[str] = mapped_column(String(16), default="immediate")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CalendarOverride(Base):
    """An admin's correction of the production calendar (late decree, shortened day)."""

    __tablename__ = "calendar_overrides"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column()
    note: Mapped[str | None] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16), default="holiday", server_default="holiday")  # working|holiday|shortened


class Attachment(Base):
    """A file attached to an appeal (kept in the database: agencies back up one thing)."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OutboxMessage(Base):
    """An e-mail written in the transaction of the change that caused it; the sender delivers it later.

    `event_key` is unique: one event never queues two letters to one person. States: pending →
    sending (claimed with a lease) → sent | failed (gave up) | skipped (no SMTP server configured)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(300), unique=True, index=True)
    event: Mapped[str] = mapped_column(String(60))
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(255))  # e-mail address
    recipient_login: Mapped[str | None] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Absence(Base):
    """A user's absence (leave, business trip) and who stands in for them meanwhile.

    `starts_at`/`ends_at` are the period's instants in the pack's time zone (first day 00:00 to the
    day after the last day 00:00), so routing needs no time zone."""

    __tablename__ = "absences"
    __table_args__ = (Index("ix_absence_login_period", "login", "starts_at", "ends_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    substitute: Mapped[str] = mapped_column(String(100), index=True)
    note: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Registration(Base):
    """An investor's registration request and support application (seed 000 section 2).

    The onboarding process (workflows/bpmn/leningrad/onboarding.bpmn) follows it from the legal data to the
    project it creates; `application` is the project passport draft the investor filed.
    """

    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_org: Mapped[str] = mapped_column(String(64), index=True)
    company_name: Mapped[str] = mapped_column(String(500))
    inn: Mapped[str] = mapped_column(String(12), index=True)
    ogrn: Mapped[str] = mapped_column(String(15))
    address: Mapped[str] = mapped_column(String(500))
    contact_name: Mapped[str] = mapped_column(String(255))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(255))
    investor_login: Mapped[str | None] = mapped_column(String(100), index=True)
    registered_by: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(40), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    confirm_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    manager_login: Mapped[str | None] = mapped_column(String(100), index=True)
    application: Mapped[dict | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    okved_check: Mapped[dict | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    check_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ProjectMeeting(Base):
    """A meeting or consultation on a project: agenda, date, and the protocol or resume entered by
    the next working day (seed 000 items 3.1–3.3)."""

    __tablename__ = "project_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # meeting | consultation | site_selection
    title: Mapped[str] = mapped_column(String(500))
    agenda: Mapped[str] = mapped_column(Text)
    planned_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    protocol_due: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    protocol_kind: Mapped[str | None] = mapped_column(String(20))  # protocol | resume
    protocol_text: Mapped[str | None] = mapped_column(Text)
    protocol_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    protocol_by: Mapped[str | None] = mapped_column(String(100))


class ProjectTask(Base):
    """A to-do on a project: between investor and manager, a meeting's protocol, or the cadence's
    «Актуализировать информацию по проекту». `open_key` is set while a task that must stay single
    is open (unique per project), and cleared when it is done."""

    __tablename__ = "project_tasks"
    __table_args__ = (UniqueConstraint("project_id", "open_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)  # todo | protocol | actualize
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    assignee_login: Mapped[str] = mapped_column(String(100), index=True)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("project_meetings.id"))
    open_key: Mapped[str | None] = mapped_column(String(40))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by: Mapped[str | None] = mapped_column(String(100))


from .identity_models import AuthSession, SignInFailure, SignupRequest, UserIdentity  # noqa: E402,F401  (sign-in tables register with the metadata)
