"""Entities: connected components of match edges, split where members disagree on a
strong identifier, named by a stable hash of their smallest member ref.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ..contract import REF
from ..ids import opaque_id
from .compare import BUSINESS_PAIR, LEFT_REF, RIGHT_REF
from .parties import BUSINESS, UNKNOWN
from .weights import MatchWeights

ENTITY_ID = "entity_id"
MATCH_WEIGHT = "match_weight"
EDGE_SCHEMA = pa.schema(
    [
        pa.field(LEFT_REF, pa.string()),
        pa.field(RIGHT_REF, pa.string()),
        pa.field(MATCH_WEIGHT, pa.float64()),
    ]
)
ENTITY_SCHEMA = pa.schema([pa.field(REF, pa.string()), pa.field(ENTITY_ID, pa.string())])


def entity_id(smallest_ref: str, key: str = "") -> str:
    """`ent-` + 12 hex digits of the keyed hash of the entity's smallest member ref
    (`fiu.ids.opaque_id`).

    >>> entity_id("account:bank-a:A1")
    'ent-5f0f6df77fcf'
    """
    return opaque_id("ent", smallest_ref, key)


def match_edges(
    pairs: pa.RecordBatch | pa.Table, weights: MatchWeights
) -> pa.RecordBatch:
    """The pairs `weights.predict` calls matches, with their match weight."""
    names = list(weights.comparisons_)
    if pairs.num_rows == 0:
        return pa.RecordBatch.from_pylist([], schema=EDGE_SCHEMA)
    levels = np.column_stack(
        [np.asarray(pairs.column(n).to_numpy(zero_copy_only=False)) for n in names]
    )
    weight = weights.match_weight(levels)
    business = np.asarray(
        pairs.column(BUSINESS_PAIR).to_numpy(zero_copy_only=False), dtype=bool
    )
    keep = weights.predict(levels, business)
    left = pairs.column(LEFT_REF)
    right = pairs.column(RIGHT_REF)
    if isinstance(left, pa.ChunkedArray):
        left, right = left.combine_chunks(), right.combine_chunks()
    mask = pa.array(keep)
    return pa.RecordBatch.from_arrays(
        [left.filter(mask), right.filter(mask), pa.array(weight[keep], pa.float64())],
        schema=EDGE_SCHEMA,
    )


def _conflicts(labels: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Component labels with more than one distinct non-null value of an identifier."""
    present = values != None  # noqa: E711  (object array: elementwise null test)
    if not present.any():
        return np.zeros(0, dtype=labels.dtype)
    table = pa.table({"label": labels[present], "value": values[present].astype(str)})
    distinct = table.group_by(["label", "value"], use_threads=False).aggregate([])
    per_label = distinct.group_by("label", use_threads=False).aggregate([("value", "count")])
    return per_label.filter(pc.greater(per_label["value_count"], 1))["label"].to_numpy()


def _split_component(
    members: np.ndarray,
    edges: list[tuple[float, int, int]],
    identifiers: Sequence[np.ndarray],
    labels: np.ndarray,
) -> None:
    """Regroup one conflicting component greedily, strongest edge first, refusing any
    union that would put two different values of a strong identifier together.
    """
    # Loop over the edges of the few conflicting components only (order matters).
    parent = {int(i): int(i) for i in members}
    seen = {
        int(i): [frozenset([v[i]]) if v[i] is not None else frozenset() for v in identifiers]
        for i in members
    }

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, a, b in sorted(edges, key=lambda e: (-e[0], e[1], e[2])):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        merged = [x | y for x, y in zip(seen[ra], seen[rb])]
        if any(len(values) > 1 for values in merged):
            continue
        keep, drop = min(ra, rb), max(ra, rb)
        parent[drop] = keep
        seen[keep] = merged
    for i in members:
        labels[i] = find(int(i))


def clusters(
    parties: pa.Table | pa.RecordBatch,
    edges: pa.Table | pa.RecordBatch,
    strong_identifiers: Sequence[str] = ("date_of_birth", "party_type"),
    business_strong_identifiers: Sequence[str] = (),
    id_key: str = "",
) -> tuple[pa.Table, dict[str, int]]:
    """`(ref, entity_id)` for every party (sorted by ref) and cluster counts.

    Parties are joined by the edges (connected components); a component whose members
    hold two different values of a strong identifier (two dates of birth; a person and
    a business; two phones of businesses) is split, so one weak link cannot chain two people together.
    """
    refs = parties.column(REF)
    if isinstance(refs, pa.ChunkedArray):
        refs = refs.combine_chunks() if refs.num_chunks else pa.array([], pa.string())
    order = pc.array_sort_indices(refs)
    refs_sorted = refs.take(order)
    n = len(refs_sorted)
    left_idx = pc.index_in(edges.column(LEFT_REF), value_set=refs_sorted).to_numpy(
        zero_copy_only=False
    )
    right_idx = pc.index_in(edges.column(RIGHT_REF), value_set=refs_sorted).to_numpy(
        zero_copy_only=False
    )
    weight = np.asarray(
        pc.fill_null(edges.column(MATCH_WEIGHT), 0.0).to_numpy(), dtype=float
    ).reshape(-1)
    left_idx = np.asarray(left_idx, dtype=float)
    right_idx = np.asarray(right_idx, dtype=float)
    known = ~(np.isnan(left_idx) | np.isnan(right_idx))
    left_idx = left_idx[known].astype(np.int64)
    right_idx = right_idx[known].astype(np.int64)
    weight = weight[known]
    graph = coo_matrix(
        (np.ones(len(left_idx)), (left_idx, right_idx)), shape=(n, n)
    ).tocsr()
    _, labels = connected_components(graph, directed=False)
    labels = labels.astype(np.int64)

    identifiers = []
    for name in strong_identifiers:
        if name not in parties.schema.names:
            continue
        values = parties.column(name).cast(pa.string()).take(order)
        if name == "party_type":  # `unknown` is compatible with either
            values = pc.if_else(pc.equal(values, UNKNOWN), pa.scalar(None, pa.string()), values)
        identifiers.append(np.asarray(values.to_numpy(zero_copy_only=False), dtype=object))
    if "party_type" in parties.schema.names:
        is_business = pc.equal(parties.column("party_type").take(order), BUSINESS)
        for name in business_strong_identifiers:
            if name not in parties.schema.names:
                continue
            values = parties.column(name).cast(pa.string()).take(order)
            values = pc.if_else(is_business, values, pa.scalar(None, pa.string()))
            identifiers.append(
                np.asarray(values.to_numpy(zero_copy_only=False), dtype=object)
            )
    conflicted = np.unique(
        np.concatenate([_conflicts(labels, v) for v in identifiers])
        if identifiers
        else np.zeros(0, dtype=np.int64)
    )
    if len(conflicted):
        in_conflict = np.isin(labels, conflicted)
        edge_mask = in_conflict[left_idx]
        by_label: dict[int, list[tuple[float, int, int]]] = {int(c): [] for c in conflicted}
        for w, a, b in zip(weight[edge_mask], left_idx[edge_mask], right_idx[edge_mask]):
            by_label[int(labels[a])].append((float(w), int(a), int(b)))
        offset = n  # new labels never collide with component labels
        for label in conflicted:
            members = np.flatnonzero(labels == label)
            local = labels.copy()
            _split_component(members, by_label[int(label)], identifiers, local)
            labels[members] = local[members] + offset
            offset += n
    # Refs are sorted, so the smallest member of a cluster is its lowest index.
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    smallest = refs_sorted.take(pa.array(first, pa.int64())).to_pylist()
    ids = pa.array([entity_id(r, id_key) for r in smallest], pa.string())
    entity_ids = ids.take(pa.array(inverse.ravel(), pa.int64()))
    sizes = np.bincount(inverse.ravel(), minlength=len(first))
    table = pa.table({REF: refs_sorted, ENTITY_ID: entity_ids}, schema=ENTITY_SCHEMA)
    stats = {
        "records": int(n),
        "entities": int(len(first)),
        "singletons": int((sizes == 1).sum()),
        "multi_record_entities": int((sizes > 1).sum()),
        "largest_entity": int(sizes.max()) if len(sizes) else 0,
        "match_edges": int(len(left_idx)),
        "components_split": int(len(conflicted)),
    }
    return table, stats
