"""Write the default case model's training matrix that ships with the package, reproducibly.

    python -m fiu.detect.train_default [--seeds 10-21] [--scale 1.0] [--out fiu/detect/default_training.json]

Generates synthetic worlds (seeds below 100 only: seeds from 1000 up are kept for
evaluation), runs detection up to candidate networks, labels each candidate from the
world's ground truth (1 when it is a planted network, in the sense the evaluation uses:
it holds at least half of a planted network's records and at least half of its own
records belong to that network), and writes their model rows and labels as JSON.
`fiu.detect.model.default_model()` fits `CaseModel` on that file on first use, so the
default works under any scikit-learn release (a pickled model would not).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from .model import DEFAULT_TRAINING, CaseModel, read_training_matrix, write_training_matrix

MAX_TRAINING_SEED = 99


def truth_labels(members: pd.DataFrame, truth: dict[str, Any]) -> pd.Series:
    """1 for candidate networks that match a planted network of `truth`, else 0."""
    net_refs = members.groupby("network_id")["ref"].apply(set)
    planted = [set(n["refs"]) for n in truth.get("networks", [])]
    labels = {}
    for net, refs in net_refs.items():
        labels[net] = int(any(
            len(refs & p) >= len(p) / 2 and len(refs & p) >= len(refs) / 2 for p in planted
        ))
    return pd.Series(labels, dtype=int).sort_index()


def world_examples(seed: int, scale: float, workdir: Path) -> tuple[pd.DataFrame, pd.Series]:
    """Model rows and truth labels of the candidate networks of one generated world."""
    import json

    from ..generate import generate_world
    from ..local import load_inputs
    from .cases import model_matrix
    from .train import candidates_for
    from .rules import load_rules

    folder = workdir / f"world-{seed}"
    truth_path = generate_world(folder, seed=seed, scale=scale, truth_path=workdir / f"truth-{seed}.json")
    tables = load_inputs(folder).tables
    rules = load_rules()
    cands, _ = candidates_for(tables, rules=rules)
    X = model_matrix(cands, rules)
    y = truth_labels(cands.members, json.loads(Path(truth_path).read_text(encoding="utf-8")))
    X.index = [f"{seed}:{n}" for n in X.index]
    y.index = [f"{seed}:{n}" for n in y.index]
    return X, y.reindex(X.index).fillna(0).astype(int)


def train_default(seeds: list[int], scale: float = 1.0, out: Path = DEFAULT_TRAINING) -> CaseModel:
    """Write the training matrix of generated worlds of `seeds` to `out`; return the model
    fitted on it (what `default_model()` gives)."""
    bad = [s for s in seeds if s > MAX_TRAINING_SEED]
    if bad:
        raise ValueError(f"training seeds must be < {MAX_TRAINING_SEED + 1} "
                         f"(larger ones are kept for evaluation); got {bad}")
    xs, ys = [], []
    with tempfile.TemporaryDirectory(prefix="fiu-train-") as tmp:
        for seed in seeds:
            X, y = world_examples(seed, scale, Path(tmp))
            print(f"seed {seed}: {len(X)} candidate networks, {int(y.sum())} planted",
                  file=sys.stderr)
            xs.append(X)
            ys.append(y)
    X = pd.concat(xs)
    y = pd.concat(ys)
    write_training_matrix(X, y.to_numpy(), {
        "source": "generated worlds (fiu.generate), labels from their ground truth",
        "seeds": seeds, "scale": scale,
        "command": "python -m fiu.detect.train_default "
                   f"--seeds {_seed_text(seeds)} --scale {scale}",
    }, out)
    Xr, yr, meta = read_training_matrix(out)
    model = CaseModel().fit(Xr, yr, training_data={**meta, "file": Path(out).name})
    print(f"wrote {out}: {len(yr)} examples, {int(yr.sum())} positive; held-out metrics "
          f"{model.card_['metrics']}", file=sys.stderr)
    return model


def _seed_text(seeds: list[int]) -> str:
    if seeds == list(range(seeds[0], seeds[-1] + 1)):
        return f"{seeds[0]}-{seeds[-1]}"
    return ",".join(map(str, seeds))


def _seed_range(text: str) -> list[int]:
    if "-" in text:
        lo, hi = text.split("-", 1)
        return list(range(int(lo), int(hi) + 1))
    return [int(s) for s in text.split(",")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fiu.detect.train_default",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="10-21", help="e.g. 10-21 or 10,11,12 (all < 100)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=DEFAULT_TRAINING)
    args = parser.parse_args(argv)
    train_default(_seed_range(args.seeds), args.scale, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
