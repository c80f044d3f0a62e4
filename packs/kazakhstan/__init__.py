"""Republic of Kazakhstan (seed 003): the investment-project path (initiative, passport, roadmap,
verification, implementation, monitoring), the prosecutor's filter, МРП and pools, the region
rating and the quarterly monitoring report; appeals follow the shared appeal path."""
from __future__ import annotations

from pathlib import Path

from classifiers.packs import BPMN_DIR, CLASSIFIER_DIR, DMN_DIR, Pack
from services.appeals import steps as appeal_steps
from services.subjects import SubjectKind

from . import demo, projects, region, scoring, steps
from .status import KZ_STATUS_RU

PACK = Pack(
    code=region.CODE,
    name_ru="Республика Казахстан: «одно окно» для инвесторов",
    name_en="Republic of Kazakhstan: a one-stop shop for investors",
    country=region.COUNTRY,
    timezone=region.TIMEZONE,
    classifier_file=CLASSIFIER_DIR / "kazakhstan.json",
    diagrams=(BPMN_DIR / "appeal.bpmn", BPMN_DIR / "kazakhstan" / "kz_project.bpmn"),
    decisions=(DMN_DIR / "green_corridor.dmn",),
    statuses=KZ_STATUS_RU,
    steps=(*appeal_steps.STEPS, *steps.STEPS),
    subjects={projects.SUBJECT: SubjectKind(projects.complete, projects.apply_run, "project_id",
                                            page="kz_pages.kz_project")},
    web="packs.kazakhstan.web",
    templates=Path(__file__).resolve().parent / "templates",
    demo=demo.load_kz_demo,
    on_init=scoring.ensure_mrp_defaults,
)
