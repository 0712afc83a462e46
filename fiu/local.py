"""The pipeline's library functions run in one process, without Beam.

Tests, `fiu rules backtest`, `fiu train` and the benchmarks' reference use this; the Beam
pipeline in `pipelines/` wraps the very same functions.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from fiu.contract import KINDS, typed_schema
from fiu.io.inputs import InputFile, list_inputs
from fiu.io.readers import read_file
from fiu.validate.split import BatchValidator
from fiu.validate.suites import load_suites, unique_key
from fiu.validate.unique import drop_repeats, key_table, repeated_rows


@dataclass
class LoadedInputs:
    """Accepted rows per kind (typed), quarantine lines per kind, and row counts."""

    files: list[InputFile]
    tables: dict[str, pa.Table]
    quarantine: dict[str, list[dict]] = field(default_factory=dict)
    read: Counter = field(default_factory=Counter)
    rows_per_file: Counter = field(default_factory=Counter)


def load_inputs(input_dir: str | Path) -> LoadedInputs:
    """Read, de-duplicate and validate every file of the folder."""
    files = list_inputs(input_dir)
    suites = load_suites()
    validator = BatchValidator(suites)
    raw: dict[str, list[pa.RecordBatch]] = {kind: [] for kind in KINDS}
    quarantine: dict[str, list[dict]] = {kind: [] for kind in KINDS}
    read: Counter = Counter()
    per_file: Counter = Counter()
    for source in files:
        result = read_file(source)
        raw[source.kind] += result.batches
        quarantine[source.kind] += result.broken
        rows = sum(b.num_rows for b in result.batches) + len(result.broken)
        read[source.kind] += rows
        per_file[source.name] = rows
    tables: dict[str, pa.Table] = {}
    for kind in KINDS:
        key = unique_key(suites[kind])
        keys = pa.concat_tables([key_table(b, key) for b in raw[kind]]) if raw[kind] else None
        repeats = repeated_rows(keys) if keys is not None else None
        accepted = []
        for batch in raw[kind]:
            if repeats is not None:
                batch, lines = drop_repeats(kind, batch, repeats, key)
                quarantine[kind] += lines
            typed, lines = validator.split(kind, batch)
            accepted.append(typed)
            quarantine[kind] += lines
        schema = typed_schema(kind)
        tables[kind] = pa.Table.from_batches(accepted, schema=schema) if accepted else schema.empty_table()
        quarantine[kind].sort(key=lambda line: (line["file"], line["row"]))
    return LoadedInputs(files, tables, quarantine, read, per_file)
