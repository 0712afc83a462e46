"""Who is in which entity and case in a run's out folder: what a weekly run is held
against (the run before it, one run over the union) in tests and benchmarks."""
from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq


def entity_of(out: Path) -> dict[str, str]:
    """`{ref: entity_id}` from `entities.parquet`."""
    table = pq.read_table(Path(out) / "entities.parquet")
    return dict(zip(table["ref"].to_pylist(), table["entity_id"].to_pylist()))


def groups(ref_to_id: dict[str, str]) -> dict[str, frozenset]:
    """`{id: its refs}` from `{ref: id}`."""
    members: dict[str, set] = {}
    for ref, id_ in ref_to_id.items():
        members.setdefault(id_, set()).add(ref)
    return {i: frozenset(g) for i, g in members.items()}


def case_members(out: Path) -> dict[str, frozenset]:
    """`{case_id: member refs}` from `cases.jsonl`."""
    lines = (Path(out) / "cases.jsonl").read_text().splitlines()
    return {c["case_id"]: frozenset(c["refs"]) for c in map(json.loads, lines)}
