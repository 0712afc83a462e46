"""Every rule's own examples are tests: one parametrised test over rule × example."""
from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pytest

from fiu.detect.rules import evaluate, example_hits, load_rules

RULES = load_rules()
CASES = [
    pytest.param(rule, kind, example, id=f"{rule.id}-{kind}{i}")
    for rule in RULES
    for kind in ("hit", "miss")
    for i, example in enumerate(rule.examples[kind])
]


@pytest.mark.parametrize(("rule", "kind", "example"), CASES)
def test_rule_example(rule, kind, example):
    assert example_hits(rule, example) is (kind == "hit")


def test_library_has_at_least_25_rules_over_every_typology():
    assert len(RULES) >= 25
    assert {r.typology for r in RULES} == {
        "illicit_massage_business", "escort_online_commercial_sex", "labor_trafficking",
        "funnel_account", "general",
    }


def test_rule_dropped_in_a_rules_folder_is_picked_up_and_fires(tmp_path: Path):
    root = tmp_path / "rules"
    (root / "general").mkdir(parents=True)
    shutil.copy(Path(__import__("fiu.rules").rules.__file__).with_name("rule.schema.json"), root)
    (root / "general" / "many_hotels.yaml").write_text(
        "id: general.many_hotels\n"
        "title: Many hotel payments\n"
        "typology: general\n"
        "indicator: GEN-4\n"
        "source: ours\n"
        "severity: low\n"
        "level: account\n"
        "when: hotel_spend_count >= 10\n"
        "explain: '{hotel_spend_count} hotel payments'\n"
        "examples:\n"
        "  hit: [{hotel_spend_count: 12}]\n"
        "  miss: [{hotel_spend_count: 2}]\n",
        encoding="utf-8",
    )
    rules = load_rules(root)
    assert [r.id for r in rules] == ["general.many_hotels"]
    table = pa.table({"ref": ["account:b:1", "account:b:2"], "hotel_spend_count": [14.0, 1.0]})
    hits = evaluate(rules, table)
    assert [(h.rule_id, h.key, h.explanation) for h in hits] == [
        ("general.many_hotels", "account:b:1", "14 hotel payments")
    ]
