"""Loading and compiling rules: errors name file:line and field; nothing is executed."""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from fiu.detect.rules import ConditionError, RuleError, compile_condition, evaluate, load_rules

GOOD = """\
id: funnel_account.deposits_many_regions
title: Cash deposits into one account from several states
typology: funnel_account
indicator: FUN-1
source: FIN-2020-A008
severity: medium
level: account
when: cash_in_regions_30d >= 3 and cash_in_count_30d >= 6
explain: "cash deposited in {cash_in_regions_30d} states"
examples:
  hit: [{cash_in_regions_30d: 4, cash_in_count_30d: 9}]
  miss: [{cash_in_regions_30d: 1, cash_in_count_30d: 40}]
"""


def write_rule(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    import fiu.rules

    r = tmp_path / "rules"
    r.mkdir()
    (r / "rule.schema.json").write_text(
        Path(fiu.rules.__file__).with_name("rule.schema.json").read_text(), encoding="utf-8"
    )
    return r


def test_unknown_feature_names_file_line_field_and_hint(root: Path):
    write_rule(root, "funnel_account/deposits_many_regions.yaml",
               GOOD.replace("cash_in_regions_30d >= 3", "cash_regions_30d >= 3"))
    with pytest.raises(RuleError) as exc:
        load_rules(root)
    assert exc.value.errors == [
        f"{root}/funnel_account/deposits_many_regions.yaml:8 when: unknown feature "
        "'cash_regions_30d' (did you mean 'cash_in_regions_30d'?)"
    ]


def test_all_errors_of_all_files_are_raised_at_once(root: Path):
    write_rule(root, "funnel_account/deposits_many_regions.yaml",
               GOOD.replace("severity: medium", "severity: extreme"))
    write_rule(root, "general/other.yaml", GOOD.replace("indicator: FUN-1\n", ""))
    with pytest.raises(RuleError) as exc:
        load_rules(root)
    errs = exc.value.errors
    assert len(errs) == 2
    assert errs[0].startswith(f"{root}/funnel_account/deposits_many_regions.yaml:6 severity: ")
    assert errs[1] == f"{root}/general/other.yaml:1 indicator: missing required field"


def test_id_must_match_folder_and_stem(root: Path):
    write_rule(root, "funnel_account/other_name.yaml", GOOD)
    with pytest.raises(RuleError) as exc:
        load_rules(root)
    assert exc.value.errors[0].startswith(f"{root}/funnel_account/other_name.yaml:1 id: must be")


def test_yaml_syntax_error_names_the_line(root: Path):
    write_rule(root, "funnel_account/deposits_many_regions.yaml", GOOD + "examples: [\n")
    with pytest.raises(RuleError) as exc:
        load_rules(root)
    assert ".yaml:" in exc.value.errors[0] and " yaml: " in exc.value.errors[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os').system('true')", "a function call is not allowed"),
        ("night_card_share.real > 1", "only feature names and literals"),
        ("open('x') == 1", "got a function call"),
        ("night_card_share + 1 > 2", "arithmetic"),
        ("night_card_share in [1, 2]", "'in' is not allowed"),
        ("night_card_share", "alone is not a condition"),
        ("lambda: 1", "is not allowed"),
        ("night_card_share > ", "not a valid condition"),
        ("1 < 2", "names no feature"),
    ],
)
def test_unsafe_or_invalid_conditions_are_refused(text: str, message: str):
    with pytest.raises(ConditionError, match=message):
        compile_condition(text, level="account")


def test_feature_of_another_level_is_named():
    with pytest.raises(ConditionError, match="is a network feature, not a account"):
        compile_condition("network_size >= 2", level="account")


def test_condition_compiles_to_an_arrow_expression():
    expr, names = compile_condition("a >= 10 and not (b < 3 or c == 1)", known=["a", "b", "c"])
    assert names == ("a", "b", "c")
    table = pa.table({"a": [10, 10, 9], "b": [5, 1, 5], "c": [0, 0, 0]})
    assert table.filter(expr).num_rows == 1


def test_chained_comparison_and_negative_literals():
    expr, _ = compile_condition("-1 < a <= 2", known=["a"])
    assert pa.table({"a": [-1, 0, 2, 3]}).filter(expr).column("a").to_pylist() == [0, 2]


def test_missing_feature_is_null_and_null_never_hits():
    rules = load_rules()
    table = pa.table({"ref": ["account:b:1", "account:b:2"],
                      "structuring_count_30d": pa.array([None, 5.0], pa.float64())})
    hits = evaluate(rules, table, level="account")
    assert {(h.rule_id, h.key) for h in hits} == {("general.structuring", "account:b:2")}
    assert hits[0].explanation == "5 cash deposits between $8,000 and $10,000 within 30 days"
