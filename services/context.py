"""The services' shared context: database, engine, the pack's rules, settings."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from classifiers.calendar import ProductionCalendar
from classifiers.packs import Pack, get_pack
from classifiers.taxonomy import Classifier
from engine.db import Database
from engine.runtime import ProcessEngine

from .settings import Settings
from .steps import StepRegistry


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Context:
    """Built once by the composition root (web.create_app) and handed to every use case."""

    settings: Settings
    db: Database
    engine: ProcessEngine = field(default_factory=ProcessEngine)
    clock: Callable[[], datetime] = utcnow

    def __post_init__(self) -> None:
        # letters are rendered where a change writes them (services/notify.py), from the session alone
        self.db.sessions.configure(info={"public_url": self.settings.public_url})

    @cached_property
    def pack(self) -> Pack:
        return get_pack(self.settings.pack)

    @cached_property
    def classifier(self) -> Classifier:
        return self.pack.load_classifier()

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.pack.timezone)

    @cached_property
    def steps(self) -> StepRegistry:
        """The active pack's step registry (services/steps.py)."""
        return StepRegistry(self.pack.steps)

    def calendar(self, overrides: dict | None = None) -> ProductionCalendar:
        return ProductionCalendar(self.pack.country, overrides)


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user's login, roles and organisation."""

    login: str
    name: str
    roles: tuple[str, ...]
    org_code: str
    org_kind: str

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)
