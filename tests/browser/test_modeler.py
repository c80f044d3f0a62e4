"""The modeler page in chromium (issue 13): change a task's step from the registry, lint, deploy, diff and a
migration dry run; and every shipped diagram, saved by bpmn-js after moving its tasks, still deploys."""
from __future__ import annotations

from pathlib import Path

import pytest
import requests

from classifiers.packs import PACKS
from engine.specs import parse_diagram
from tests.browser.conftest import screenshot
from tests.support import PASSWORD

BUNDLE = Path(__file__).resolve().parents[2] / "web" / "static" / "modeler" / "modeler.js"
needs_bundle = pytest.mark.skipif(not BUNDLE.exists(), reason="the modeler is not installed (npm missing at make install)")


def _token(base: str, login: str) -> dict:
    answer = requests.post(f"{base}/api/v1/auth/token", json={"login": login, "password": PASSWORD}, timeout=10)
    return {"Authorization": f"Bearer {answer.json()['token']}"}


@needs_bundle
def test_an_analyst_changes_a_step_lints_and_deploys_in_the_modeler(open_as, live_server):
    page = open_as("analyst")
    page.goto(f"{live_server}/analyst/modeler")
    page.wait_for_selector("#modeler-page[data-ready='1']")
    page.locator("g.djs-element[data-element-id='take']").click()
    assert page.locator("#kp-lane").inner_text() == "Дорожка (роль): Менеджер (manager)"
    assert page.locator("#kp-step").input_value() == "take"
    page.locator("#kp-step").select_option("execution")
    assert page.locator(".kp-stray[data-action='take']").is_visible()  # `take` is not an action of `execution`

    page.get_by_role("button", name="Проверить").click()
    problem = page.locator(".modeler-problem[data-element='take']")
    problem.wait_for()
    assert "действие 'take' не объявлено в шаге 'execution'" in problem.inner_text()
    assert "koridor-problem" in page.locator("g.djs-element[data-element-id='take']").get_attribute("class")

    page.locator("#kp-action-take").uncheck()
    page.get_by_role("button", name="Проверить").click()
    page.wait_for_function("document.getElementById('modeler-status').textContent.includes('Проверка пройдена')")
    page.get_by_role("button", name="Развернуть").click()
    page.wait_for_function("document.getElementById('modeler-status').textContent.includes('Развёрнута версия 2')")

    page.get_by_role("button", name="Сравнить с текущей").click()
    page.wait_for_selector(".modeler-diff")
    assert "property:step: take → execution" in page.locator("#modeler-report").inner_text()
    page.get_by_role("button", name="Пробный перенос обращений").click()
    page.wait_for_selector(".migration-summary")
    screenshot(page, "modeler")

    headers = _token(live_server, "analyst")
    source = requests.get(f"{live_server}/api/v1/process-models/appeal/versions/2/source", headers=headers, timeout=10)
    assert source.status_code == 200 and 'name="step" value="execution"' in source.text


def test_without_the_bundle_the_page_says_the_modeler_is_not_installed(open_as, live_server, monkeypatch):
    from web.pages import modeler_page

    monkeypatch.setattr(modeler_page, "BUNDLE", BUNDLE.with_name("absent.js"))
    page = open_as("analyst")
    page.goto(f"{live_server}/analyst/modeler")
    assert "Редактор схем не установлен" in page.locator("#modeler-missing").inner_text()


def _shipped():
    seen = {}
    for pack in PACKS.values():
        for path in pack.diagrams:
            seen[Path(path).resolve()] = pack
    return sorted(seen.items())


# bpmn-js drops a multi-instance task's `loopDataInputRef` that names no element of the file (Moscow's
# `part_list`, a process variable): the saved file loses the loop input. Known, not fixed yet.
_LOOP_REF = pytest.mark.xfail(strict=True, reason="loopDataInputRef names a variable, bpmn-js drops it")


def _cases():
    return [pytest.param(path, pack, id=f"{pack.code}-{path.name}",
                         marks=[_LOOP_REF] if "loopDataInputRef" in path.read_text(encoding="utf-8") else [])
            for path, pack in _shipped()]


@needs_bundle
@pytest.mark.parametrize(("path", "pack"), _cases())
def test_every_shipped_diagram_saved_by_bpmn_js_after_moving_its_tasks_deploys(browser, ctx, path, pack):
    """bpmn-js (the page's bundle) opens each diagram, moves every user task 8 px right (so a task inside a
    sub-process drops out of its lane's list), saves; the file passes the deploy lint with the same roles."""
    from dataclasses import replace

    from services.analyst.process_models import lint_rules
    from services.steps import StepRegistry, check_task
    page = browser.new_page()
    page.set_content('<div id="c" style="width:1600px;height:900px"></div>')
    page.add_script_tag(path=str(BUNDLE))
    xml = path.read_text(encoding="utf-8")
    saved = page.evaluate("""async (xml) => {
      const K = window.KoridorModeler;
      const m = new K.BpmnModeler({container: '#c', moddleExtensions: K.moddleExtensions});
      await m.importXML(xml);
      const tasks = m.get('elementRegistry').filter(e => e.type === 'bpmn:UserTask');
      for (const t of tasks) m.get('modeling').moveElements([t], {x: 8, y: 0});
      const {xml: out} = await m.saveXML({format: true});
      m.destroy();
      return out;
    }""", xml)
    with ctx.db.unit_of_work() as uow:
        rules = lint_rules(ctx, uow.session)
    registry = StepRegistry(pack.steps)
    rules = replace(rules, process_ids=rules.process_ids | frozenset(pack.process_ids),
                    statuses=rules.statuses | frozenset(pack.statuses),
                    task_check=lambda task, registry=registry: check_task(registry, task))
    before = parse_diagram(xml.encode(), path.name, rules)
    after = parse_diagram(saved.encode(), path.name, rules)
    assert {t: s.role for t, s in after.human_tasks.items()} == {t: s.role for t, s in before.human_tasks.items()}
    page.close()
