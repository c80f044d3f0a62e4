"""workflows/bpmn/kazakhstan/kz_project.bpmn follows docs/bpmn-conventions.md and passes the deploy lint; its
DI is the one tools/kz_project_layout.py draws."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from classifiers.packs import get_pack
from engine.lint import BPMN_NS, LintRules, load_xml, properties
from engine.specs import parse_diagram
from packs.kazakhstan.status import KZ_STATUS_RU
from services.models import ROLES
from services.steps import StepRegistry, form_fields

ROOT = Path(__file__).resolve().parents[2]
XML = (ROOT / "workflows" / "bpmn" / "kazakhstan" / "kz_project.bpmn").read_bytes()
RULES = LintRules(process_ids=frozenset({"kz_project"}), roles=frozenset(ROLES),
                  statuses=frozenset(KZ_STATUS_RU), operations=frozenset({"escalate_overdue", "auto_close"}))


def test_the_deploy_lint_accepts_the_kazakhstan_process():
    loaded = parse_diagram(XML, "kz_project.bpmn", RULES)
    assert loaded.process_id == "kz_project"
    lanes = {t.role for t in loaded.human_tasks.values()}
    assert lanes == {"initiator", "local_exec", "investor", "chamber", "authorized_body"}
    steps = {t.bpmn_id: t.step for t in loaded.human_tasks.values()}
    assert steps["review_initiative"] == "initiative_review" and steps["verify"] == "verification"
    root = load_xml(XML)
    for task in root.iter(f"{{{BPMN_NS}}}userTask"):  # every user task declares its step
        assert "step" in {name for name, _, _ in properties(task)}, task.get("id")
    assert not list(root.iter(f"{{{BPMN_NS}}}scriptTask"))
    review = loaded.human_tasks["review_initiative"]
    assert set(review.actions) == {"create_passport", "extend", "return"}
    steps = StepRegistry(get_pack("kazakhstan").steps)  # the form is the step registry's (services/steps.py)
    passport = {f.name for f in form_fields(steps, review.step, review.actions["create_passport"])}
    assert {"company_name", "bin", "sector", "product", "region", "cost_kzt", "financing", "contacts", "summary",
            "registered_on"} <= passport  # the ten fields of item 46
    assert loaded.node_status == {"start": "initiative", "end_auto_excluded": "excluded"}


def test_the_diagram_layout_is_up_to_date():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "kz_project_layout.py"), "--check"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
