"""Entities: connected components of match edges (and analysts' "same" pairs), split
where members disagree on a strong identifier or an analyst said "different", named by
a stable hash of their smallest member ref.
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
from .compare import LEFT_REF, RIGHT_REF, tf_column
from .parties import BUSINESS, UNKNOWN
from .settings import MatchSettings
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


def pair_tf(pairs: pa.RecordBatch | pa.Table, weights: MatchWeights) -> np.ndarray:
    """(pairs × comparisons) frequencies of shared values, NaN where none."""
    comparisons = weights._settings().comparisons
    out = np.full((pairs.num_rows, len(comparisons)), np.nan)
    for c, comparison in enumerate(comparisons):
        name = tf_column(comparison)
        if comparison.term_frequency and name in pairs.schema.names:
            column = pc.fill_null(pairs.column(name), np.nan)
            out[:, c] = np.asarray(column.to_numpy(zero_copy_only=False), dtype=float)
    return out


def pair_level_matrix(pairs: pa.RecordBatch | pa.Table, weights: MatchWeights) -> np.ndarray:
    """(pairs × comparisons) int8 levels."""
    names = list(weights.comparisons_)
    if pairs.num_rows == 0:
        return np.zeros((0, len(names)), dtype=np.int8)
    return np.column_stack(
        [np.asarray(pairs.column(n).to_numpy(zero_copy_only=False), dtype=np.int8) for n in names]
    )


def _refs(pairs: pa.RecordBatch | pa.Table, name: str) -> pa.Array:
    column = pairs.column(name)
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks else pa.array([], pa.string())
    return column


def match_edges_of(explained: pa.RecordBatch | pa.Table) -> pa.RecordBatch:
    """The matches among explained pairs (`explained_pairs`), as edges."""
    matches = explained.filter(explained.column("is_match"))
    if isinstance(matches, pa.Table):
        matches = matches.combine_chunks()
        batches = matches.to_batches()
        matches = batches[0] if batches else pa.RecordBatch.from_pylist([], schema=explained.schema)
    return pa.RecordBatch.from_arrays(
        [matches.column(LEFT_REF), matches.column(RIGHT_REF), matches.column(MATCH_WEIGHT)],
        schema=EDGE_SCHEMA,
    )


def explained_schema(settings: MatchSettings) -> pa.Schema:
    """`entity_edges.parquet`: one row per scored pair worth a look, with the waterfall."""
    fields = [
        pa.field(LEFT_REF, pa.string()), pa.field(RIGHT_REF, pa.string()),
        pa.field(MATCH_WEIGHT, pa.float64()), pa.field("match_probability", pa.float64()),
        pa.field("is_match", pa.bool_()), pa.field("prior_weight", pa.float64()),
    ]
    for name in (c.name for c in settings.comparisons):
        fields += [pa.field(f"{name}_level", pa.int8()), pa.field(f"{name}_weight", pa.float64())]
    return pa.schema(fields)


EXPLAINED_MIN_WEIGHT = -10.0  # near misses within 10 bits of even odds are kept too


def explained_pairs(
    pairs: pa.RecordBatch | pa.Table, weights: MatchWeights
) -> pa.RecordBatch:
    """Every match and near miss (weight ≥ −10 bits) with each comparison's level and
    its contribution to the weight (Splink's waterfall), for analysts and `fiu explain`."""
    schema = explained_schema(weights._settings())
    if pairs.num_rows == 0:
        return pa.RecordBatch.from_pylist([], schema=schema)
    levels = pair_level_matrix(pairs, weights)
    parts = weights.contributions(levels, pair_tf(pairs, weights))
    weight = weights.match_weight(levels, pair_tf(pairs, weights))
    keep = weight >= min(EXPLAINED_MIN_WEIGHT, weights.threshold_)
    mask = pa.array(keep)
    arrays = [
        _refs(pairs, LEFT_REF).filter(mask), _refs(pairs, RIGHT_REF).filter(mask),
        pa.array(weight[keep]), pa.array(1.0 / (1.0 + np.exp2(-weight[keep]))),
        pa.array(weight[keep] >= weights.threshold_),
        pa.array(np.full(int(keep.sum()), weights.prior_weight_)),
    ]
    for c in range(levels.shape[1]):
        arrays += [pa.array(levels[keep, c], pa.int8()), pa.array(np.round(parts[keep, c], 6))]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _conflicts(labels: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Component labels with more than one distinct non-null value of an identifier."""
    present = values != None  # noqa: E711  (object array: elementwise null test)
    if not present.any():
        return np.zeros(0, dtype=labels.dtype)
    table = pa.table({"label": labels[present], "value": values[present].astype(str)})
    distinct = table.group_by(["label", "value"], use_threads=False).aggregate([])
    per_label = distinct.group_by("label", use_threads=False).aggregate([("value", "count")])
    return per_label.filter(pc.greater(per_label["value_count"], 1))["label"].to_numpy()


def compatible(value: str, other: str) -> bool:
    """Two values of a strong identifier that one party may hold: equal, or two dates
    a slip apart (two of year, month and day agree, or day and month swapped).

    >>> compatible("1980-02-03", "1980-02-08"), compatible("1980-02-03", "1980-03-02")
    (True, True)
    >>> compatible("1980-02-03", "1991-07-03"), compatible("person", "business")
    (False, False)
    """
    if value == other:
        return True
    a, b = value.split("-"), other.split("-")
    if len(a) != 3 or len(b) != 3:
        return False
    same = sum(x == y for x, y in zip(a, b))
    return same >= 2 or (a[0] == b[0] and a[1] == b[2] and a[2] == b[1])


def _split_component(
    members: np.ndarray,
    edges: list[tuple[float, int, int]],
    identifiers: Sequence[np.ndarray],
    labels: np.ndarray,
    apart: dict[int, set[int]],
) -> None:
    """Regroup one conflicting component greedily, strongest edge first, refusing a
    union that would put two parties an analyst marked "different" together (`apart`:
    index → indices), or two holders of incompatible values of a strong identifier
    (`compatible`) that no match edge joins directly: a pair's own evidence may
    outweigh a different date of birth, but a chain through others may not.
    """
    # Loop over the edges of the few conflicting components only (order matters).
    parent = {int(i): int(i) for i in members}
    linked = {(min(a, b), max(a, b)) for _, a, b in edges}
    holders = {  # per group and identifier: {value: members holding it}
        int(i): [{v[i]: {int(i)}} if v[i] is not None else {} for v in identifiers]
        for i in members
    }
    group = {int(i): {int(i)} for i in members}
    kept_apart = {int(i): set(apart.get(int(i), ())) for i in members}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def disagree(ra: int, rb: int) -> bool:
        for left, right in zip(holders[ra], holders[rb]):
            for value, xs in left.items():
                for other, ys in right.items():
                    if not compatible(value, other) and any(
                        (min(x, y), max(x, y)) not in linked for x in xs for y in ys
                    ):
                        return True
        return False

    for weight, a, b in sorted(edges, key=lambda e: (-e[0], e[1], e[2])):
        ra, rb = find(a), find(b)
        if ra == rb or kept_apart[ra] & group[rb]:
            continue
        # An analyst's "same" (infinite weight) overrides identifiers, never "different".
        if np.isfinite(weight) and disagree(ra, rb):
            continue
        keep, drop = min(ra, rb), max(ra, rb)
        parent[drop] = keep
        for mine, theirs in zip(holders[keep], holders.pop(drop)):
            for value, xs in theirs.items():
                mine.setdefault(value, set()).update(xs)
        group[keep] |= group.pop(drop)
        kept_apart[keep] |= kept_apart.pop(drop)
    for i in members:
        labels[i] = find(int(i))


def clusters(
    parties: pa.Table | pa.RecordBatch,
    edges: pa.Table | pa.RecordBatch,
    strong_identifiers: Sequence[str] = ("party_type",),
    id_key: str = "",
    cannot_link: pa.Table | None = None,
    business_strong_identifiers: Sequence[str] = (),
) -> tuple[pa.Table, dict[str, int]]:
    """`(ref, entity_id)` for every party (sorted by ref) and cluster counts.

    Parties are joined by the edges (connected components); a component whose members
    hold incompatible values of a strong identifier (a person and a business; two phones
    of businesses, `business_strong_identifiers`) that no match edge joins directly, or
    two refs of a `cannot_link` pair (`left_ref`, `right_ref`), is split,
    so one weak link cannot chain two people together.
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
    if business_strong_identifiers and "party_type" in parties.schema.names:
        is_business = pc.equal(parties.column("party_type").take(order), BUSINESS)
        for name in business_strong_identifiers:
            if name in parties.schema.names:
                values = parties.column(name).cast(pa.string()).take(order)
                values = pc.if_else(is_business, values, pa.scalar(None, pa.string()))
                identifiers.append(np.asarray(values.to_numpy(zero_copy_only=False), dtype=object))
    apart: dict[int, set[int]] = {}
    cut_labels = np.zeros(0, dtype=np.int64)
    if cannot_link is not None and cannot_link.num_rows:
        a = pc.index_in(_refs(cannot_link, LEFT_REF), value_set=refs_sorted).to_numpy(zero_copy_only=False)
        b = pc.index_in(_refs(cannot_link, RIGHT_REF), value_set=refs_sorted).to_numpy(zero_copy_only=False)
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        known_pair = ~(np.isnan(a) | np.isnan(b))
        for x, y in zip(a[known_pair].astype(np.int64), b[known_pair].astype(np.int64)):
            apart.setdefault(int(x), set()).add(int(y))
            apart.setdefault(int(y), set()).add(int(x))
            if labels[x] == labels[y]:
                cut_labels = np.append(cut_labels, labels[x])
    conflicted = np.unique(
        np.concatenate([cut_labels, *[_conflicts(labels, v) for v in identifiers]])
    ).astype(np.int64)
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
            _split_component(members, by_label[int(label)], identifiers, local, apart)
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
