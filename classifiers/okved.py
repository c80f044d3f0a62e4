"""ОКВЭД codes checked against a region's priority industries (a data file in the pack).

Seed 000 item 2.2.4: the manager compares the investor's activities with the region's list of
priority industries. The list is a pack's data file (Leningrad:
`workflows/classifiers/leningrad_priority_okved.json`, `Pack.priority_okved_file`); an industry
matches a code that starts with one of its prefixes (``"10"`` matches ``10.11``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

OKVED_RE = re.compile(r"^\d{2}(\.\d{1,2}){0,2}$")


@dataclass(frozen=True)
class Industry:
    code: str
    name: str
    prefixes: tuple[str, ...]

    def matches(self, okved: str) -> bool:
        return any(okved == p or okved.startswith(p + ".") or (len(p) > 2 and okved.startswith(p))
                   for p in self.prefixes)


@dataclass(frozen=True)
class PriorityList:
    title: str
    industries: tuple[Industry, ...]
    sources: tuple[str, ...]

    def check(self, codes: list[str]) -> dict:
        """Each code with the priority industry it belongs to (or None), and whether any matched."""
        items = []
        for code in codes:
            found = next((i for i in self.industries if i.matches(code)), None)
            items.append({"okved": code, "industry": found.code if found else None,
                          "industry_name": found.name if found else None})
        matched = [i for i in items if i["industry"]]
        return {"priority": bool(matched), "codes": items,
                "sector": matched[0]["industry_name"] if matched else None}


def parse_okved(value: str) -> tuple[list[str], str | None]:
    """Comma- or space-separated ОКВЭД codes and the problem with them (None when all are valid)."""
    codes = [c for c in re.split(r"[,;\s]+", value or "") if c]
    if not codes:
        return [], "укажите хотя бы один код ОКВЭД"
    bad = [c for c in codes if not OKVED_RE.match(c)]
    if bad:
        return codes, f"неверный код ОКВЭД: {', '.join(bad)} (формат 10, 10.1, 10.11 или 10.11.1)"
    return list(dict.fromkeys(codes)), None


def load_priority_list(path: Path | None) -> PriorityList | None:
    """The priority industries in `path`, or None when the pack has no such file."""
    if path is None or not path.exists():
        return None
    raw = json.loads(path.read_text(encoding="utf-8"))
    return PriorityList(raw.get("title", ""),
                        tuple(Industry(i["code"], i["name"], tuple(i["okved"])) for i in raw["industries"]),
                        tuple(raw.get("sources", ())))
