"""Moscow Region (seed 004): its own appeal path (three typical routing algorithms, a first
response for complex consultations, the parts of co-executing agencies) and the knowledge base of
answer scripts for simple consultations."""
from __future__ import annotations

from classifiers.packs import BPMN_DIR, CLASSIFIER_DIR, DMN_DIR, WORKFLOWS, Pack

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
)
