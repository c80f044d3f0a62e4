"""Domain tables: organisations, users, projects, appeals, comments, notifications."""
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
    pack: Mapped[str] = mapped_column(String(40), default="leningrad", index=True)
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
    __table_args__ = (Index("ix_appeal_deadline_open", "closed_at", "deadline_at"),)

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


class CalendarOverride(Base):
    """An admin's correction of the production calendar (late decree, shortened day)."""

    __tablename__ = "calendar_overrides"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column()
    note: Mapped[str | None] = mapped_column(String(255))


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


from .kz_models import KzRoadmapTask, MrpRate  # noqa: E402,F401  (Kazakhstan tables register with the metadata)
