"""The house: imports point one way and Flask stays in web/."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"engine": {"services", "web", "flask"}, "classifiers": {"engine", "services", "web", "flask", "sqlalchemy"},
             "services": {"web", "flask"}}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layers_import_only_downwards(package):
    offenders = {str(p.relative_to(ROOT)): sorted(_imports(p) & FORBIDDEN[package])
                 for p in (ROOT / package).rglob("*.py") if _imports(p) & FORBIDDEN[package]}
    assert offenders == {}


def test_nothing_but_the_unit_of_work_commits():
    direct = [str(p.relative_to(ROOT)) for pkg in ("engine", "services", "web") for p in (ROOT / pkg).rglob("*.py")
              if "session.commit()" in p.read_text(encoding="utf-8") and p.name != "db.py"]
    assert direct == []
