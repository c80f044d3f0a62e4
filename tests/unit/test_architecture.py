"""The house (docs/architecture.md): imports point one way, Flask stays in web/ and the packs' web
parts, SpiffWorkflow stays in engine/, only the unit of work commits, shared code never names a
pack, nothing registers itself on import, and no module or function grows past its limit."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from classifiers.packs import PACKS

ROOT = Path(__file__).resolve().parents[2]
SHARED = ("engine", "services", "web", "classifiers", "devdata")
FORBIDDEN = {"engine": {"services", "web", "flask", "packs", "devdata"},
             "classifiers": {"engine", "services", "web", "flask", "sqlalchemy", "packs", "devdata"},
             "services": {"web", "flask", "packs", "devdata"},
             "devdata": {"web", "flask", "packs"}}
PACK_SERVICES = {"web", "flask"}  # a pack's services part (everything but packs/<code>/web/)
MAX_LINES = 400


def _sources(*packages: str) -> list[Path]:
    return [p for pkg in packages for p in sorted((ROOT / pkg).rglob("*.py"))]


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _imports(path: Path) -> set[str]:
    """Every module the file imports, dotted (`from a.b import c` gives a.b and a.b.c)."""
    names = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _tops(path: Path) -> set[str]:
    return {name.split(".")[0] for name in _imports(path)}


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layers_import_only_downwards(package):
    offenders = {_rel(p): sorted(_tops(p) & FORBIDDEN[package]) for p in _sources(package)
                 if _tops(p) & FORBIDDEN[package]}
    assert offenders == {}


def test_a_packs_services_part_stays_below_the_web():
    """packs/<code>/web/ may import Flask and web/; the rest of a pack is services-level code."""
    offenders = {_rel(p): sorted(_tops(p) & PACK_SERVICES) for p in _sources("packs")
                 if "web" not in p.relative_to(ROOT / "packs").parts[1:-1] and _tops(p) & PACK_SERVICES}
    assert offenders == {}


def test_spiffworkflow_is_imported_only_in_the_engine():
    offenders = [_rel(p) for p in _sources("services", "web", "classifiers", "packs", "devdata", "tools")
                 if "SpiffWorkflow" in _tops(p)]
    assert offenders == []


def _savepoints(tree: ast.Module) -> set[str]:
    """Names bound to `….begin_nested()` (a savepoint's commit is a RELEASE, not the transaction's)."""
    names = set()
    for node in ast.walk(tree):
        value = node.value if isinstance(node, ast.Assign) else None
        if isinstance(node, ast.withitem):
            value, target = node.context_expr, node.optional_vars
        else:
            target = node.targets[0] if isinstance(node, ast.Assign) else None
        candidates = [value.body, value.orelse] if isinstance(value, ast.IfExp) else [value]
        if isinstance(target, ast.Name) and any(isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute)
                                                and v.func.attr == "begin_nested" for v in candidates):
            names.add(target.id)
    return names


def test_nothing_but_the_unit_of_work_commits():
    """Any `<x>.commit()` outside engine/db.py must be the use case's `uow.commit()`, whatever the session
    variable is called (`s.commit()`, `self.session.commit()`, `uow.session.commit()` are refused)."""
    offenders = []
    for path in _sources("engine", "services", "web", "packs", "devdata"):
        if _rel(path) == "engine/db.py":
            continue
        tree = _tree(path)
        allowed = {"uow"} | _savepoints(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit":
                receiver = node.func.value
                if not (isinstance(receiver, ast.Name) and receiver.id in allowed):
                    offenders.append(f"{_rel(path)}:{node.lineno} {ast.unparse(node)}")
    assert offenders == []


def _docstrings(tree: ast.Module) -> set[int]:
    """Strings that stand alone as statements: docstrings, and the ones documenting a constant."""
    return {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}


def test_shared_code_never_names_a_pack():
    """No pack code as a string (docstrings aside), no import of a pack's modules, in shared code and its
    templates; a pack never imports another pack (the composition root calls packs.install())."""
    codes = sorted(PACKS)
    word = re.compile(rf"\b({'|'.join(codes)})\b")
    offenders = []
    for path in _sources(*SHARED):
        tree = _tree(path)
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
                    and word.search(node.value)):
                offenders.append(f"{_rel(path)}:{node.lineno} {node.value[:60]!r}")
        offenders += [f"{_rel(path)} imports {name}" for name in _imports(path)
                      if name.split(".")[0] == "packs" and name != "packs"]
    for template in sorted((ROOT / "web" / "templates").rglob("*.html")):
        for n, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(rf"['\"]({'|'.join(codes)})['\"]", line):
                offenders.append(f"{_rel(template)}:{n}")
    for code in codes:
        for path in _sources(f"packs/{code}"):
            others = {name for name in _imports(path) if name.split(".")[:2] != ["packs", code]
                      and name.split(".")[0] == "packs" and len(name.split(".")) > 1}
            offenders += [f"{_rel(path)} imports {name}" for name in sorted(others)]
    assert offenders == []


def test_nothing_registers_itself_on_import():
    """No module-level call statements (`subjects.register(...)`, `bp.register_blueprint(...)`): registries are
    filled by the composition root. Route decorators fill the module's own blueprint; the CLI's entry module
    (web/cli.py) assembles its own command group."""
    offenders = []
    for path in _sources("engine", "services", "classifiers", "packs", "devdata", "web"):
        if _rel(path) == "web/cli.py":
            continue
        for node in _tree(path).body:
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                offenders.append(f"{_rel(path)}:{node.lineno} {ast.unparse(node)[:60]}")
    assert offenders == []


def test_no_module_is_over_400_lines():
    long = {_rel(p): n for p in _sources("engine", "services", "web", "classifiers", "packs", "devdata")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}
