"""Training the case model on labelled input folders (`fiu train`, `fiu rules backtest`).

Beside `model.py` (the estimator) and downstream of `cases.py` (candidate networks), so
neither of those imports the other's caller: `cases` → `model`, and `train` → both.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

import pyarrow as pa

from .cases import Candidates, candidate_networks, model_matrix, network_labels, normalised, summarise_transactions
from .model import CaseModel
from .rules import Rule, load_rules
from .settings import DEFAULT_SETTINGS, DetectSettings


def candidates_for(tables: dict[str, pa.Table], entities: pa.Table | None = None,
                   rules: Sequence[Rule] | None = None,
                   extra_seed_refs: Iterable[str] = (),
                   settings: DetectSettings = DEFAULT_SETTINGS) -> tuple[Candidates, pa.Table]:
    """Candidate networks of loaded input tables (resolving entities when not given)."""
    rules = list(load_rules() if rules is None else rules)
    acc = normalised("accounts", tables.get("accounts"))
    osi = normalised("osint", tables.get("osint"))
    if entities is None:
        from ..resolve import resolve_entities

        entities, _ = resolve_entities(acc, osi)
    summary = summarise_transactions(tables.get("transactions"))
    return candidate_networks(summary, acc, osi, entities, rules, settings,
                              extra_seed_refs=extra_seed_refs), entities


def train(tables: dict[str, pa.Table], entities: pa.Table | None = None,
          rules: Sequence[Rule] | None = None, model: CaseModel | None = None) -> CaseModel:
    """Fit a case model on the `labels` of loaded input tables (`fiu train`).

    Every labelled record seeds a candidate network, so records examined and cleared
    give negative examples even when no rule fires on them.
    """
    from ..errors import UsageError

    rules = list(load_rules() if rules is None else rules)
    labels = tables.get("labels")
    labelled = labels.column("ref").to_pylist() if labels is not None and labels.num_rows else []
    c, _ = candidates_for(tables, entities, rules, extra_seed_refs=labelled)
    y = network_labels(c, tables.get("labels"))
    if len(y) == 0 or y.nunique() < 2:
        raise UsageError("training needs `labels` rows (label 1 and 0) that fall in candidate networks")
    X = model_matrix(c, rules)
    return (model or CaseModel()).fit(
        X.loc[y.index], y.to_numpy(),
        training_data={"source": "labels in the input folder", "candidate_networks": int(len(X))},
    )


def train_from_folder(input_dir: str, model_out: str) -> dict[str, Any]:
    """`fiu train`: fit a case model on the labels of an input folder, save it and its card.

    Returns the card (its `metrics` are the held-out metrics).
    """
    from ..local import load_inputs

    tables = load_inputs(input_dir).tables
    model = train(tables)
    model.card_["training_data"]["input_dir"] = str(input_dir)
    model.save(model_out)
    return model.card_
