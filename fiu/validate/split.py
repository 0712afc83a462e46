"""Split a raw batch into accepted (typed) rows and quarantine lines, with Great Expectations.

GX judges every row of a batch against every batch-level expectation of the kind's
suite; failures are grouped by row, and a row that breaks several expectations lists
them all.

What keeps that cheap (measured in benchmarks/validation.py; see `fiu.validate.plan`):
- GX's metric graph and each expectation's metric dependencies are built once per suite
  (one batch id for every batch), not re-derived through pydantic on every call;
- GX judges each column on a one-column frame: a map expectation (regex, value set)
  copies its whole frame minus the column's null rows, three times, so in a wide frame
  a few nulls in one column had every other column copied too (pandas skips the copy
  only when the column has no null);
- columns checked against a value set (enumerations, currency and country codes: few
  distinct values) are dictionary-encoded, which pandas receives as `category`; the
  others stay Arrow strings, whose regexes run in Arrow;
- the result format returns the positions of the unexpected rows only (the frames keep
  pandas' default index); `_row` numbers and values are read back from the batch.
"""
from __future__ import annotations

import logging
from collections import defaultdict

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fiu.contract import FILE, ROW, column_names
from fiu.validate.cast import to_typed
from fiu.validate.plan import SuitePlan
from fiu.validate.suites import RUN_WIDE, suite_parameters

CAST = "cast_to_contract_type"


class BatchValidator:
    """Holds one ephemeral GX context and the suites; `split` judges one batch.

    Build it where it runs (a DoFn's `setup`): GX objects are not pickled to workers.
    """

    def __init__(self, suites: dict[str, dict]) -> None:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig
        from great_expectations.execution_engine import PandasExecutionEngine
        from great_expectations.validator.validator import Validator

        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        self._context = gx.get_context(mode="ephemeral")
        self._context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self._suites = {}
        self._encoded: dict[str, set[str]] = {}
        for kind, suite in suites.items():
            batch_level = _batch_level(kind, suite)
            self._suites[kind] = gx.ExpectationSuite(
                name=suite["name"], expectations=batch_level, meta=suite.get("meta")
            )
            self._encoded[kind] = {
                e["kwargs"]["column"] for e in batch_level if "value_set" in e["kwargs"]
            }
        self._parameters = suite_parameters()
        self._validator = Validator(
            execution_engine=PandasExecutionEngine(caching=False), data_context=self._context
        )
        self._plans: dict[str, dict[str, SuitePlan]] = {}

    def split(self, kind: str, batch: pa.RecordBatch) -> tuple[pa.RecordBatch, list[dict]]:
        """(accepted rows in contract types, quarantine lines for the rest)."""
        if batch.num_rows == 0:
            return to_typed(kind, batch)[0], []
        failures = self._failures(kind, batch)
        rows = batch.column(ROW).to_numpy()
        bad = np.isin(rows, np.fromiter(failures, dtype=np.int64, count=len(failures)))
        # Cast every row once (rejected ones as nulls) and filter the typed batch once:
        # cheaper than filtering the raw strings first.
        typed, cast_failures = to_typed(kind, batch, pa.array(bad))
        for column, mask in cast_failures.items():
            hits = batch.filter(mask)
            for row, value in zip(hits.column(ROW).to_pylist(), hits.column(column).to_pylist()):
                failures[row].append({"expectation": CAST, "column": column, "value": value})
            bad |= mask.to_numpy(zero_copy_only=False)
        if bad.any():
            typed = typed.filter(pa.array(~bad))
        lines = _quarantine_lines(kind, batch, failures)
        return typed, lines

    def validate(self, kind: str, batch: pa.RecordBatch) -> list:
        """GX's result for every batch-level expectation of the kind's suite."""
        results = []
        for column, plan in self._column_plans(kind).items():
            frame = _frame(batch, column, encode=column in self._encoded[kind])
            results += plan.run(self._validator, frame)
        return results

    def _column_plans(self, kind: str) -> dict[str, SuitePlan]:
        """{column: GX's checks of that column and their metric graph}, built on first use."""
        if kind not in self._plans:
            configurations = self._validator.process_expectations_for_validation(
                self._suites[kind].expectation_configurations, self._parameters
            )
            by_column = defaultdict(list)
            for configuration in configurations:
                by_column[configuration.kwargs["column"]].append(configuration)
            self._plans[kind] = {
                column: SuitePlan.build(group, self._validator)
                for column, group in by_column.items()
            }
        return self._plans[kind]

    def _failures(self, kind: str, batch: pa.RecordBatch) -> dict[int, list[dict]]:
        failures: dict[int, list[dict]] = defaultdict(list)
        for outcome in self.validate(kind, batch):
            if outcome.success:
                continue
            config = outcome.expectation_config
            column = config.kwargs["column"]
            # The frame keeps pandas' default index: GX names rows by their position.
            positions = outcome.result.get("unexpected_index_list")
            if not positions:
                continue
            hits = pa.array(positions, pa.int64())
            rows = batch.column(ROW).take(hits).to_pylist()
            values = batch.column(column).take(hits).to_pylist()
            for row, value in zip(rows, values):
                failures[row].append(
                    {"expectation": config.type, "column": column, "value": value}
                )
        return failures


def _batch_level(kind: str, suite: dict) -> list[dict]:
    """The suite's expectations judged batch by batch; each must name its column, which
    GX judges it on and a quarantine entry names."""
    batch_level = [e for e in suite["expectations"] if e["type"] not in RUN_WIDE]
    unnamed = [e["type"] for e in batch_level if "column" not in e["kwargs"]]
    if unnamed:
        raise ValueError(f"{kind} suite: batch-level expectations without a column: {unnamed}")
    return batch_level


def _frame(batch: pa.RecordBatch, column: str, encode: bool):
    """The one-column pandas frame GX judges `column` on (as a category if `encode`)."""
    values = batch.column(column)
    if encode:
        values = pc.dictionary_encode(values)
    return pa.Table.from_arrays([values], names=[column]).to_pandas()


def _quarantine_lines(
    kind: str, batch: pa.RecordBatch, failures: dict[int, list[dict]]
) -> list[dict]:
    if not failures:
        return []
    rows = pa.array(sorted(failures), pa.int64())
    picked = batch.filter(pc.is_in(batch.column(ROW), value_set=rows))
    names = column_names(kind)
    lines = []
    # One dict per quarantined row: they are few (≈0.5 %) and become JSON lines.
    for record in picked.to_pylist():
        row = record[ROW]
        lines.append(
            {
                "file": record[FILE],
                "row": row,
                "raw": {name: record[name] for name in names},
                "failures": sorted(
                    failures[row], key=lambda f: (str(f["column"]), f["expectation"])
                ),
            }
        )
    return lines
