"""Packs are plug-ins: one object each, found through the registry; only the active pack's routes
and pages are served (packs/, classifiers/packs.py, web.create_app)."""
from __future__ import annotations

import pytest

from classifiers.packs import BPMN_DIR, PACKS, get_pack
from services.settings import Settings
from web import create_app

PACK_ROUTES = {"kazakhstan": ("/api/v1/kz/projects", "/kz/projects", "/kz/region-rating"),
               "moscow": ("/api/v1/knowledge-base",)}


def _rules(pack: str, tmp_path) -> set[str]:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'k.db'}", pack=pack, secret_key="t", testing=True))
    try:
        return {rule.rule for rule in app.url_map.iter_rules()}
    finally:
        app.extensions["koridor"].db.dispose()


@pytest.mark.parametrize("code", ["leningrad", "moscow", "kazakhstan"])
def test_only_the_active_packs_routes_are_registered(code, tmp_path):
    rules = _rules(code, tmp_path)
    for pack, paths in PACK_ROUTES.items():
        for path in paths:
            assert (path in rules) is (pack == code), (code, path)
    assert "/api/v1/appeals" in rules and "/inbox" in rules  # the shared ones everywhere


def test_every_pack_names_existing_files_and_runs_the_processes_of_its_diagrams():
    for code, pack in PACKS.items():
        assert pack.code == code
        for path in (pack.classifier_file, *pack.diagrams, *pack.decisions):
            assert path.is_file(), path
        assert "appeal" in pack.process_ids  # the services file every appeal under process `appeal`
        for path in pack.diagrams:  # shared diagrams at the top, a pack's own in workflows/bpmn/<pack>/
            assert path.parent in (BPMN_DIR, BPMN_DIR / code), path


def test_the_default_pack_is_used_when_none_is_set():
    assert get_pack("").code == get_pack(None).code == "leningrad"
    assert Settings().pack == ""
