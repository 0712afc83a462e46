"""Networks grow from seeds through links, never through hub identifiers."""
from __future__ import annotations

import pandas as pd

from fiu.detect.networks import LinkSettings, grow_networks


def edges(pairs):
    return pd.DataFrame({"a": [a for a, _ in pairs], "b": [b for _, b in pairs],
                         "kind": "identifier"})


def test_only_components_with_a_seed_become_networks():
    e = edges([("a", "b"), ("b", "c"), ("x", "y")])
    nets = grow_networks(["a", "b", "c", "x", "y"], e, {"a"}, LinkSettings())
    assert sorted(nets["entity_id"]) == ["a", "b", "c"]
    assert nets["network_id"].nunique() == 1


def test_growth_stops_at_depth_and_at_busy_entities():
    e = edges([("s", "h")] + [("h", f"n{i}") for i in range(50)] + [("s", "p"), ("p", "q"), ("q", "r")])
    nets = grow_networks(["s"], e, {"s"}, LinkSettings(depth=2, max_degree=40))
    # h (51 links) is reached but not walked through; r is three hops away.
    assert sorted(nets["entity_id"]) == ["h", "p", "q", "s"]


def test_network_ids_are_stable():
    e = edges([("a", "b")])
    one = grow_networks(["a", "b"], e, {"a"}, LinkSettings())
    two = grow_networks(["b", "a"], e.iloc[::-1], {"a", "b"}, LinkSettings())
    assert one["network_id"].tolist() == two["network_id"].tolist()
