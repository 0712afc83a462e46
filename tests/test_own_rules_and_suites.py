"""--rules DIR and --suites DIR: a data engineer's own rules and suites with an installed fiu."""
import json
import os

from fiu.cli import main
from fiu.detect.rules import RULES_ENV, RULES_ONLY_ENV, load_rules
from fiu.validate.suites import SUITES_ENV, load_suites
from tests.conftest import txn, write_csv

RULE = """\
id: funnel_account.cash_in_burst
title: Many cash deposits in 30 days
typology: funnel_account
indicator: FUN-1
source: FIN-2020-A008
severity: low
level: account
when: cash_in_count_30d >= {n}
explain: "{{cash_in_count_30d}} cash deposits in 30 days"
examples:
  hit: [{{cash_in_count_30d: 50}}]
  miss: [{{cash_in_count_30d: 1}}]
"""


def own_rules(tmp_path, n=30):
    folder = tmp_path / "my-rules"
    (folder / "funnel_account").mkdir(parents=True)
    (folder / "funnel_account" / "cash_in_burst.yaml").write_text(RULE.format(n=n))
    return folder


def test_own_rules_are_added_to_or_replace_the_shipped_pack(tmp_path, monkeypatch):
    shipped = {r.id for r in load_rules()}
    monkeypatch.setenv(RULES_ENV, str(own_rules(tmp_path)))
    assert {r.id for r in load_rules()} == shipped | {"funnel_account.cash_in_burst"}
    monkeypatch.setenv(RULES_ONLY_ENV, "1")
    assert [r.id for r in load_rules()] == ["funnel_account.cash_in_burst"]


def test_an_own_rule_with_a_shipped_id_is_refused(tmp_path, monkeypatch):
    folder = own_rules(tmp_path)
    clash = folder / "funnel_account" / "rapid_drain.yaml"
    clash.write_text(RULE.format(n=3).replace("cash_in_burst", "rapid_drain"))
    monkeypatch.setenv(RULES_ENV, str(folder))
    assert main(["rules", "list", "--rules", str(folder)]) == 2


def test_rules_test_runs_own_rules_examples(tmp_path, capsys):
    folder = own_rules(tmp_path, n=80)  # the `hit` example (50) now misses
    assert main(["rules", "test", "--rules", str(folder), "--rules-only"]) == 1
    assert "cash_in_burst" in capsys.readouterr().out
    assert main(["rules", "test", "--rules", str(own_rules(tmp_path / "ok")), "--rules-only"]) == 0
    assert RULES_ENV not in os.environ  # the option does not outlive the command


def test_own_suites_replace_the_shipped_suite_of_their_kind(tmp_path, monkeypatch):
    shipped = load_suites()
    folder = tmp_path / "suites"
    folder.mkdir()
    suite = dict(shipped["accounts"])
    suite["expectations"] = suite["expectations"][:3]
    (folder / "accounts.json").write_text(json.dumps(suite))
    monkeypatch.setenv(SUITES_ENV, str(folder))
    loaded = load_suites()
    assert loaded["accounts"]["expectations"] == suite["expectations"]
    assert loaded["transactions"] == shipped["transactions"]


def test_a_suite_file_not_named_after_a_kind_exits_2(tmp_path, capsys):
    (tmp_path / "suites").mkdir()
    (tmp_path / "suites" / "txns.json").write_text("{}")
    (tmp_path / "in").mkdir()
    code = main(["rules", "backtest", str(tmp_path / "in"), "--suites", str(tmp_path / "suites")])
    assert code == 2
    assert "a suite file is named after its kind" in capsys.readouterr().err


def test_the_manifest_records_own_folders_and_versions(tmp_path):
    folder = own_rules(tmp_path)
    world, out = tmp_path / "in", tmp_path / "out"
    world.mkdir()
    write_csv(world / "transactions_a.csv", [txn()])
    (world / "partners.yaml").write_text("partners:\n  - {id: bank-a, kind: financial_institution}\n")
    assert main(["run", str(world), "--out", str(out), "--rules", str(folder)]) == 0
    versions = json.loads((out / "manifest.json").read_text())["versions"]
    (entry,) = versions["rule_folders"]
    assert entry["folder"] == str(folder.resolve()) and len(entry["version"]) == 12
    assert versions["shipped_rules"] is True
