"""Moscow Region (seed 004): its own appeal path (three typical routing algorithms, a first
response for complex consultations, the parts of co-executing agencies) and the knowledge base of
answer scripts for simple consultations."""
from __future__ import annotations

from classifiers.packs import BPMN_DIR, CLASSIFIER_DIR, DMN_DIR, WORKFLOWS, Pack, Term

from . import steps

PACK = Pack(
    code="moscow",
    name_ru="Московская область: система отработки обращений",
    name_en="Moscow Region: the appeals system",
    country="RU",
    timezone="Europe/Moscow",
    classifier_file=CLASSIFIER_DIR / "moscow.json",
    diagrams=(BPMN_DIR / "moscow" / "appeal.bpmn",),
    decisions=(DMN_DIR / "green_corridor.dmn",),
    steps=steps.STEPS,
    knowledge_file=WORKFLOWS / "knowledge" / "moscow.json",
    web="packs.moscow.web",
    # seed 004 names no participants' term; the pack takes the lower bound of seed 002's «3–7 рабочих дней»,
    # and a part never ends after the appeal's own deadline (a task: 2–5 days, seed 004 «ЧТО» п. 2)
    participant_terms={kind: Term(3, "working") for kind in ("oiv", "omsu", "rso", "federal")},
    # the seed gives no limit: at most the type's own term again (seed 004 «ЧТО»: 1 день, 2 дня, 2–5 дней)
    extension_limits={"simple_consultation": Term(1), "complex_consultation": Term(2), "task": Term(5),
                      "problem": Term(20)},
)
