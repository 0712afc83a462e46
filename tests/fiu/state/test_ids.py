"""Ids that survive from run to run (`fiu.state.ids.assign_ids`)."""
import random

import pyarrow as pa
import pyarrow.parquet as pq

from fiu.state.ids import assign_ids, assign_table, fresh_id
from fiu.state.store import ACTIVE, MERGED, Registry, write_registry

KEY = "k"


def _run(clusters, registry=None, run=1):
    return assign_ids(clusters, registry or Registry(), "ent", KEY, run)


def _ids(assignment, clusters):
    """{frozenset(refs): id}."""
    return {frozenset(refs): assignment.ids[label] for label, refs in clusters.items()}


def test_first_run_names_each_cluster_by_its_smallest_ref_and_tells_new():
    clusters = {"x": ["osint:2", "osint:1"], "y": ["osint:3"]}
    done = _run(clusters)
    assert done.ids == {"x": fresh_id("ent", ["osint:1"], KEY, set()),
                        "y": fresh_id("ent", ["osint:3"], KEY, set())}
    assert [e["event"] for e in done.events] == ["new", "new"]


def test_same_clusters_again_keep_every_id_and_tell_nothing():
    clusters = {"x": ["osint:1", "osint:2"], "y": ["osint:3"]}
    first = _run(clusters)
    again = _run({"p": ["osint:3"], "q": ["osint:2", "osint:1"]}, first.registry, 2)
    assert _ids(again, {"p": ["osint:3"], "q": ["osint:1", "osint:2"]}) == _ids(first, clusters)
    assert again.events == []


def test_an_entity_that_only_grew_keeps_its_id_even_when_its_smallest_ref_changes():
    first = _run({"x": ["osint:5", "osint:6"]})
    grown = _run({"x": ["osint:0", "osint:5", "osint:6"]}, first.registry, 2)
    assert grown.ids["x"] == first.ids["x"]
    assert grown.events == [{"event": "grown", "id": first.ids["x"], "refs": ["osint:0"]}]


def test_a_merge_keeps_the_majority_id_and_redirects_the_other():
    first = _run({"a": ["osint:1", "osint:2", "osint:3"], "b": ["osint:4"]})
    a, b = first.ids["a"], first.ids["b"]
    merged = _run({"m": ["osint:1", "osint:2", "osint:3", "osint:4", "osint:9"]},
                  first.registry, 2)
    assert merged.ids["m"] == a
    assert merged.registry.ids[b]["status"] == MERGED and merged.registry.ids[b]["successors"] == [a]
    assert merged.registry.resolve(b) == [a]
    (event,) = merged.events
    assert event["event"] == "merged" and event["merged"] == [b]
    assert event["refs"] == ["osint:4", "osint:9"]


def test_undoing_a_merge_restores_the_absorbed_id():
    first = _run({"a": ["osint:1", "osint:2", "osint:3"], "b": ["osint:4", "osint:5"]})
    merged = _run({"m": ["osint:1", "osint:2", "osint:3", "osint:4", "osint:5"]}, first.registry, 2)
    undone = _run({"a": ["osint:1", "osint:2", "osint:3"], "b": ["osint:4", "osint:5"]},
                  merged.registry, 3)
    assert undone.ids == first.ids
    assert undone.registry.ids[first.ids["b"]]["status"] == ACTIVE
    assert {e["event"] for e in undone.events} == {"restored", "split"}


def test_no_majority_gives_a_fresh_id_never_issued_before():
    first = _run({"a": ["osint:1", "osint:2"]})
    halves = _run({"p": ["osint:1"], "q": ["osint:2"]}, first.registry, 2)
    assert first.ids["a"] not in halves.ids.values()
    assert halves.registry.ids[first.ids["a"]]["successors"] == sorted(halves.ids.values())
    # The same smallest ref again, with the old id taken: a salted id.
    again = _run({"a": ["osint:1", "osint:2"]}, halves.registry, 3)
    assert again.ids["a"] in (halves.ids["p"], first.ids["a"])


def test_ids_do_not_depend_on_the_order_of_clusters_or_refs():
    base = {f"c{i}": [f"osint:{i}{j}" for j in range(i % 3 + 1)] for i in range(20)}
    first = _run(base)
    grown = {k: v + [f"osint:new{k}"] for k, v in base.items()}
    expected = _ids(_run(grown, first.registry, 2), grown)
    rng = random.Random(3)
    for _ in range(3):
        items = list(grown.items())
        rng.shuffle(items)
        shuffled = {f"z{i}": rng.sample(v, len(v)) for i, (_, v) in enumerate(items)}
        assert _ids(_run(shuffled, first.registry, 2), shuffled) == expected


def test_a_case_found_again_after_a_gap_keeps_its_id():
    first = assign_ids({"c": ["account:bank-a:A1", "osint:R1"]}, Registry(), "case", KEY, 1)
    gone = assign_ids({}, first.registry, "case", KEY, 2)
    assert gone.events[0]["event"] == "retired"
    back = assign_ids({"x": ["account:bank-a:A1", "osint:R1", "osint:R2"]}, gone.registry,
                      "case", KEY, 3)
    assert back.ids["x"] == first.ids["c"]
    assert back.events[0]["event"] == "restored"


def test_the_table_path_names_every_row_as_its_cluster_and_the_registry_reads_back(tmp_path):
    first = _run({"a": ["osint:1", "osint:2", "osint:3"], "b": ["osint:4", "osint:5"]})
    write_registry(tmp_path, "entities", first.registry)
    stored = Registry.of_tables(pq.read_table(tmp_path / "ids" / "entities.parquet"),
                                pq.read_table(tmp_path / "ids" / "entities_members.parquet"))
    assert stored.ids == first.registry.ids and stored.members == first.registry.members
    rows = pa.table({"ref": ["osint:5", "osint:1", "osint:4", "osint:2", "osint:3", "osint:6"],
                     "label": ["q", "p", "q", "p", "p", "r"]})
    assignment, row_ids = assign_table(rows, stored, "ent", KEY, 2)
    assert row_ids.to_pylist() == [assignment.ids[x] for x in rows["label"].to_pylist()]
    assert assignment.ids == {"p": first.ids["a"], "q": first.ids["b"],
                              "r": fresh_id("ent", ["osint:6"], KEY, set(first.registry.ids))}
    by_dicts = _run({"q": ["osint:5", "osint:4"], "p": ["osint:1", "osint:2", "osint:3"],
                     "r": ["osint:6"]}, first.registry, 2)
    assert by_dicts.events == assignment.events == [
        {"event": "new", "id": assignment.ids["r"], "refs": ["osint:6"]}]
    assert by_dicts.registry.ids == assignment.registry.ids
    assert assignment.registry.members[first.ids["a"]] == ["osint:1", "osint:2", "osint:3"]
