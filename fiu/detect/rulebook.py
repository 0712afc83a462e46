"""The rule library as the `fiu rules` commands show it: list, test and backtest.

Each function returns text (and whether all went well); `fiu/cli.py` prints it and
turns the flag into the exit status.

- `list_text` — one line a rule (id, typology, indicator, severity, level, title), or
  every feature with its docstring.
- `test_text` — every example of every rule (or of the given files) must hit or miss
  as declared.
- `backtest_text` — per rule, its hits in an input folder and its precision and recall
  against the folder's `labels*` rows.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from .features import feature_docs
from .rules import Rule, example_hits, load_rule_files, load_rules

RULE_COLUMNS = ("id", "typology", "indicator", "severity", "level", "title")
BACKTEST_COLUMNS = (
    "rule_id", "typology", "indicator", "level", "hits", "labelled_refs",
    "true_refs", "false_refs", "precision", "cases", "cases_reached", "recall",
)


def table_text(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain text table: a header, a rule of dashes, columns padded to their widths."""
    cells = [[str(h) for h in header]] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


# --- fiu rules list -----------------------------------------------------------------------


def list_text(features: bool = False) -> str:
    """Every rule as a table, or (`features`) every feature with its level and docstring."""
    if features:
        docs = feature_docs()
        width = max(len(name) for _, name, _ in docs)
        out, level = [], None
        for lv, name, doc in docs:
            if lv != level:
                out.append(("" if level is None else "\n") + f"[{lv}]")
                level = lv
            out.append(f"  {name.ljust(width)}  {doc}")
        return "\n".join(out) + f"\n\n{len(docs)} features"
    rules = load_rules()
    rows = [(r.id, r.typology, r.indicator, r.severity, r.level, r.title) for r in rules]
    return table_text(RULE_COLUMNS, rows) + f"\n\n{len(rules)} rules"


# --- fiu rules test -----------------------------------------------------------------------


def _short(example: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in example.items()) + "}"


def test_text(paths: Sequence[str] | None = None) -> tuple[bool, str]:
    """Run the examples of every rule (or of the rule files / folders in `paths`).

    Returns (all behaved as declared, a report naming each failing rule and example).
    """
    rules = load_rule_files(paths) if paths else load_rules()
    lines: list[str] = []
    failed = examples = 0
    for rule in rules:
        bad = []
        for kind in ("hit", "miss"):
            for i, ex in enumerate(rule.examples[kind]):
                examples += 1
                if example_hits(rule, ex) != (kind == "hit"):
                    verb = "did not hit" if kind == "hit" else "hit but must miss"
                    bad.append(f"  FAIL {rule.id} examples.{kind}[{i}] {verb}: {_short(ex)}"
                               f" ({rule.path})")
        failed += len(bad)
        lines.append(f"{'FAIL' if bad else 'ok  '} {rule.id}")
        lines += bad
    if failed:
        lines.append(f"\n{failed} of {examples} examples failed in {len(rules)} rules")
    else:
        lines.append(f"\nall {examples} examples of {len(rules)} rules behave as declared")
    return failed == 0, "\n".join(lines)


# --- fiu rules backtest -------------------------------------------------------------------


@dataclass(frozen=True)
class RuleBacktest:
    """One rule against labels: hits, and precision and recall over labelled records."""

    rule: Rule
    hits: int
    labelled_refs: int
    true_refs: int
    false_refs: int
    cases: int
    cases_reached: int

    @property
    def precision(self) -> float | None:
        return self.true_refs / self.labelled_refs if self.labelled_refs else None

    @property
    def recall(self) -> float | None:
        return self.cases_reached / self.cases if self.cases else None

    def row(self) -> tuple[Any, ...]:
        r = self.rule
        return (r.id, r.typology, r.indicator, r.level, self.hits, self.labelled_refs,
                self.true_refs, self.false_refs, _ratio(self.precision), self.cases,
                self.cases_reached, _ratio(self.recall))


def _ratio(v: float | None) -> str:
    return "" if v is None else f"{v:.2f}"


def backtest(input_dir: str | Path, rules: Sequence[Rule] | None = None) -> list[RuleBacktest]:
    """Each rule's hits in a folder, measured against its `labels*` rows.

    A hit covers records: an account hit its account, an entity hit every record of the
    entity, a network hit every record of the network. Precision is the share of the
    labelled records a rule covers that are labelled 1; recall is the share of confirmed
    cases (label 1, by `case_id`) of the rule's typology (all typologies for `general`
    rules) in which the rule covers at least one record.
    """
    from ..local import load_inputs
    from .train import candidates_for

    rules = list(load_rules() if rules is None else rules)
    tables = load_inputs(input_dir).tables
    c, _ = candidates_for(tables, rules=rules)
    labels = _labels(tables.get("labels"))
    ent_refs = c.records.groupby("entity_id")["ref"].apply(list).to_dict()
    net_refs = c.members.groupby("network_id")["ref"].apply(list).to_dict()
    covered: dict[str, set[str]] = {r.id: set() for r in rules}
    hit_keys: dict[str, set[str]] = {r.id: set() for r in rules}
    for h in c.hits:
        if h.rule_id not in covered:
            continue
        hit_keys[h.rule_id].add(h.key)
        if h.level == "account":
            covered[h.rule_id].add(h.key)
        elif h.level == "entity":
            covered[h.rule_id].update(ent_refs.get(h.key, []))
        else:
            covered[h.rule_id].update(net_refs.get(h.key, []))
    out = []
    label_of = dict(zip(labels["ref"], labels["label"]))
    positives = labels[labels["label"] == 1]
    for r in rules:
        refs = covered[r.id]
        labelled = [label_of[x] for x in refs if x in label_of]
        mine = positives if r.typology == "general" else positives[
            positives["typology"].isna() | (positives["typology"] == r.typology)
        ]
        case_refs = mine.groupby("case_id")["ref"].apply(set)
        reached = sum(1 for s in case_refs if s & refs)
        out.append(RuleBacktest(r, len(hit_keys[r.id]), len(labelled), sum(labelled),
                                len(labelled) - sum(labelled), len(case_refs), reached))
    return out


def _labels(table: Any) -> pd.DataFrame:
    cols = ["ref", "label", "case_id", "typology"]
    if table is None or table.num_rows == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    frame = table.select([c for c in cols if c in table.column_names]).to_pandas()
    for c in cols:
        if c not in frame:
            frame[c] = None
    frame["label"] = frame["label"].astype(int)
    frame["case_id"] = frame["case_id"].fillna(frame["ref"])
    return frame.drop_duplicates("ref")[cols]


def backtest_text(input_dir: str, csv_path: str | None = None) -> tuple[bool, str]:
    """The backtest as a table (and as CSV at `csv_path`); not ok when there are no labels."""
    results = backtest(input_dir)
    rows = [b.row() for b in results]
    if csv_path:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(BACKTEST_COLUMNS)
        writer.writerows(rows)
        Path(csv_path).parent.mkdir(parents=True, exist_ok=True)
        Path(csv_path).write_text(buf.getvalue(), encoding="utf-8")
    has_labels = any(b.labelled_refs or b.cases for b in results)
    text = table_text(BACKTEST_COLUMNS, rows)
    if not has_labels:
        return False, text + f"\n\nno labelled records in {input_dir} (labels*: ref, label 1/0)"
    fired = sum(1 for b in results if b.hits)
    note = (f"\n\n{len(results)} rules, {fired} fired. precision: labelled records covered"
            " that are labelled 1; recall: confirmed cases of the rule's typology reached")
    if csv_path:
        note += f"\ncsv written to {csv_path}"
    return True, text + note
