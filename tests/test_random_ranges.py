"""Property over random typology parameters: whatever ranges a world's networks are drawn
from, no package exposes a potential victim and none names nobody."""
from __future__ import annotations

import json

import numpy as np
import pytest

from fiu.config import RunConfig
from fiu.evaluate import evaluate
from fiu.generate import generate_world
from fiu.generate.networks import WIDE, Ranges
from fiu.pipelines.run import run


def random_ranges(rng: np.random.Generator) -> Ranges:
    """Sub-ranges drawn inside the wide ranges, so each world leans somewhere else."""

    def inside(lo: float, hi: float, integer: bool = False) -> tuple:
        a, b = sorted(rng.uniform(lo, hi, 2))
        return (int(a), max(int(a), int(b))) if integer else (float(a), float(b))

    return Ranges(
        wide=True,
        controller_banks=inside(1, 3.99, integer=True),
        forward_share=inside(*WIDE.forward_share),
        delay_hours=(2, int(rng.integers(3, 169))),
        victims_hold_accounts=inside(*WIDE.victims_hold_accounts),
        accomplice_chance=inside(0.0, 1.0),
        accomplice_purchases=inside(*WIDE.accomplice_purchases),
    )


@pytest.mark.parametrize("seed", [7201])
def test_random_ranges_no_leak_no_empty_package(tmp_path, seed):
    rng = np.random.default_rng(seed)
    truth = tmp_path / "truth.json"
    generate_world(tmp_path / "world", seed=seed, scale=0.12, truth_path=truth,
                   ranges=random_ranges(rng))
    out = tmp_path / "out"
    run(RunConfig(input_dir=str(tmp_path / "world"), out_dir=str(out)), [])
    report = evaluate(out, truth)
    assert report["leaks"]["packages_checked"] > 0
    assert report["leaks"]["leaks"] == 0, report["leaks"]["examples"]
    assert report["packages"]["without_subjects"] == 0
    # the networks are still found, so the property is not met by reporting nothing
    assert report["networks"]["recall"] >= 0.75, json.dumps(report["networks"]["missed"])
