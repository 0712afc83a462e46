"""Split a raw batch into accepted (typed) rows and quarantine lines, with Great Expectations.

Each batch is validated by one GX call over the whole batch, so GX judges every row and
one call judges tens of thousands of them; failures are grouped by row, and a row that
breaks several expectations lists them all.

What keeps that call cheap (measured in benchmarks/validation.py):
- the frame holds only the columns the suite names, plus `_row`: GX copies the whole
  frame for each expectation that skips nulls, so unused free-text columns cost time;
- columns checked against a value set (enumerations, currency and country codes: few
  distinct values) are dictionary-encoded, which pandas receives as `category`: those
  copies then move small integer codes instead of strings; identifiers, timestamps and
  amounts (nearly all distinct) stay Arrow strings, whose regexes run in Arrow;
- one GX batch per call (the fluent `Batch.validate` loads and fingerprints the frame
  twice), the suite's `$PARAMETER`s substituted once per kind, and a result format that
  returns the unexpected `_row` numbers only (the values are read back from the batch).
"""
from __future__ import annotations

import logging
from collections import defaultdict

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fiu.contract import FILE, ROW, column_names
from fiu.validate.cast import to_typed
from fiu.validate.suites import RUN_WIDE, suite_parameters

CAST = "cast_to_contract_type"
RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "unexpected_index_column_names": [ROW],
    "return_unexpected_index_query": False,
    "exclude_unexpected_values": True,
}


class BatchValidator:
    """Holds one ephemeral GX context and the suites; `split` judges one batch.

    Build it where it runs (a DoFn's `setup`): GX objects are not pickled to workers.
    """

    def __init__(self, suites: dict[str, dict]) -> None:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        self._context = gx.get_context(mode="ephemeral")
        self._context.variables.progress_bars = ProgressBarsConfig(globally=False)
        source = self._context.data_sources.add_pandas("fiu")
        self._definition = source.add_dataframe_asset("batch").add_batch_definition_whole_dataframe(
            "whole"
        )
        self._suites = {}
        self._columns: dict[str, list[str]] = {}
        self._encoded: dict[str, set[str]] = {}
        for kind, suite in suites.items():
            batch_level = [e for e in suite["expectations"] if e["type"] not in RUN_WIDE]
            self._suites[kind] = gx.ExpectationSuite(
                name=suite["name"], expectations=batch_level, meta=suite.get("meta")
            )
            named = {e["kwargs"]["column"] for e in batch_level if "column" in e["kwargs"]}
            in_sets = {e["kwargs"]["column"] for e in batch_level if "value_set" in e["kwargs"]}
            self._columns[kind] = [c for c in column_names(kind) if c in named]
            self._encoded[kind] = in_sets
        self._parameters = suite_parameters()
        self._configurations: dict[str, list] = {}

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
        from great_expectations.validator.validator import Validator

        frame = _frame(batch, self._columns[kind], self._encoded[kind])
        gx_batch = self._definition.get_batch(batch_parameters={"dataframe": frame})
        validator = Validator(
            execution_engine=gx_batch.data.execution_engine,
            batches=[gx_batch],
            data_context=self._context,
        )
        if kind not in self._configurations:
            self._configurations[kind] = validator.process_expectations_for_validation(
                self._suites[kind].expectation_configurations, self._parameters
            )
        return validator.graph_validate(
            configurations=self._configurations[kind],
            runtime_configuration={"result_format": dict(RESULT_FORMAT)},
        )

    def _failures(self, kind: str, batch: pa.RecordBatch) -> dict[int, list[dict]]:
        failures: dict[int, list[dict]] = defaultdict(list)
        position = {row: i for i, row in enumerate(batch.column(ROW).to_pylist())}
        for outcome in self.validate(kind, batch):
            if outcome.success:
                continue
            config = outcome.expectation_config
            column = config.kwargs.get("column")
            if outcome.exception_info and outcome.exception_info.get("raised_exception"):
                raise RuntimeError(
                    f"expectation {config.type} on {column} failed to run: "
                    f"{outcome.exception_info.get('exception_message')}"
                )
            hit_rows = _unexpected_rows(outcome.result.get("unexpected_index_list"))
            if not hit_rows:
                continue
            values = batch.column(column).take(pa.array([position[r] for r in hit_rows]))
            for row, value in zip(hit_rows, values.to_pylist()):
                failures[row].append(
                    {"expectation": config.type, "column": column, "value": value}
                )
        return failures


def _frame(batch: pa.RecordBatch, columns: list[str], encoded: set[str]):
    """The pandas frame GX sees: the suite's columns (those checked against a value set
    as categories), and `_row`."""
    arrays = [
        pc.dictionary_encode(batch.column(name)) if name in encoded else batch.column(name)
        for name in columns
    ]
    table = pa.Table.from_arrays(arrays + [batch.column(ROW)], names=columns + [ROW])
    return table.to_pandas()


def _unexpected_rows(index_list: object) -> list[int]:
    """`_row` numbers from GX's unexpected_index_list, in either of its two shapes:
    one dict a row, or (with unexpected values excluded) one dict of lists."""
    if not index_list:
        return []
    rows: list[int] = []
    for entry in index_list:  # type: ignore[union-attr]
        value = entry[ROW]
        if isinstance(value, (list, tuple, np.ndarray)):
            rows.extend(int(v) for v in value)
        else:
            rows.append(int(value))
    return sorted(set(rows))


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
