"""The rule packs (plug-ins): one folder per jurisdiction, each exporting one `PACK`.

`install()` registers them with the registry (`classifiers.packs`); the composition root
(`web.create_app`) calls it, so importing a module never registers anything. Adding a region is
a new folder here plus its data under `workflows/` (docs/architecture.md, "Adding a pack").
"""
from __future__ import annotations

from classifiers.packs import register

DEFAULT_PACK = "leningrad"
"""The pack used when ``KORIDOR_PACK`` is not set."""


def install() -> None:
    """Register every pack (idempotent)."""
    from . import kazakhstan, leningrad, moscow

    for pack in (leningrad.PACK, moscow.PACK, kazakhstan.PACK):
        register(pack, default=pack.code == DEFAULT_PACK)
