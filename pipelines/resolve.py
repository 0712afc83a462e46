"""ResolveEntities: bucket → GroupByKey → compare → fit weights → score → cluster.

Blocks are shuffled by stable bucket (`zlib.crc32(key) % buckets`), so Beam moves one
batch per bucket rather than one element per block; pairs found in several buckets are
shuffled once more by the bucket of their left ref and kept once. Match weights are
fitted once, on the summed counts of comparison-level patterns, and reach the scoring
step as a side input. Clustering needs the whole graph, so edges and parties' strong
identifiers are gathered to one place. The result equals `fiu.resolve.resolve_entities`.
"""
from __future__ import annotations

import zlib
from typing import Iterable, Iterator, Optional

import apache_beam as beam
import numpy as np
import pyarrow as pa

from fiu.contract import REF
from fiu.resolve import level_matrix, resolution_stats
from fiu.resolve.blocking import BlockingCounts, bucketed_blocks
from fiu.resolve.cluster import EDGE_SCHEMA, clusters, match_edges
from fiu.resolve.compare import LEFT_REF, pair_levels, pair_schema, unique_pairs
from fiu.resolve.parties import RESOLVED_KINDS, party_batch
from fiu.resolve.settings import DEFAULT_SETTINGS, MatchSettings
from fiu.resolve.weights import MatchWeights, fit_from_patterns

from .stages import timed, timed_call
from .tagged import MAIN, SplitTags

COUNTS = "counts"
ENTITY_CHUNK_ROWS = 100_000
_IDENTITY_COLUMNS = (REF, "party_type", "date_of_birth", "phone_norm")


class CompareBucket(beam.DoFn):
    """One bucket's block rows → `(MAIN, (pair bucket, pairs with levels))` and
    `(COUNTS, blocking counts)`."""

    def __init__(self, settings: MatchSettings) -> None:
        self.settings = settings

    def process(
        self, element: tuple[int, Iterable[pa.RecordBatch]]
    ) -> Iterator[object]:
        _, batches = element
        with timed("ResolveEntities"):
            rows = pa.Table.from_batches(list(batches)).combine_chunks()
            if rows.num_rows == 0:
                return
            pairs, counts = pair_levels(rows.to_batches()[0], self.settings)
        yield COUNTS, counts
        if pairs.num_rows == 0:
            return
        # Re-bucket by left ref, so that a pair found in two buckets meets itself.
        refs = pairs.column(LEFT_REF).to_pylist()
        buckets = np.array(
            [zlib.crc32(r.encode("utf-8")) % self.settings.buckets for r in refs]
        )
        for bucket in np.unique(buckets):
            yield MAIN, (int(bucket), pairs.filter(pa.array(buckets == bucket)))


class CountPatterns(beam.CombineFn):
    """Counts of each comparison-level pattern over all unique pairs."""

    def __init__(self, settings: MatchSettings) -> None:
        self.settings = settings

    def create_accumulator(self) -> dict[tuple[int, ...], float]:
        return {}

    def add_input(
        self, counts: dict[tuple[int, ...], float], pairs: pa.RecordBatch
    ) -> dict[tuple[int, ...], float]:
        levels = level_matrix(pairs, self.settings)
        if len(levels):
            patterns, n = np.unique(levels, axis=0, return_counts=True)
            for pattern, c in zip(map(tuple, patterns.tolist()), n.tolist()):
                counts[pattern] = counts.get(pattern, 0.0) + float(c)
        return counts

    def merge_accumulators(
        self, accumulators: Iterable[dict[tuple[int, ...], float]]
    ) -> dict[tuple[int, ...], float]:
        merged: dict[tuple[int, ...], float] = {}
        for accumulator in accumulators:
            for pattern, c in accumulator.items():
                merged[pattern] = merged.get(pattern, 0.0) + c
        return merged

    def extract_output(
        self, counts: dict[tuple[int, ...], float]
    ) -> dict[tuple[int, ...], float]:
        return counts


def _sum_counts(counts: Iterable[BlockingCounts]) -> BlockingCounts:
    return sum(counts, BlockingCounts())


def _entities_and_stats(
    _: object,
    identities: list[pa.RecordBatch],
    edges: list[pa.RecordBatch],
    pair_totals: list[int],
    blocking: BlockingCounts,
    weights: MatchWeights,
    settings: MatchSettings,
) -> tuple[pa.Table, dict[str, object]]:
    parties = pa.Table.from_batches(
        identities, schema=identities[0].schema if identities else _identity_schema()
    )
    edge_table = pa.Table.from_batches(edges, schema=EDGE_SCHEMA)
    entities, cluster_stats = clusters(
        parties, edge_table, settings.strong_identifiers, settings.business_strong_identifiers,
        settings.id_key,
    )
    stats = resolution_stats(
        parties.num_rows, int(sum(pair_totals)), blocking, weights, cluster_stats, settings
    )
    return entities, stats


def _identity_schema() -> pa.Schema:
    from fiu.resolve.parties import PARTY_SCHEMA

    return pa.schema([PARTY_SCHEMA.field(name) for name in _IDENTITY_COLUMNS])


def _entity_batches(result: tuple[pa.Table, dict[str, object]]) -> Iterator[pa.RecordBatch]:
    entities, _ = result
    yield from entities.combine_chunks().to_batches(max_chunksize=ENTITY_CHUNK_ROWS)


class ResolveEntities(beam.PTransform):
    """Normalised `(kind, batch)` → `{"entities": batches of (ref, entity_id),
    "stats": one dict}`, over accounts and osint (other kinds are ignored).
    """

    def __init__(self, settings: Optional[MatchSettings] = None) -> None:
        super().__init__()
        self.settings = settings or DEFAULT_SETTINGS

    def expand(self, records: beam.PCollection) -> dict[str, beam.PCollection]:
        settings = self.settings
        parties = (
            records
            | "KeepParties" >> beam.Filter(lambda kv: kv[0] in RESOLVED_KINDS)
            | "ToParties" >> beam.MapTuple(timed_call("ResolveEntities", party_batch))
        )
        compared = (
            parties
            | "BucketBlocks" >> beam.FlatMap(timed_call("ResolveEntities", bucketed_blocks), settings)
            | "GroupBuckets" >> beam.GroupByKey()
            | "ComparePairs"
            >> beam.ParDo(CompareBucket(settings))
            | "SplitCompared" >> SplitTags(MAIN, COUNTS)
        )
        pairs = (
            compared[MAIN]
            | "GroupPairs" >> beam.GroupByKey()
            | "UniquePairs"
            >> beam.MapTuple(
                timed_call(
                    "ResolveEntities",
                    lambda _, batches: unique_pairs(batches, settings)
                    .combine_chunks()
                    .to_batches(),
                )
            )
            | "PairBatches" >> beam.FlatMap(lambda batches: batches)
        )
        blocking = compared[COUNTS] | "SumBlockingCounts" >> beam.CombineGlobally(_sum_counts)
        weights = (
            pairs
            | "CountPatterns" >> beam.CombineGlobally(CountPatterns(settings))
            | "FitWeights"
            >> beam.Map(
                lambda counts: fit_from_patterns(
                    list(counts), list(counts.values()), settings
                )
            )
        )
        edges = pairs | "MatchEdges" >> beam.Map(
            timed_call("ResolveEntities", match_edges), beam.pvalue.AsSingleton(weights)
        )
        pair_totals = pairs | "CountPairs" >> beam.Map(lambda b: b.num_rows)
        identities = parties | "StrongIdentifiers" >> beam.Map(
            lambda b: b.select(list(_IDENTITY_COLUMNS))
        )
        result = (
            records.pipeline
            | "Once" >> beam.Create([None])
            | "Cluster"
            >> beam.Map(
                timed_call("ResolveEntities", _entities_and_stats),
                beam.pvalue.AsList(identities),
                beam.pvalue.AsList(edges),
                beam.pvalue.AsList(pair_totals),
                beam.pvalue.AsSingleton(blocking),
                beam.pvalue.AsSingleton(weights),
                settings,
            )
        )
        return {
            "entities": result | "EntityBatches" >> beam.FlatMap(_entity_batches),
            "stats": result | "Stats" >> beam.Map(lambda r: r[1]),
        }


__all__ = ["ResolveEntities", "CompareBucket", "CountPatterns", "pair_schema"]
