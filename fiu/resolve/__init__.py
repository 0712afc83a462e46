"""Entity resolution: which accounts and open-source records are the same party.

normalised records ─party_batch─▶ parties ─block_rows/bucketed_blocks─▶ block rows
  ─pair_levels─▶ pairs with comparison levels ─unique_pairs─▶ ─MatchWeights.fit─▶ weights
  ─match_edges─▶ edges ─clusters─▶ `(ref, entity_id)`

`resolve_entities` runs these steps in one process; `pipelines/resolve.py` runs the same
functions per bucket under Beam and gives the same result.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
import pyarrow as pa

from ..contract import ACCOUNTS, OSINT
from .blocking import BlockingCounts, block_rows
from .cluster import ENTITY_SCHEMA, clusters, match_edges
from .compare import pair_levels, unique_pairs
from .parties import PARTY_SCHEMA, party_batch
from .settings import DEFAULT_SETTINGS, Comparison, MatchSettings
from .weights import MatchWeights

__all__ = [
    "Comparison",
    "DEFAULT_SETTINGS",
    "ENTITY_SCHEMA",
    "MatchSettings",
    "MatchWeights",
    "all_parties",
    "level_matrix",
    "resolution_stats",
    "resolve_entities",
]


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
            np.asarray(pairs.column(c.name).to_numpy(), dtype=np.int8)
            for c in settings.comparisons
        ]
    )


def resolution_stats(
    n_records: int,
    pairs_compared: int,
    blocking: BlockingCounts,
    weights: MatchWeights,
    cluster_stats: dict[str, int],
    settings: MatchSettings,
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
        "clusters": cluster_stats,
    }


def resolve_entities(
    accounts: Optional[pa.Table | pa.RecordBatch],
    osint: Optional[pa.Table | pa.RecordBatch],
    settings: Optional[MatchSettings] = None,
) -> tuple[pa.Table, dict[str, object]]:
    """`(ref, entity_id)` for every account and osint record, exactly once, sorted by
    ref, and the resolution stats. Tables may be typed (normalised here) or already
    carry the `*_norm` columns.
    """
    settings = settings or DEFAULT_SETTINGS
    parties = all_parties(accounts, osint).combine_chunks()
    party_rows = (
        parties.to_batches()[0]
        if parties.num_rows
        else pa.RecordBatch.from_pylist([], schema=PARTY_SCHEMA)
    )
    pairs_batch, blocking = pair_levels(block_rows(party_rows, settings), settings)
    pairs = unique_pairs([pairs_batch], settings)
    weights = MatchWeights(settings).fit(level_matrix(pairs, settings))
    edges = match_edges(pairs, weights)
    entities, cluster_stats = clusters(
        parties, edges, settings.strong_identifiers, settings.business_strong_identifiers,
        settings.id_key,
    )
    stats = resolution_stats(
        parties.num_rows, pairs.num_rows, blocking, weights, cluster_stats, settings
    )
    return entities, stats
