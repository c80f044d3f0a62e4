"""Leningrad Region (seeds 000 and 001): the «Зеленый коридор» appeal path, the onboarding path
(registration → support application → project) and the region's priority industries.

The appeal steps and the onboarding services are shared (services/appeals, services/projects):
other packs use them too. This pack adds its classifier, diagrams and the ОКВЭД priority list.
"""
from __future__ import annotations

from classifiers.packs import BPMN_DIR, CLASSIFIER_DIR, DMN_DIR, Pack
from services.appeals import steps as appeal_steps
from services.projects import onboarding
from services.subjects import SubjectKind

PACK = Pack(
    code="leningrad",
    name_ru="Ленинградская область: «Зеленый коридор»",
    name_en="Leningrad Region: the Green Corridor",
    country="RU",
    timezone="Europe/Moscow",
    classifier_file=CLASSIFIER_DIR / "leningrad.json",
    diagrams=(BPMN_DIR / "appeal.bpmn", BPMN_DIR / "leningrad" / "onboarding.bpmn"),
    decisions=(DMN_DIR / "green_corridor.dmn",),
    statuses=onboarding.STATUS_RU,
    steps=(*appeal_steps.STEPS, *onboarding.STEPS),
    subjects={"registration": SubjectKind(onboarding.complete, onboarding.apply_run, "registration_id")},
    priority_okved_file=CLASSIFIER_DIR / "leningrad_priority_okved.json",
)
