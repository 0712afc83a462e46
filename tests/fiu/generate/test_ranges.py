"""Wide ranges change what the planters draw; the default world draws as before."""
from __future__ import annotations

import json
from collections import defaultdict

import numpy as np

from fiu.generate import generate_world
from fiu.generate.networks import NARROW, WIDE


def test_narrow_ranges_draw_nothing():
    rng = np.random.default_rng(3)
    before = rng.bit_generator.state
    assert NARROW.draw(rng, (0.75, 0.92), (2, 40)) == (1, (0.75, 0.92), (2, 40), 1.0)
    assert rng.bit_generator.state == before


def test_wide_draws_stay_in_their_ranges():
    rng = np.random.default_rng(3)
    for _ in range(200):
        banks, (lo, hi), (short, longest), hold = WIDE.draw(rng, (0.75, 0.92), (2, 40))
        assert 1 <= banks <= 3 and 0.35 <= lo < hi <= 0.99
        assert short == 2 < longest <= 168 and 0.3 <= hold <= 1.0


def test_a_wide_world_has_controllers_banking_at_several_institutions(tmp_path):
    truth_path = tmp_path / "truth.json"
    generate_world(tmp_path / "world", seed=11, scale=0.5, truth_path=truth_path, wide=True)
    truth = json.loads(truth_path.read_text())
    banks_of = defaultdict(set)
    # In the default world labor officers and funnel controllers bank at one place.
    for network in truth["networks"]:
        if network["typology"] not in ("labor_trafficking", "funnel_account"):
            continue
        for ref, role in network["roles"].items():
            if role == "subject" and ref.startswith("account:"):
                banks_of[truth["entities"][ref]].add(ref.split(":")[1])
    assert max(len(b) for b in banks_of.values()) >= 2


def test_a_wide_world_has_licensed_spa_chains_across_states(tmp_path):
    truth_path = tmp_path / "truth.json"
    generate_world(tmp_path / "world", seed=11, scale=0.5, truth_path=truth_path, wide=True)
    truth = json.loads(truth_path.read_text())
    chains = [la for la in truth["lookalikes"] if la["kind"] == "spa_chain"]
    assert chains and all(len(c["refs"]) >= 2 for c in chains)
    planted = {ref for n in truth["networks"] for ref in n["refs"]}
    assert not planted & {ref for c in chains for ref in c["refs"]}
