"""`fiu rules list | test | backtest` and `fiu train`, through `fiu.cli.main`."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from fiu.cli import main
from fiu.detect.features import feature_names
from fiu.detect.model import CaseModel, card_path
from fiu.detect.rules import load_rules

RULES = load_rules()

BAD_EXAMPLE = """\
id: general.many_hotels
title: Many hotel payments
typology: general
indicator: GEN-4
source: ours
severity: low
level: account
when: hotel_spend_count >= 10
explain: '{hotel_spend_count} hotel payments'
examples:
  hit: [{hotel_spend_count: 3}]
  miss: [{hotel_spend_count: 2}]
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    """A small generated world with labels (both classes)."""
    from fiu.generate import generate_world

    base = tmp_path_factory.mktemp("rulebook")
    generate_world(base / "world", seed=4, scale=0.2, truth_path=base / "truth.json")
    return base / "world"


def test_rules_list_prints_a_table_of_every_rule(capsys):
    assert main(["rules", "list"]) == 0
    out = capsys.readouterr().out
    assert out.split()[:6] == ["id", "typology", "indicator", "severity", "level", "title"]
    for rule in RULES:
        line = next(x for x in out.splitlines() if x.startswith(rule.id + " "))
        assert rule.indicator in line and rule.severity in line and rule.title in line
    assert f"{len(RULES)} rules" in out


def test_rules_list_features_prints_every_feature_with_its_docstring(capsys):
    assert main(["rules", "list", "--features"]) == 0
    out = capsys.readouterr().out
    for name in feature_names():
        assert f"  {name} " in out
    assert "Share of card receipts taken 22:00–06:00" in out


def test_rules_test_runs_every_example_and_passes(capsys):
    assert main(["rules", "test"]) == 0
    out = capsys.readouterr().out
    assert "behave as declared" in out
    assert all(f"ok   {r.id}" in out for r in RULES)


def test_rules_test_exits_1_naming_rule_and_failing_example(tmp_path, capsys):
    path = tmp_path / "general" / "many_hotels.yaml"
    path.parent.mkdir()
    path.write_text(BAD_EXAMPLE, encoding="utf-8")
    assert main(["rules", "test", str(path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL general.many_hotels examples.hit[0] did not hit: {hotel_spend_count: 3}" in out
    assert "1 of 2 examples failed" in out


def test_rules_test_of_an_invalid_file_exits_2_naming_file_line_and_field(tmp_path, capsys):
    path = tmp_path / "general" / "many_hotels.yaml"
    path.parent.mkdir()
    path.write_text(BAD_EXAMPLE.replace("hotel_spend_count >= 10", "hotel_spends >= 10"), "utf-8")
    assert main(["rules", "test", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:8 when: unknown feature 'hotel_spends'" in err


def test_rules_backtest_reports_hits_precision_and_recall_as_table_and_csv(world, tmp_path, capsys):
    out_csv = tmp_path / "backtest.csv"
    assert main(["rules", "backtest", str(world), "--csv", str(out_csv)]) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0].split()
    assert header[:5] == ["rule_id", "typology", "indicator", "level", "hits"]
    assert {"precision", "recall"} <= set(header)
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    assert [r["rule_id"] for r in rows] == [r.id for r in RULES]
    fired = [r for r in rows if int(r["hits"]) > 0 and r["precision"]]
    assert fired, "some rule must fire on labelled records"
    for r in fired:
        assert 0.0 <= float(r["precision"]) <= 1.0
        assert int(r["true_refs"]) + int(r["false_refs"]) == int(r["labelled_refs"])
    night = next(r for r in rows if r["rule_id"] == "illicit_massage_business.night_card_receipts")
    assert float(night["recall"]) > 0


def test_rules_backtest_without_labels_exits_1(world, tmp_path, capsys):
    bare = tmp_path / "bare"
    shutil.copytree(world, bare, ignore=shutil.ignore_patterns("labels*"))
    assert main(["rules", "backtest", str(bare)]) == 1
    assert "no labelled records" in capsys.readouterr().out


def test_train_writes_a_model_and_its_card_and_prints_metrics(world, tmp_path, capsys):
    model_path = tmp_path / "model.joblib"
    assert main(["train", str(world), "--model-out", str(model_path)]) == 0
    printed = json.loads(capsys.readouterr().out)
    card = json.loads(card_path(model_path).read_text(encoding="utf-8"))
    assert printed == card["metrics"]
    assert card["features"] and card["sklearn_version"]
    assert card["training_data"]["positives"] >= 1 and card["training_data"]["negatives"] >= 1
    assert isinstance(CaseModel.load(model_path), CaseModel)
