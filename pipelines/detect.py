"""DetectCases = SummariseTransactions (per account bucket) | LinkNetworks and ScoreCases.

Per-account transaction features are computed in parallel: transaction batches are keyed
by a stable bucket of their account ref (`zlib.crc32 % buckets`), grouped, and summarised
per bucket. Linking networks and scoring them run once, on a single global element:
networks are small. Every step is a `fiu.detect.cases` function, so the result equals
`detect_cases` in one process.
"""
from __future__ import annotations

from typing import Any, Sequence

import apache_beam as beam
import pyarrow as pa

from fiu.detect.cases import (
    cases_from_summary,
    combine_summaries,
    concat_batches,
    split_by_account_bucket,
    summarise_transactions,
)
from fiu.detect.model import CaseModel
from fiu.detect.rules import Rule, load_rules
from fiu.detect.settings import DEFAULT_SETTINGS, DEFAULT_THRESHOLD, DetectSettings

from .stages import timed, timed_call

KINDS = ("transactions", "accounts", "osint", "entities", "labels")


def _summarise_bucket(bucket: int, batches: Any) -> Any:
    return summarise_transactions(concat_batches(batches))


class _Score(beam.DoFn):
    def __init__(self, rules: Sequence[Rule], model: CaseModel | None, threshold: float,
                 use_default_model: bool, id_key: str, settings: DetectSettings) -> None:
        self.rules = list(rules)
        self.model = model
        self.threshold = threshold
        self.use_default_model = use_default_model
        self.id_key = id_key
        self.settings = settings

    def process(self, _: Any, summaries: list, accounts: list, osint: list, entities: list,
                labels: list) -> Any:
        with timed("DetectCases"):
            result = cases_from_summary(
                combine_summaries(summaries), concat_batches(accounts), concat_batches(osint),
                concat_batches(entities), concat_batches(labels), self.rules, self.model,
                self.threshold, self.use_default_model, self.id_key, self.settings,
            )
        yield result


class DetectCases(beam.PTransform):
    """`{"transactions", "accounts", "osint", "entities", "labels"}` PCollections of
    `pa.RecordBatch` → `{"cases": PCollection[dict], "stats": PCollection[dict]}`."""

    def __init__(
        self,
        rules: Sequence[Rule] | None = None,
        model: CaseModel | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        buckets: int = 16,
        use_default_model: bool = True,
        id_key: str = "",
        settings: DetectSettings = DEFAULT_SETTINGS,
    ) -> None:
        super().__init__()
        if not 0 < threshold <= 1:
            raise ValueError(f"`threshold` must be in (0, 1]; got {threshold}")
        self.rules = list(load_rules() if rules is None else rules)
        self.model = model
        self.threshold = threshold
        self.buckets = buckets
        self.use_default_model = use_default_model
        self.id_key = id_key
        self.settings = settings

    def expand(self, inputs: dict[str, beam.PCollection]) -> dict[str, beam.PCollection]:
        missing = [k for k in KINDS if k not in inputs]
        if missing:
            raise ValueError(f"DetectCases needs PCollections for {missing}")
        p = inputs["transactions"].pipeline
        n = self.buckets
        summaries = (
            inputs["transactions"]
            | "BucketByAccount" >> beam.FlatMap(timed_call("DetectCases", split_by_account_bucket), n)
            | "GroupByBucket" >> beam.GroupByKey()
            | "SummariseTransactions" >> beam.MapTuple(timed_call("DetectCases", _summarise_bucket))
        )
        side = {
            "summaries": beam.pvalue.AsList(summaries),
            **{k: beam.pvalue.AsList(inputs[k]) for k in ("accounts", "osint", "entities", "labels")},
        }
        scored = (
            p
            | "Once" >> beam.Create([None])
            | "LinkNetworksAndScoreCases" >> beam.ParDo(
                _Score(self.rules, self.model, self.threshold, self.use_default_model, self.id_key,
                       self.settings),
                **side,
            )
        )
        cases = scored | "Cases" >> beam.FlatMap(lambda result: result[0])
        stats = scored | "Stats" >> beam.Map(lambda result: result[1])
        return {"cases": cases, "stats": stats}


def batches_of(table: pa.Table | None, rows: int = 50_000) -> list[pa.RecordBatch]:
    """A table as record batches for `beam.Create` (none for an empty or missing table)."""
    if table is None or table.num_rows == 0:
        return []
    return table.to_batches(max_chunksize=rows)
