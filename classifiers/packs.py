"""Rule packs: one per jurisdiction, each with its classifier, country calendar and time zone.

The classifier data files live at ``workflows/classifiers/<pack>.json`` under
the repository root, next to the pack's diagrams.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType

from classifiers.calendar import ProductionCalendar
from classifiers.errors import InvalidClassifier
from classifiers.taxonomy import Classifier, load_classifier

CLASSIFIER_DIR = Path(__file__).resolve().parents[1] / "workflows" / "classifiers"
"""Where the packs' classifier JSON files are."""


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
    """A jurisdiction's rule pack: its code, Russian name, country, time zone and classifier."""

    code: str
    name_ru: str
    country: str
    timezone: str
    classifier_file: Path

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


def _pack(code: str, name_ru: str, country: str, timezone: str) -> Pack:
    return Pack(code, name_ru, country, timezone, CLASSIFIER_DIR / f"{code}.json")


PACKS: Mapping[str, Pack] = MappingProxyType(
    {
        "leningrad": _pack(
            "leningrad",
            "Ленинградская область: «Зеленый коридор»",
            "RU",
            "Europe/Moscow",
        ),
        "moscow": _pack(
            "moscow",
            "Московская область: система отработки обращений",
            "RU",
            "Europe/Moscow",
        ),
        "kazakhstan": _pack(
            "kazakhstan",
            "Республика Казахстан: «одно окно» для инвесторов",
            "KZ",
            "Asia/Almaty",
        ),
    }
)
"""The rule packs, by code."""

DEFAULT_PACK = "leningrad"
"""The pack used when ``KORIDOR_PACK`` is not set."""


def get_pack(code: str) -> Pack:
    """Return the pack with this code.

    Raises:
        KeyError: unknown code; the message lists the valid codes.
    """
    try:
        return PACKS[code]
    except (KeyError, TypeError):
        raise UnknownPack(code, tuple(PACKS)) from None
