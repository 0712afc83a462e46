"""The rule library: one YAML file a rule, a condition over named features, never executed.

`load_rules()` walks `fiu.rules` (the `rules/` folder), checks each file against
`rule.schema.json`, and compiles its `when` to a `pyarrow.compute.Expression` through
`ast` (only `and`/`or`/`not`, comparisons, feature names and literals). All problems of
all files are collected and raised once, each as `file:line field: message`.
"""
from __future__ import annotations

import ast
import difflib
import importlib.resources
import json
import math
import os
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import pyarrow as pa
import pyarrow.compute as pc
import yaml

from ..errors import UsageError
from .features import feature_names
from ..io.yaml_lines import line_of

LEVELS = ("account", "entity", "network")
# A data engineer's own rule folders, beside the shipped pack or (RULES_ONLY_ENV=1)
# instead of it: set by `--rules DIR` / `--rules-only`, read wherever rules load.
RULES_ENV = "FIU_RULES"
RULES_ONLY_ENV = "FIU_RULES_ONLY"
SEVERITY_WEIGHT = {"low": 0.15, "medium": 0.3, "high": 0.5}
KEY = "ref"


class RuleError(UsageError):
    """One or more rule files are invalid; `errors` lists `file:line field: message`."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) in rule files:\n" + "\n".join(errors))


class ConditionError(ValueError):
    """A `when` condition that is not a safe comparison of features and literals."""


@dataclass(frozen=True)
class Rule:
    """One rule as loaded from `rules/<typology>/<slug>.yaml`."""

    id: str
    title: str
    typology: str
    indicator: str
    source: str
    severity: str
    level: str
    when: str
    explain: str
    examples: Mapping[str, tuple[Mapping[str, Any], ...]] = field(compare=False)
    features: tuple[str, ...] = ()
    path: str = ""
    condition: pc.Expression | None = field(default=None, compare=False, repr=False)

    @property
    def weight(self) -> float:
        """How much one hit of this rule adds to a case's rule score."""
        return SEVERITY_WEIGHT[self.severity]


@dataclass(frozen=True)
class RuleHit:
    """A rule that fired on one key (account ref, entity id or network id)."""

    rule_id: str
    level: str
    key: str
    explanation: str
    values: Mapping[str, Any] = field(compare=False, default_factory=dict)


# --- compiling conditions -------------------------------------------------------------

_COMPARE = {
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
}


def _hint(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def compile_condition(
    text: str, known: Iterable[str] | None = None, level: str | None = None
) -> tuple[pc.Expression, tuple[str, ...]]:
    """`when` text → (Expression, feature names used), refusing anything but safe syntax.

    Example: `"a >= 10 and not b < 3"` → `((a >= 10) and invert((b < 3)))`. Names are
    checked against `known` (default: the features of `level`, or all features).
    """
    known_set = set(known) if known is not None else set(feature_names(level))
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ConditionError(f"not a valid condition: {exc.msg}") from None
    names: list[str] = []

    def operand(node: ast.AST) -> Any:
        if isinstance(node, ast.Name):
            if node.id not in known_set:
                where = [lv for lv in LEVELS if node.id in feature_names(lv)]
                if where and level:
                    raise ConditionError(
                        f"feature '{node.id}' is a {where[0]} feature, not a {level} feature"
                    )
                raise ConditionError(f"unknown feature '{node.id}'{_hint(node.id, known_set)}")
            names.append(node.id)
            return pc.field(node.id)
        if isinstance(node, ast.BoolOp | ast.Compare | ast.UnaryOp) and not (
            isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd))
        ):
            raise ConditionError("a condition cannot be compared; use and / or / not")
        if isinstance(node, ast.Constant) and isinstance(node.value, (bool, int, float, str)):
            if isinstance(node.value, float) and not math.isfinite(node.value):
                raise ConditionError("literals must be finite numbers")
            return pc.scalar(node.value)
        if (
            isinstance(node, ast.UnaryOp)
            and isinstance(node.op, (ast.USub, ast.UAdd))
            and isinstance(node.operand, ast.Constant)
            and isinstance(node.operand.value, (int, float))
            and not isinstance(node.operand.value, bool)
        ):
            v = node.operand.value
            return pc.scalar(-v if isinstance(node.op, ast.USub) else v)
        raise ConditionError(f"only feature names and literals can be compared; got {_what(node)}")

    def boolean(node: ast.AST) -> pc.Expression:
        if isinstance(node, ast.BoolOp):
            parts = [boolean(v) for v in node.values]
            out = parts[0]
            for p in parts[1:]:
                out = (out & p) if isinstance(node.op, ast.And) else (out | p)
            return out
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return ~boolean(node.operand)
        if isinstance(node, ast.Compare):
            left = operand(node.left)
            out: pc.Expression | None = None
            for op, right_node in zip(node.ops, node.comparators):
                fn = _COMPARE.get(type(op))
                if fn is None:
                    raise ConditionError(f"comparison {_what(op)} is not allowed")
                right = operand(right_node)
                term = fn(_expr(left), _expr(right))
                out = term if out is None else (out & term)
                left = right
            assert out is not None
            return out
        if isinstance(node, ast.Name):
            raise ConditionError(
                f"'{node.id}' alone is not a condition; compare it, e.g. {node.id} >= 1"
            )
        raise ConditionError(
            f"{_what(node)} is not allowed: use comparisons joined by and / or / not"
        )

    expr = boolean(tree.body)
    if not names:
        raise ConditionError("the condition names no feature")
    return expr, tuple(dict.fromkeys(names))


def _expr(v: Any) -> pc.Expression:
    return v if isinstance(v, pc.Expression) else pc.scalar(v)


def _what(node: ast.AST) -> str:
    kinds = {
        ast.Call: "a function call",
        ast.Attribute: "attribute access",
        ast.Subscript: "subscripting",
        ast.BinOp: "arithmetic",
        ast.Lambda: "a lambda",
        ast.In: "'in'",
        ast.NotIn: "'not in'",
        ast.Is: "'is'",
        ast.IsNot: "'is not'",
    }
    return kinds.get(type(node), type(node).__name__)


# --- loading --------------------------------------------------------------------------


def _schema() -> dict[str, Any]:
    text = importlib.resources.files("fiu.rules").joinpath("rule.schema.json").read_text("utf-8")
    return json.loads(text)


def _walk(root: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for child in sorted(root.iterdir(), key=lambda c: c.name):
        rel = f"{prefix}{child.name}"
        if child.is_dir():
            if not child.name.startswith((".", "_")):
                yield from _walk(child, rel + "/")
        elif child.name.endswith((".yaml", ".yml")):
            yield rel, child


def rule_folders() -> tuple[list[str], bool]:
    """(the user's rule folders, whether they replace the shipped pack)."""
    folders = [p for p in os.environ.get(RULES_ENV, "").split(os.pathsep) if p]
    return folders, bool(folders) and os.environ.get(RULES_ONLY_ENV) == "1"


def load_rules(root: str | Path | None = None) -> list[Rule]:
    """Every rule under `root` (default: the packaged `fiu.rules`, plus or instead of it
    the folders of `rule_folders()`), sorted by id.

    Raises `RuleError` listing every problem as `rules/<folder>/<file>:<line> <field>: message`.
    """

    folders, only = rule_folders() if root is None else ([], False)
    if folders:
        rules, errors, seen = [], [], {}
        for source in ([] if only else [None]) + folders:
            try:
                loaded = _load_tree(source)
            except RuleError as err:
                errors += err.errors
                continue
            _add_unique(loaded, rules, seen, errors)
        if errors:
            raise RuleError(errors)
        return sorted(rules, key=lambda r: r.id)
    return _load_tree(root)


def _add_unique(
    loaded: Iterable[Rule], rules: list[Rule], seen: dict[str, str], errors: list[str]
) -> None:
    """Append `loaded` to `rules`, reporting an id that `seen` already holds."""
    for rule in loaded:
        if rule.id in seen:
            errors.append(f"{rule.path}:1 id: '{rule.id}' also in {seen[rule.id]}")
        seen[rule.id] = rule.path
        rules.append(rule)


def _load_tree(root: str | Path | None) -> list[Rule]:
    import jsonschema

    if root is None:
        base: Any = importlib.resources.files("fiu.rules")
        label = "rules"
    else:
        base = Path(root)
        label = str(root).rstrip("/")
    validator = jsonschema.Draft202012Validator(_schema())
    errors: list[str] = []
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for rel, entry in _walk(base):
        rule = _load_one(rel, entry, f"{label}/{rel}", validator, errors)
        _add_unique([rule] if rule is not None else [], rules, seen, errors)
    if errors:
        raise RuleError(errors)
    return sorted(rules, key=lambda r: r.id)


def load_rule_files(paths: Iterable[str | Path]) -> list[Rule]:
    """The rules of the given files, each named `<typology folder>/<file>` by its parent.

    Raises `RuleError` as `load_rules` does.
    """
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema())
    errors: list[str] = []
    rules: list[Rule] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            try:
                rules += load_rules(path)
            except RuleError as exc:
                errors += exc.errors
            continue
        if not path.is_file():
            errors.append(f"{path}:1 file: no such rule file")
            continue
        rule = _load_one(f"{path.parent.name}/{path.name}", path, str(path), validator, errors)
        if rule is not None:
            rules.append(rule)
    if errors:
        raise RuleError(errors)
    return sorted(rules, key=lambda r: r.id)


def _load_one(rel: str, entry: Any, where: str, validator: Any, errors: list[str]) -> Rule | None:
    """One rule file (`rel` = `<folder>/<file>`), or None after adding its problems to `errors`."""
    try:
        text = entry.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        errors.append(f"{where}:{line} yaml: {getattr(exc, 'problem', exc)}")
        return None
    if not isinstance(data, dict):
        errors.append(f"{where}:1 file: a rule file must be a mapping")
        return None
    before = len(errors)
    for err in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
        path = list(err.absolute_path)
        if err.validator == "required":
            missing = err.message.split("'")[1] if "'" in err.message else "?"
            fld = ".".join(map(str, [*path, missing]))
            errors.append(f"{where}:{line_of(node, path)} {fld}: missing required field")
        elif err.validator == "additionalProperties":
            errors.append(f"{where}:{line_of(node, path)} {'.'.join(map(str, path)) or 'file'}: "
                          f"{err.message}")
        else:
            fld = ".".join(map(str, path)) or "file"
            errors.append(f"{where}:{line_of(node, path)} {fld}: {err.message}")
    if len(errors) > before:
        return None
    stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
    expected = f"{folder.replace('/', '.')}.{stem}"
    if data["id"] != expected:
        errors.append(f"{where}:{line_of(node, ['id'])} id: must be '{expected}' "
                      f"(<folder>.<file stem>); got '{data['id']}'")
    if folder != data["typology"]:
        errors.append(f"{where}:{line_of(node, ['typology'])} typology: "
                      f"'{data['typology']}' does not match its folder '{folder}'")
    level = data["level"]
    try:
        condition, used = compile_condition(data["when"], level=level)
    except ConditionError as exc:
        errors.append(f"{where}:{line_of(node, ['when'])} when: {exc}")
        return None
    level_names = set(feature_names(level))
    for _, fname, _, _ in string.Formatter().parse(data["explain"]):
        if fname is not None and fname not in level_names:
            errors.append(f"{where}:{line_of(node, ['explain'])} explain: unknown feature "
                          f"'{fname}'{_hint(fname, level_names)}")
    for kind in ("hit", "miss"):
        for i, example in enumerate(data["examples"][kind]):
            for fname in example:
                if fname not in level_names:
                    errors.append(
                        f"{where}:{line_of(node, ['examples', kind, i])} examples.{kind}[{i}]: "
                        f"unknown feature '{fname}'{_hint(str(fname), level_names)}"
                    )
    if len(errors) > before:
        return None
    return Rule(
        id=data["id"], title=data["title"], typology=data["typology"],
        indicator=data["indicator"], source=data["source"], severity=data["severity"],
        level=level, when=data["when"].strip(), explain=data["explain"],
        examples={k: tuple(dict(e) for e in data["examples"][k]) for k in ("hit", "miss")},
        features=used, path=where, condition=condition,
    )


# --- evaluating -----------------------------------------------------------------------


class _Lenient(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "?"
        if isinstance(value, float) and value.is_integer() and not format_spec:
            value = int(value)
        try:
            return super().format_field(value, format_spec)
        except (ValueError, TypeError):
            return str(value)


def render_explain(rule: Rule, values: Mapping[str, Any]) -> str:
    """The rule's `explain` with feature values filled in (`?` for a missing one)."""
    names = [f for _, f, _, _ in string.Formatter().parse(rule.explain) if f]
    return _Lenient().vformat(rule.explain, (), {n: values.get(n) for n in names})


def _with_features(table: pa.Table, names: Iterable[str]) -> pa.Table:
    for name in names:
        if name not in table.column_names:
            table = table.append_column(name, pa.nulls(table.num_rows, pa.float64()))
        elif pa.types.is_null(table.schema.field(name).type):
            table = table.set_column(
                table.schema.get_field_index(name), name, pa.nulls(table.num_rows, pa.float64())
            )
    return table


def evaluate(
    rules: Iterable[Rule], feature_table: pa.Table, level: str | None = None
) -> list[RuleHit]:
    """Hits of every rule (of `level`, if given) on a feature table keyed by `ref`.

    A missing feature column is null, and a null comparison never hits.
    """
    hits: list[RuleHit] = []
    for rule in rules:
        if level is not None and rule.level != level:
            continue
        assert rule.condition is not None
        table = _with_features(feature_table, rule.features)
        hit_rows = table.filter(rule.condition)
        if hit_rows.num_rows == 0:
            continue
        names = [f for _, f, _, _ in string.Formatter().parse(rule.explain) if f]
        cols = sorted(set(rule.features) | {n for n in names if n in hit_rows.column_names})
        data = hit_rows.select([KEY, *cols]).to_pylist()
        for row in data:
            values = {c: row[c] for c in cols}
            hits.append(RuleHit(rule.id, rule.level, row[KEY], render_explain(rule, values), values))
    return sorted(hits, key=lambda h: (h.rule_id, h.key))


def example_table(example: Mapping[str, Any]) -> pa.Table:
    """A one-row feature table from an example mapping (key `example`)."""
    cols: dict[str, pa.Array] = {KEY: pa.array(["example"])}
    for name, value in example.items():
        if isinstance(value, bool):
            arr = pa.array([float(value)])
        elif isinstance(value, (int, float)) or value is None:
            arr = pa.array([None if value is None else float(value)], pa.float64())
        else:
            arr = pa.array([value])
        cols[str(name)] = arr
    return pa.table(cols)


def example_hits(rule: Rule, example: Mapping[str, Any]) -> bool:
    """Whether the rule fires on one of its examples (missing features are null)."""
    return bool(evaluate([rule], example_table(example)))


def check_examples(rules: Iterable[Rule]) -> list[str]:
    """Every example that does not behave as declared, as `rule_id: hit[0] did not hit`."""
    failures = []
    for rule in rules:
        for kind in ("hit", "miss"):
            for i, ex in enumerate(rule.examples[kind]):
                if example_hits(rule, ex) != (kind == "hit"):
                    verb = "did not hit" if kind == "hit" else "hit"
                    failures.append(f"{rule.id}: {kind}[{i}] {verb} ({rule.path})")
    return failures


__all__ = [
    "LEVELS", "Rule", "RuleHit", "RuleError", "ConditionError", "compile_condition",
    "load_rules", "load_rule_files", "evaluate", "render_explain", "example_hits", "example_table",
    "check_examples",
]
