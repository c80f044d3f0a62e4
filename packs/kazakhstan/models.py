"""Kazakhstan tables (seed 003): roadmap tasks of a project and the МРП by year.

The project itself is a row of `projects` (pack 'kazakhstan'); its passport fields of item 46
that have no column live in `Project.details`.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime

ROADMAP_STAGES = ("pre_investment", "investment", "post_investment")  # item 48


class KzRoadmapTask(Base):
    """One task of a project's roadmap (seed 003 items 47–48, 61, 62, 65)."""

    __tablename__ = "kz_roadmap_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(500))
    due_date: Mapped[date] = mapped_column(Date, index=True)
    expected_result: Mapped[str | None] = mapped_column(Text)
    support_measures: Mapped[str | None] = mapped_column(Text)
    risks: Mapped[str | None] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(String(500))
    state: Mapped[str] = mapped_column(String(16), default="open", index=True)
    completed_on: Mapped[date | None] = mapped_column(Date, index=True)
    validation_due: Mapped[date | None] = mapped_column(Date)
    validated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    validated_by: Mapped[str | None] = mapped_column(String(100))
    validation_comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(100))


class MrpRate(Base):
    """The monthly calculation index (МРП, tenge) in force on 1 January of a year; admins add years."""

    __tablename__ = "mrp_rates"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    mrp: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class KzMessage(Base):
    """A message of a project's chat (seed 003 item 42: «оперативное взаимодействие участников процесса
    через чат в НЦИП»)."""

    __tablename__ = "kz_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    author: Mapped[str] = mapped_column(String(100))
    author_org: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class KzProsecutorCase(Base):
    """A measure against an investor sent for the prosecutor's approval (seed 003 items 57–60,
    «Прокурорский фильтр»)."""

    __tablename__ = "kz_prosecutor_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    measure: Mapped[str] = mapped_column(String(40))
    act: Mapped[str] = mapped_column(Text)
    justification: Mapped[str] = mapped_column(Text)
    body_org: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))
    region: Mapped[str | None] = mapped_column(String(120))
    prosecutor_org: Mapped[str] = mapped_column(String(64), index=True)
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    decision_comment: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
