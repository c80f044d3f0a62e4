"""The green-corridor DMN (workflows/dmn/green_corridor.dmn) against Appendix 1 of seed 003, and
the DMN deployment lint (issue 7)."""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from classifiers.scoring import green_corridor_score
from engine.dmn import DmnRules, decide, parse_dmn
from engine.errors import DiagramRejected
from services.analyst.green_corridor import score_with
from services.analyst.process_models import DECISION_MODELS

DMN = (Path(__file__).resolve().parents[2] / "workflows" / "dmn" / "green_corridor.dmn").read_bytes()
M = 1_000_000
RULES = DmnRules(DECISION_MODELS)


@pytest.fixture
def evaluate():
    loaded = parse_dmn(DMN, "green_corridor.dmn", RULES)
    return lambda **inputs: score_with(loaded, inputs)


# Band edges of Appendix 1 («от A до B» is A <= x < B) and a value on each side.
INVESTMENTS = [0, 9_999_999.99, 10 * M, 14_999_999, 15 * M, 29_999_999.5, 30 * M, 2_000 * M]
JOBS = [0, 299, 300, 499, 500, 12_000]


def test_the_table_reproduces_appendix_1_on_every_band_edge(evaluate):
    combos = itertools.product(INVESTMENTS, (False, True), ("non_manufacturing", "unlisted", "medium", "high"), JOBS)
    checked = 0
    for investment, g2000, tech, jobs in combos:
        expected = green_corridor_score(investment, g2000, tech, jobs)
        assert evaluate(investment_usd=investment, global2000=g2000, tech_level=tech, jobs=jobs) == expected, \
            (investment, g2000, tech, jobs)
        checked += 1
    assert checked == 8 * 2 * 4 * 6


def test_the_threshold_edge_is_inclusive(evaluate):
    # 10 mln → 1 × 25 %, high tech → 3 × 30 %, 300 jobs → 1 × 15 %: exactly 1.3
    at = evaluate(investment_usd=10 * M, global2000=False, tech_level="high", jobs=300)
    assert (at["score"], at["threshold"], at["included"]) == (1.3, 1.3, True)
    below = evaluate(investment_usd=10 * M, global2000=False, tech_level="high", jobs=299)  # 0.5 × 15 %
    assert (below["score"], below["included"]) == (1.225, False)
    under = evaluate(investment_usd=9_999_999, global2000=False, tech_level="high", jobs=300)
    assert (under["score"], under["included"]) == (1.05, False)
    assert at["points"]["jobs"] == {"value": 300, "points": 1.0, "max_points": 2.0, "weight": 0.15, "weighted": 0.15}


def test_each_table_answers_on_its_own():
    loaded = parse_dmn(DMN, "green_corridor.dmn", RULES)
    assert decide(loaded, "investment_points", {"investment_usd": 15 * M}) == {"points": 2}
    assert decide(loaded, "tech_level_points", {"tech_level": "unlisted"}) == {"points": 1}
    assert decide(loaded, "criteria", {"criterion": "global2000"}) == {"weight": 0.30, "max_points": 2}
    assert decide(loaded, "threshold", {}) == {"threshold": 1.3}
    assert decide(loaded, "tech_level_points", {"tech_level": "space"}) == {}  # no rule matches


def _problems(xml: bytes) -> list[str]:
    with pytest.raises(DiagramRejected) as caught:
        parse_dmn(xml, "bad.dmn", RULES)
    return caught.value.errors["file"]


def test_a_hostile_table_is_refused_with_every_problem_listed():
    bad = (DMN.replace(b'id="threshold"', b'id="threshold_x"')
           .replace(b'id="jobs_points_table" hitPolicy="UNIQUE"', b'id="jobs_points_table" hitPolicy="FIRST"')
           .replace(b"<text>&gt;= 30000000</text>", b"<text>open('/etc/passwd')</text>")
           .replace(b"<text>0.25</text>", b"<text>__import__('os')</text>")
           .replace(b"<text>tech_level</text>", b"<text>tech_level.__class__</text>"))
    problems = _problems(bad)
    joined = "\n".join(problems)
    assert "threshold_x" in joined and "нет решения 'threshold'" in joined
    assert "jobs_points_table" in joined and "политика срабатывания FIRST" in joined
    assert "investment_points_r4_in" in joined and "вызывать можно только len/str" in joined
    assert "criteria_r1_w" in joined and "__import__('os')': вызывать можно только len/str" in joined
    assert "tech_level_points_in" in joined and "запрещено: Attribute" in joined
    assert all("(строка " in p for p in problems)


def test_unknown_model_and_hostile_xml_are_refused():
    assert "неизвестная модель решений 'other'" in "\n".join(
        _problems(DMN.replace(b'id="green_corridor"', b'id="other"')))
    xxe = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="green_corridor">&x;</definitions>')
    with pytest.raises(DiagramRejected) as caught:
        parse_dmn(xxe, "x.dmn", RULES)
    assert "root:" not in str(caught.value.errors)
    schema = _problems(DMN.replace(b"<decisionTable id=\"threshold_table\"", b"<decisionTabl id=\"threshold_table\""))
    assert schema
