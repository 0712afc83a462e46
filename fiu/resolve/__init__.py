"""Entity resolution: which accounts and open-source records are the same party.

normalised records ─party_batch─▶ parties ─value_counts/with_frequencies─▶ + `*_tf`
  ─random_pairs─▶ u ─block_rows─▶ block rows ─pair_levels─▶ candidate pairs
  ─MatchWeights (EM for m with u fixed; λ over the comparison space)─▶ weights
  ─match_edges (+ analysts' "same")─▶ edges ─clusters (− "different")─▶ `(ref, entity_id)`

`resolve` runs these steps in one process; `pipelines/resolve.py` runs the same
functions under Beam and gives the same result.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
import pyarrow as pa

from ..contract import ACCOUNTS, OSINT, REF
from .blocking import BlockingCounts, block_rows
from .cluster import (
    EDGE_SCHEMA, ENTITY_SCHEMA, MATCH_WEIGHT, clusters, explained_pairs, match_edges_of,
    pair_level_matrix, pair_tf,
)
from .compare import LEFT_REF, RIGHT_REF, comparison_levels, pair_levels
from .frequencies import merge_counts, records_with, value_counts, with_frequencies
from .judgements import DIFFERENT, SAME, judged
from .parties import PARTY_SCHEMA, party_batch
from .sampling import comparison_space, random_pairs
from .settings import DEFAULT_SETTINGS, Comparison, MatchSettings
from .weights import MatchWeights, evidence_histogram, level_patterns

__all__ = [
    "Comparison",
    "DEFAULT_SETTINGS",
    "ENTITY_SCHEMA",
    "MatchSettings",
    "MatchWeights",
    "Resolution",
    "all_parties",
    "level_matrix",
    "resolution_stats",
    "resolve",
    "resolve_entities",
]


@dataclass(frozen=True)
class Resolution:
    """What resolution gives: entities, the explained pairs and the manifest stats."""

    entities: pa.Table
    edges: pa.Table
    stats: dict[str, object]


def all_parties(
    accounts: Optional[pa.Table | pa.RecordBatch], osint: Optional[pa.Table | pa.RecordBatch]
) -> pa.Table:
    """Accounts and osint records as one table of parties (`PARTY_SCHEMA`)."""
    batches = [
        party_batch(kind, table)
        for kind, table in ((ACCOUNTS, accounts), (OSINT, osint))
        if table is not None and table.num_rows
    ]
    return pa.Table.from_batches(batches, schema=PARTY_SCHEMA)


def level_matrix(pairs: pa.Table | pa.RecordBatch, settings: MatchSettings) -> np.ndarray:
    """The comparison-level columns of a pairs table as an int8 (pairs × comparisons)."""
    if pairs.num_rows == 0:
        return np.zeros((0, len(settings.comparisons)), dtype=np.int8)
    return np.column_stack(
        [
            np.asarray(pairs.column(c.name).to_numpy(zero_copy_only=False), dtype=np.int8)
            for c in settings.comparisons
        ]
    )


def as_batch(table: pa.Table, schema: pa.Schema) -> pa.RecordBatch:
    """A table as one record batch (an empty one of `schema` when it has no rows)."""
    table = table.combine_chunks()
    return table.to_batches()[0] if table.num_rows else pa.RecordBatch.from_pylist([], schema=schema)


def sorted_parties(parties: pa.Table) -> pa.Table:
    """Parties in ref order: what sampling and ids are computed over."""
    return parties.sort_by([(REF, "ascending")]).combine_chunks()


def parties_with_frequencies(parties: pa.Table, settings: MatchSettings) -> pa.RecordBatch:
    """Sorted parties plus their term-frequency columns, as one batch."""
    parties = sorted_parties(parties)
    batch = as_batch(parties, PARTY_SCHEMA)
    counts = merge_counts([value_counts(batch, settings)])
    return with_frequencies(batch, counts, records_with(batch, settings))


def random_pair_levels(parties: pa.RecordBatch, settings: MatchSettings) -> np.ndarray:
    """Comparison levels of random pairs drawn over the comparison space."""
    left, right = random_pairs(
        parties.column("party_type"), settings.u_sample_pairs, settings.u_seed
    )
    return pairs_level_matrix(parties, left, right, settings)


def pairs_level_matrix(
    parties: pa.RecordBatch, left: np.ndarray, right: np.ndarray, settings: MatchSettings
) -> np.ndarray:
    """Levels (pairs × comparisons) of the party rows `left[i]`, `right[i]`, in chunks."""
    chunk = 500_000
    parts = [np.zeros((0, len(settings.comparisons)), dtype=np.int8)]
    for start in range(0, len(left), chunk):
        levels = comparison_levels(
            parties.take(pa.array(left[start:start + chunk], pa.int64())),
            parties.take(pa.array(right[start:start + chunk], pa.int64())),
            settings,
        )
        parts.append(np.column_stack([levels[c.name] for c in settings.comparisons]))
    return np.concatenate(parts).astype(np.int8)


def labelled_levels(
    parties: pa.RecordBatch, same: pa.Table, settings: MatchSettings
) -> np.ndarray:
    """Levels of the analysts' "same" pairs whose refs are here (what m is learnt from)."""
    index = {r: i for i, r in enumerate(parties.column(REF).to_pylist())}
    known = [
        (index[a], index[b])
        for a, b in zip(same[LEFT_REF].to_pylist(), same[RIGHT_REF].to_pylist())
        if a in index and b in index
    ]
    left = np.array([a for a, _ in known], dtype=np.int64)
    right = np.array([b for _, b in known], dtype=np.int64)
    return pairs_level_matrix(parties, left, right, settings)


def judged_edges(same: pa.Table) -> pa.Table:
    """Analysts' "same" pairs as edges of infinite weight (they come first)."""
    return pa.table(
        {LEFT_REF: same[LEFT_REF], RIGHT_REF: same[RIGHT_REF],
         MATCH_WEIGHT: pa.array(np.full(same.num_rows, np.inf), pa.float64())},
        schema=EDGE_SCHEMA,
    )


def resolution_stats(
    n_records: int,
    pairs_compared: int,
    blocking: BlockingCounts,
    weights: MatchWeights,
    cluster_stats: dict[str, int],
    settings: MatchSettings,
    judgements: dict[str, int] | None = None,
) -> dict[str, object]:
    """The manifest's `resolution` section."""
    possible = n_records * (n_records - 1) // 2
    return {
        "records": n_records,
        "possible_pairs": possible,
        "pairs_compared": pairs_compared,
        "reduction_ratio": round(1 - pairs_compared / possible, 6) if possible else 0.0,
        "blocking": {
            "keys": list(settings.blocking_keys),
            "buckets": settings.buckets,
            "max_block_size": settings.max_block_size,
            **blocking.as_dict(),
        },
        "weights": weights.as_dict(),
        "threshold_method": "fixed"
        if settings.threshold_probability is not None
        else "max_expected_f1",
        "threshold_probability": round(weights.threshold_probability_, 6),
        "threshold_match_weight": round(weights.threshold_, 6),
        "judgements": judgements or {"same": 0, "different": 0, "unknown_refs": 0},
        "clusters": cluster_stats,
    }


def judgement_counts(judgements: pa.Table | None, same: pa.Table, different: pa.Table) -> dict[str, int]:
    """How many judgements were applied, and how many named refs this run lacks."""
    total = judgements.num_rows if judgements is not None else 0
    return {"same": same.num_rows, "different": different.num_rows,
            "unknown_refs": total - same.num_rows - different.num_rows}


def resolve(
    accounts: Optional[pa.Table | pa.RecordBatch],
    osint: Optional[pa.Table | pa.RecordBatch],
    settings: Optional[MatchSettings] = None,
    judgements: Optional[pa.Table] = None,
    weights: Optional[MatchWeights] = None,
) -> Resolution:
    """Entities for every account and osint record, the explained pairs and the stats,
    in one process. Tables may be typed (normalised here) or already carry `*_norm`.
    Given `weights` (a weekly state's frozen model), decides with them, fitting nothing."""
    settings = settings or DEFAULT_SETTINGS
    parties = parties_with_frequencies(all_parties(accounts, osint), settings)
    refs = set(parties.column(REF).to_pylist())
    same, different = judged(judgements, SAME, refs), judged(judgements, DIFFERENT, refs)
    # One process blocks everything at once, so each pair is found once already.
    pairs, blocking = pair_levels(block_rows(parties, settings), settings)
    if weights is None:
        weights = MatchWeights(settings)
        weights.fit_u(random_pair_levels(parties, settings))
        weights.fit_m(
            *_patterns(pairs, settings),
            labelled_levels=labelled_levels(parties, same, settings) if same.num_rows else None,
        )
        evidence = weights.evidence(pair_level_matrix(pairs, weights), pair_tf(pairs, weights))
        weights.fit_prior(
            *evidence_histogram(evidence), comparison_space(parties.column("party_type"))
        )
    explained = explained_pairs(pairs, weights)
    edges = pa.concat_tables(
        [pa.Table.from_batches([match_edges_of(explained)], schema=EDGE_SCHEMA),
         judged_edges(same)]
    )
    entities, cluster_stats = clusters(
        parties, edges, settings.strong_identifiers, settings.id_key, cannot_link=different,
        business_strong_identifiers=settings.business_strong_identifiers,
    )
    stats = resolution_stats(
        parties.num_rows, pairs.num_rows, blocking, weights, cluster_stats, settings,
        judgement_counts(judgements, same, different),
    )
    return Resolution(entities, pa.Table.from_batches([explained]), stats)


def _patterns(pairs: pa.Table, settings: MatchSettings) -> tuple[np.ndarray, np.ndarray]:
    return level_patterns(level_matrix(pairs, settings))


def resolve_entities(
    accounts: Optional[pa.Table | pa.RecordBatch],
    osint: Optional[pa.Table | pa.RecordBatch],
    settings: Optional[MatchSettings] = None,
    judgements: Optional[pa.Table] = None,
) -> tuple[pa.Table, dict[str, object]]:
    """`(ref, entity_id)` for every account and osint record, exactly once, sorted by
    ref, and the resolution stats (`resolve` without the explained pairs)."""
    result = resolve(accounts, osint, settings, judgements)
    return result.entities, result.stats
