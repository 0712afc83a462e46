"""Split a raw batch into accepted (typed) rows and quarantine lines, with Great Expectations.

Each batch is validated as one pandas frame with COMPLETE results keyed by `_row`, so
one GX call judges tens of thousands of rows; failures are grouped by row, and a row
that breaks several expectations lists them all.
"""
from __future__ import annotations

import logging
from collections import defaultdict

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fiu.contract import FILE, ROW, column_names, list_columns
from fiu.validate.cast import to_typed
from fiu.validate.suites import RUN_WIDE, suite_parameters

CAST = "cast_to_contract_type"


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
        for kind, suite in suites.items():
            batch_level = [e for e in suite["expectations"] if e["type"] not in RUN_WIDE]
            self._suites[kind] = gx.ExpectationSuite(
                name=suite["name"], expectations=batch_level, meta=suite.get("meta")
            )
        self._parameters = suite_parameters()

    def split(self, kind: str, batch: pa.RecordBatch) -> tuple[pa.RecordBatch, list[dict]]:
        """(accepted rows in contract types, quarantine lines for the rest)."""
        if batch.num_rows == 0:
            return to_typed(kind, batch)[0], []
        failures = self._failures(kind, batch)
        rows = batch.column(ROW).to_numpy()
        bad = np.isin(rows, np.fromiter(failures, dtype=np.int64, count=len(failures)))
        candidates = batch.filter(pa.array(~bad))
        typed, cast_failures = to_typed(kind, candidates)
        if cast_failures:
            lost = np.zeros(typed.num_rows, dtype=bool)
            for column, mask in cast_failures.items():
                hits = candidates.filter(mask)
                for row, value in zip(hits.column(ROW).to_pylist(), hits.column(column).to_pylist()):
                    failures[row].append({"expectation": CAST, "column": column, "value": value})
                lost |= mask.to_numpy(zero_copy_only=False)
            typed = typed.filter(pa.array(~lost))
        lines = _quarantine_lines(kind, batch, failures)
        return typed, lines

    def _failures(self, kind: str, batch: pa.RecordBatch) -> dict[int, list[dict]]:
        lists = set(list_columns(kind))
        frame = batch.select([c for c in batch.schema.names if c not in lists]).to_pandas()
        result = self._definition.get_batch(batch_parameters={"dataframe": frame}).validate(
            self._suites[kind],
            expectation_parameters=self._parameters,
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [ROW]},
        )
        failures: dict[int, list[dict]] = defaultdict(list)
        for outcome in result.results:
            if outcome.success:
                continue
            config = outcome.expectation_config
            column = config.kwargs.get("column")
            if outcome.exception_info and outcome.exception_info.get("raised_exception"):
                raise RuntimeError(
                    f"expectation {config.type} on {column} failed to run: "
                    f"{outcome.exception_info.get('exception_message')}"
                )
            for hit in outcome.result.get("unexpected_index_list") or []:
                value = hit.get(column)
                failures[int(hit[ROW])].append(
                    {"expectation": config.type, "column": column, "value": _plain(value)}
                )
        return failures


def _plain(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


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
