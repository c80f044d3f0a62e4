"""Koridor classifiers: appeal taxonomy, appeal types, deadlines, calendars, scoring.

A pure package: the standard library and ``holidays`` only, and no I/O except
reading a pack's classifier JSON file. ``engine/``, ``services/`` and ``web/``
may import it; it imports none of them.
"""

from classifiers.calendar import SUPPORTED_COUNTRIES, ProductionCalendar
from classifiers.deadlines import Deadline, compute_deadline
from classifiers.errors import InvalidClassifier, InvalidInput
from classifiers.loader import classifier_from_dict
from classifiers.packs import PACKS, Pack, UnknownPack, default_pack, get_pack, register
from classifiers.scoring import MRP_BY_YEAR, green_corridor_score, project_pool
from classifiers.taxonomy import AppealType, Category, Classifier, Fact, Subcategory, UnknownFact, load_classifier

__all__ = [
    "MRP_BY_YEAR",
    "PACKS",
    "SUPPORTED_COUNTRIES",
    "AppealType",
    "Category",
    "Classifier",
    "Deadline",
    "Fact",
    "InvalidClassifier",
    "InvalidInput",
    "Pack",
    "ProductionCalendar",
    "Subcategory",
    "UnknownFact",
    "UnknownPack",
    "classifier_from_dict",
    "compute_deadline",
    "default_pack",
    "get_pack",
    "green_corridor_score",
    "load_classifier",
    "project_pool",
    "register",
]
