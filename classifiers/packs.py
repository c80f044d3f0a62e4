"""Rule packs: one per jurisdiction, an object with everything that differs between them.

A pack is declared once, in its own folder (``packs/<code>/__init__.py``: ``PACK``), and
registered by the composition root (``packs.install()``, called by ``web.create_app``). Shared
code asks this registry for the active pack and never names one. The pure part lives here:
code, names, country (production calendar), time zone and classifier; the rest of a pack
(steps and their handlers, subject kinds, the demo world, the web part) is carried as opaque
values that the services and the web layer interpret.

Data files stay under ``workflows/`` at the repository root (``classifiers/<code>.json``,
``bpmn/``, ``dmn/``, ``knowledge/``); a pack names the files it uses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

from classifiers.calendar import ProductionCalendar
from classifiers.errors import InvalidClassifier
from classifiers.taxonomy import Classifier, load_classifier

WORKFLOWS = Path(__file__).resolve().parents[1] / "workflows"
"""The data folder: diagrams, decision models, classifiers, knowledge bases."""
CLASSIFIER_DIR = WORKFLOWS / "classifiers"
"""Where the packs' classifier JSON files are."""
BPMN_DIR = WORKFLOWS / "bpmn"
DMN_DIR = WORKFLOWS / "dmn"

CHANNELS = ("lk", "phone", "email", "meeting", "social", "letter", "portal", "messenger")
"""The ways an appeal reaches the agency (seed 004, «8 каналов поступления»); a pack may accept fewer."""


class UnknownPack(KeyError):
    """No rule pack has the requested code; the message lists the valid codes."""

    def __init__(self, code: object, valid: tuple[str, ...]) -> None:
        self.code = code
        self.message = f"unknown rule pack {code!r}; valid packs: {', '.join(valid)}"
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Pack:
    """A jurisdiction's rule pack.

    ``diagrams`` are BPMN files under ``workflows/bpmn`` (the process id is the file's stem),
    ``decisions`` DMN files under ``workflows/dmn``. ``steps`` are the step declarations
    (``services.steps.Step``) of the pack's processes, the shared appeal steps included;
    ``subjects`` maps a process subject type other than ``appeal`` to its handler
    (``services.subjects.SubjectKind``). ``web`` is the dotted path of the pack's web module,
    whose ``blueprints()`` the app factory registers for the active pack only: importing a pack
    never imports Flask. ``templates`` is the folder of the pack's own page templates.
    """

    code: str
    name_ru: str
    name_en: str
    country: str
    timezone: str
    classifier_file: Path
    diagrams: tuple[Path, ...] = ()
    decisions: tuple[Path, ...] = ()
    statuses: Mapping[str, str] = field(default_factory=dict)
    steps: tuple[Any, ...] = ()
    subjects: Mapping[str, Any] = field(default_factory=dict)
    channels: tuple[str, ...] = CHANNELS
    knowledge_file: Path | None = None
    priority_okved_file: Path | None = None
    web: str | None = None
    templates: Path | None = None
    demo: Callable[..., Any] | None = None
    on_init: Callable[..., Any] | None = None

    @property
    def process_ids(self) -> tuple[str, ...]:
        """The processes this pack runs (one per diagram)."""
        return tuple(path.stem for path in self.diagrams)

    def runs(self, process_id: str) -> bool:
        return process_id in self.process_ids

    def load_classifier(self) -> Classifier:
        """Read and validate this pack's classifier file.

        Raises:
            ValueError: the file is invalid or belongs to another pack.
        """
        classifier = load_classifier(self.classifier_file)
        if classifier.pack and classifier.pack != self.code:
            raise InvalidClassifier(
                f"{self.classifier_file.name}: declares pack {classifier.pack!r}, "
                f"expected {self.code!r}"
            )
        classifier.pack = self.code
        return classifier

    def calendar(
        self, overrides: Mapping[date, bool] | None = None
    ) -> ProductionCalendar:
        """Build the production calendar of this pack's country."""
        return ProductionCalendar(self.country, overrides)


_PACKS: dict[str, Pack] = {}
_DEFAULT: list[str] = []

PACKS: Mapping[str, Pack] = MappingProxyType(_PACKS)
"""The registered rule packs, by code (read-only view)."""


def register(pack: Pack, default: bool = False) -> None:
    """Make `pack` known by its code (idempotent); `default` makes it the pack used when none is set."""
    _PACKS[pack.code] = pack
    if default:
        _DEFAULT[:] = [pack.code]


def default_pack() -> str:
    """The code used when ``KORIDOR_PACK`` is not set (the first registered pack unless one was named)."""
    if _DEFAULT:
        return _DEFAULT[0]
    return next(iter(_PACKS), "")


def get_pack(code: str | None = None) -> Pack:
    """Return the pack with this code (empty or None: the default pack).

    Raises:
        KeyError: unknown code; the message lists the valid codes.
    """
    try:
        return _PACKS[code or default_pack()]
    except (KeyError, TypeError):
        raise UnknownPack(code, tuple(_PACKS)) from None
