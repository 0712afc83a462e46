"""ResolveEntities: frequencies → u from random pairs → bucket → GroupByKey → compare
→ m by EM → λ and threshold → score → cluster.

Value counts are summed across workers and return to every party batch as a side
input (its `*_tf` columns). u is estimated once from random pairs over all parties in
ref order, as in one process. Blocks are shuffled by stable bucket
(`zlib.crc32(key) % buckets`), so Beam moves one batch per bucket rather than one
element per block; pairs found in several buckets are shuffled once more by the bucket
of their left ref and kept once. m is fitted on the summed counts of level patterns,
λ and the threshold on the summed histogram of the pairs' evidence. Clustering needs
the whole graph, so edges and parties' strong identifiers are gathered to one place.
The result equals `fiu.resolve.resolve`.
"""
from __future__ import annotations

import copy
from typing import Iterable, Iterator, Optional

import apache_beam as beam
import numpy as np
import pyarrow as pa

from fiu.buckets import bucket_of
from fiu.contract import REF
from fiu.resolve import (
    as_batch, judged_edges, judgement_counts, labelled_levels, level_matrix,
    random_pair_levels, resolution_stats, sorted_parties,
)
from fiu.resolve.blocking import BlockingCounts, bucketed_blocks
from fiu.resolve.cluster import (
    EDGE_SCHEMA, clusters, explained_pairs, match_edges_of, pair_level_matrix, pair_tf,
)
from fiu.resolve.compare import LEFT_REF, pair_levels, pair_schema, unique_pairs
from fiu.resolve.frequencies import merge_counts, records_with, value_counts, with_frequencies
from fiu.resolve.kept_levels import (
    pair_levels_reusing, read_kept, with_fingerprints, write_kept,
)
from fiu.resolve.judgements import DIFFERENT, SAME, judged
from fiu.resolve.parties import PARTY_SCHEMA, RESOLVED_KINDS, party_batch
from fiu.resolve.sampling import comparison_space
from fiu.resolve.settings import DEFAULT_SETTINGS, MatchSettings
from fiu.resolve.weights import MatchWeights, evidence_histogram, level_patterns

from .stages import timed, timed_call
from .tagged import MAIN, SplitTags

COUNTS = "counts"
KEPT = "kept"
ENTITY_CHUNK_ROWS = 100_000
_IDENTITY_COLUMNS = (REF, "party_type", "date_of_birth", "phone_norm")


class CompareBucket(beam.DoFn):
    """One bucket's block rows → `(MAIN, (pair bucket, pairs with levels))` and
    `(COUNTS, blocking counts)`; with `reuse` the rows carry fingerprints, only pairs
    without levels in `levels` (the last run's kept levels: a file that may not exist
    yet, or none) are compared, and `(KEPT, keys and levels)` is yielded too."""

    def __init__(self, settings: MatchSettings, reuse: bool = False,
                 levels: Optional[str] = None) -> None:
        self.settings, self.reuse, self.levels = settings, reuse, levels

    def process(
        self, element: tuple[int, Iterable[pa.RecordBatch]]
    ) -> Iterator[object]:
        _, batches = element
        with timed("ResolveEntities"):
            rows = pa.Table.from_batches(list(batches)).combine_chunks()
            if rows.num_rows == 0:
                return
            if not self.reuse:
                pairs, counts = pair_levels(rows.to_batches()[0], self.settings)
            else:
                pairs, counts, keep = pair_levels_reusing(
                    rows.to_batches()[0], self.settings,
                    read_kept(self.levels, self.settings))
        yield COUNTS, counts
        if self.reuse and keep.num_rows:
            yield KEPT, keep
        if pairs.num_rows == 0:
            return
        # Re-bucket by left ref, so that a pair found in two buckets meets itself.
        buckets = bucket_of(pairs.column(LEFT_REF), self.settings.buckets)
        for bucket in np.unique(buckets):
            yield MAIN, (int(bucket), pairs.filter(pa.array(buckets == bucket)))


class SumHistogram(beam.CombineFn):
    """Counts per key (a level pattern, or a rounded evidence value) summed."""

    def create_accumulator(self) -> dict:
        return {}

    def add_input(self, counts: dict, keyed: dict) -> dict:
        for key, c in keyed.items():
            counts[key] = counts.get(key, 0.0) + c
        return counts

    def merge_accumulators(self, accumulators: Iterable[dict]) -> dict:
        merged: dict = {}
        for accumulator in accumulators:
            self.add_input(merged, accumulator)
        return merged

    def extract_output(self, counts: dict) -> dict:
        return counts


class CountValues(beam.CombineFn):
    """Value counts of the term-frequency fields over all party batches."""

    def __init__(self, settings: MatchSettings) -> None:
        self.settings = settings

    def create_accumulator(self) -> tuple[list, dict]:
        return [], {}

    def add_input(self, acc: tuple[list, dict], batch: pa.RecordBatch) -> tuple[list, dict]:
        parts, records = acc
        parts.append(value_counts(batch, self.settings))
        for field, n in records_with(batch, self.settings).items():
            records[field] = records.get(field, 0) + n
        return [merge_counts(parts)], records

    def merge_accumulators(self, accumulators: Iterable[tuple[list, dict]]) -> tuple[list, dict]:
        parts, records = [], {}
        for more, counts in accumulators:
            parts.extend(more)
            for field, n in counts.items():
                records[field] = records.get(field, 0) + n
        return [merge_counts(parts)], records

    def extract_output(self, acc: tuple[list, dict]) -> tuple[dict, dict]:
        parts, records = acc
        return merge_counts(parts), records


def _patterns(pairs: pa.RecordBatch, settings: MatchSettings) -> dict:
    patterns, counts = level_patterns(level_matrix(pairs, settings))
    return {tuple(p): float(c) for p, c in zip(patterns.tolist(), counts.tolist())}


def _evidence(pairs: pa.RecordBatch, weights: MatchWeights) -> dict:
    values, counts = evidence_histogram(
        weights.evidence(pair_level_matrix(pairs, weights), pair_tf(pairs, weights))
    )
    return dict(zip(values.tolist(), counts.tolist()))


def _fit_u(
    _: object, parties: list[pa.RecordBatch], same_pairs: pa.Table, settings: MatchSettings
) -> tuple[MatchWeights, object, float]:
    """u from random pairs over all parties in ref order; the labelled pairs' levels."""
    table = sorted_parties(pa.Table.from_batches(parties) if parties else PARTY_SCHEMA.empty_table())
    batch = as_batch(table, table.schema)
    weights = MatchWeights(settings).fit_u(random_pair_levels(batch, settings))
    labelled = labelled_levels(batch, same_pairs, settings) if same_pairs.num_rows else None
    return weights, labelled, float(comparison_space(batch.column("party_type")))


def _fit_m(counts: dict, fitted: tuple, settings: MatchSettings) -> MatchWeights:
    weights, labelled, _ = copy.deepcopy(fitted)
    width = len(settings.comparisons)
    keys = sorted(counts)
    patterns = np.array(keys, dtype=np.int8).reshape(-1, width)
    return weights.fit_m(patterns, np.array([counts[k] for k in keys]), labelled_levels=labelled)


def _fit_prior(histogram: dict, weights: MatchWeights, fitted: tuple) -> MatchWeights:
    values = np.array(sorted(histogram), dtype=float)
    weights = copy.deepcopy(weights)
    return weights.fit_prior(values, np.array([histogram[v] for v in values.tolist()]), fitted[2])


def _drift(pairs: pa.RecordBatch, used: MatchWeights, fitted: MatchWeights) -> dict:
    """How many of these pairs the weights fitted on this run's records would decide
    otherwise than the weights in use (a frozen model's drift)."""
    levels, tf = pair_level_matrix(pairs, used), pair_tf(pairs, used)
    now = used.match_weight(levels, tf) >= used.threshold_
    refit = fitted.match_weight(levels, tf) >= fitted.threshold_
    return {"pairs": float(len(now)), "matches": float(now.sum()),
            "matches_after_refit": float(refit.sum()),
            "pairs_changing_decision": float((now != refit).sum())}


def _with_drift(stats: dict, drift: dict, fitted: MatchWeights) -> dict[str, object]:
    """The stats, with what a refit of the frozen model would change."""
    return {**stats, "refit_drift": {
        **{k: int(v) for k, v in sorted(drift.items())},
        "threshold_match_weight_after_refit": round(fitted.threshold_, 6),
        "lambda_after_refit": float(f"{fitted.lambda_:.9g}"),
    }}


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
    judgements: Optional[pa.Table],
) -> tuple[pa.Table, dict[str, object]]:
    parties = pa.Table.from_batches(
        identities, schema=identities[0].schema if identities else _identity_schema()
    )
    refs = set(parties.column(REF).to_pylist())
    same, different = judged(judgements, SAME, refs), judged(judgements, DIFFERENT, refs)
    edge_table = pa.concat_tables(
        [pa.Table.from_batches(edges, schema=EDGE_SCHEMA), judged_edges(same)]
    )
    entities, cluster_stats = clusters(
        parties, edge_table, settings.strong_identifiers, settings.id_key, cannot_link=different,
        business_strong_identifiers=settings.business_strong_identifiers,
    )
    stats = resolution_stats(
        parties.num_rows, int(sum(pair_totals)), blocking, weights, cluster_stats, settings,
        judgement_counts(judgements, same, different),
    )
    return entities, stats


def _identity_schema() -> pa.Schema:
    return pa.schema([PARTY_SCHEMA.field(name) for name in _IDENTITY_COLUMNS])


def _entity_batches(result: tuple[pa.Table, dict[str, object]]) -> Iterator[pa.RecordBatch]:
    entities, _ = result
    yield from entities.combine_chunks().to_batches(max_chunksize=ENTITY_CHUNK_ROWS)


class ResolveEntities(beam.PTransform):
    """Normalised `(kind, batch)` → `{"entities": batches of (ref, entity_id),
    "edges": batches of explained pairs, "stats": one dict}`, over accounts and osint
    (other kinds are ignored); `judgements` are analysts' same/different pairs.
    """

    def __init__(
        self,
        settings: Optional[MatchSettings] = None,
        judgements: Optional[pa.Table] = None,
        frozen: Optional[dict] = None,
        freeze: bool = False,
        levels: Optional[tuple[Optional[str], str]] = None,
    ) -> None:
        super().__init__()
        self.settings = settings or DEFAULT_SETTINGS
        self.judgements = judgements
        # A weekly state's frozen model (`MatchWeights.as_dict`): decisions use it, and
        # the weights fitted anew only measure the drift a refit would cause. `freeze`
        # decides with the fitted weights as read back from their record, so that the
        # next run, reading that record, decides exactly alike.
        self.frozen = frozen
        self.freeze = freeze or frozen is not None
        self.levels = levels

    def expand(self, records: beam.PCollection) -> dict[str, beam.PCollection]:
        settings, judgements = self.settings, self.judgements
        raw_parties = (
            records
            | "KeepParties" >> beam.Filter(lambda kv: kv[0] in RESOLVED_KINDS)
            | "ToParties" >> beam.MapTuple(timed_call("ResolveEntities", party_batch))
        )
        frequencies = raw_parties | "CountValues" >> beam.CombineGlobally(CountValues(settings))
        parties = raw_parties | "AddFrequencies" >> beam.Map(
            timed_call("ResolveEntities", lambda batch, f: with_frequencies(batch, *f)),
            beam.pvalue.AsSingleton(frequencies),
        )
        once = records.pipeline | "Once" >> beam.Create([None])
        fitted_u = once | "FitU" >> beam.Map(
            timed_call("ResolveEntities", _fit_u), beam.pvalue.AsList(parties),
            judged(judgements, SAME), settings,
        )
        blocked = parties
        if self.levels is not None:
            blocked = parties | "Fingerprints" >> beam.Map(
                timed_call("ResolveEntities", with_fingerprints))
        compared = (
            blocked
            | "BucketBlocks" >> beam.FlatMap(timed_call("ResolveEntities", bucketed_blocks), settings)
            | "GroupBuckets" >> beam.GroupByKey()
            | "ComparePairs" >> beam.ParDo(
                CompareBucket(settings, self.levels is not None, self.levels and self.levels[0]))
            | "SplitCompared" >> SplitTags(MAIN, COUNTS, KEPT)
        )
        if self.levels is not None:
            to = self.levels[1]
            (compared[KEPT] | "AllKept" >> beam.combiners.ToList()
             | "WriteKept" >> beam.Map(
                 timed_call("ResolveEntities", lambda kept: write_kept(to, kept, settings))))
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
        with_m = (
            pairs
            | "Patterns" >> beam.Map(_patterns, settings)
            | "CountPatterns" >> beam.CombineGlobally(SumHistogram())
            | "FitM" >> beam.Map(_fit_m, beam.pvalue.AsSingleton(fitted_u), settings)
        )
        weights = (
            pairs
            | "Evidence" >> beam.Map(_evidence, beam.pvalue.AsSingleton(with_m))
            | "SumEvidence" >> beam.CombineGlobally(SumHistogram())
            | "FitPrior" >> beam.Map(
                _fit_prior, beam.pvalue.AsSingleton(with_m), beam.pvalue.AsSingleton(fitted_u)
            )
        )
        fitted = weights
        if self.frozen is not None:
            frozen = self.frozen
            weights = once | "FrozenModel" >> beam.Map(
                lambda _: MatchWeights.from_dict(frozen, settings)
            )
        elif self.freeze:
            weights = fitted | "ReadBack" >> beam.Map(
                lambda w: MatchWeights.from_dict(w.as_dict(), settings)
            )
        explained = pairs | "ExplainPairs" >> beam.Map(
            timed_call("ResolveEntities", explained_pairs), beam.pvalue.AsSingleton(weights)
        )
        edges = explained | "MatchEdges" >> beam.Map(match_edges_of)
        pair_totals = pairs | "CountPairs" >> beam.Map(lambda b: b.num_rows)
        identities = raw_parties | "StrongIdentifiers" >> beam.Map(
            lambda b: b.select(list(_IDENTITY_COLUMNS))
        )
        result = once | "Cluster" >> beam.Map(
            timed_call("ResolveEntities", _entities_and_stats),
            beam.pvalue.AsList(identities),
            beam.pvalue.AsList(edges),
            beam.pvalue.AsList(pair_totals),
            beam.pvalue.AsSingleton(blocking),
            beam.pvalue.AsSingleton(weights),
            settings,
            judgements,
        )
        stats = result | "Stats" >> beam.Map(lambda r: r[1])
        if self.frozen is not None:
            drift = (
                pairs
                | "Drift" >> beam.Map(
                    _drift, beam.pvalue.AsSingleton(weights), beam.pvalue.AsSingleton(fitted)
                )
                | "SumDrift" >> beam.CombineGlobally(SumHistogram())
            )
            stats = stats | "WithDrift" >> beam.Map(
                _with_drift, beam.pvalue.AsSingleton(drift), beam.pvalue.AsSingleton(fitted)
            )
        return {
            "entities": result | "EntityBatches" >> beam.FlatMap(_entity_batches),
            "edges": explained,
            "stats": stats,
        }


__all__ = ["ResolveEntities", "CompareBucket", "SumHistogram", "pair_schema"]
