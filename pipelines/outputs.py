"""Writers of the out folder: quarantine, entities, cases, and the run's bookkeeping."""
from __future__ import annotations

from pathlib import Path

import apache_beam as beam
import pyarrow as pa

from fiu.contract import KINDS
from fiu.io.writers import write_json, write_jsonl, write_parquet
from fiu.resolve.cluster import explained_schema
from fiu.resolve.settings import MatchSettings
from fiu.validate.report import findings_of

from .stages import progress, timed

# Counts and stage statistics land here during the run; the manifest folds them in.
WORK = ".run"


def _write_quarantine(
    out_dir: str, kind_lines: list, source_columns: dict[str, dict[str, str]] | None = None
) -> dict[str, dict]:
    """Write the files; return per kind what the validation report sums up. A failure
    in a file read through a mapping profile also names the partner's own column."""
    by_kind: dict[str, list[dict]] = {kind: [] for kind in KINDS}
    for kind, lines in kind_lines:
        by_kind[kind].extend(lines)
    for lines in by_kind.values():
        for line in lines:
            columns = (source_columns or {}).get(line["file"])
            for failure in line["failures"] if columns else ():
                if failure.get("column") in columns:
                    failure["source_column"] = columns[failure["column"]]
    for kind, lines in by_kind.items():
        lines.sort(key=lambda line: (line["file"], line["row"]))
        write_jsonl(Path(out_dir) / "quarantine" / f"{kind}.jsonl", lines)
        if lines:
            progress("WriteQuarantine", f"{kind}: {len(lines)} rows quarantined")
    return {kind: findings_of(lines) for kind, lines in by_kind.items()}


class WriteQuarantine(beam.PTransform):
    """`quarantine/<kind>.jsonl`, one line a rejected row, sorted by file and row; gives
    one element, the per-kind findings for the validation report."""

    def __init__(self, out_dir: str, source_columns: dict[str, dict[str, str]] | None = None) -> None:
        super().__init__()
        self.out_dir = out_dir
        self.source_columns = source_columns or {}

    def expand(self, quarantined):
        out_dir, columns = self.out_dir, self.source_columns
        return (
            quarantined
            | "AllLines" >> beam.combiners.ToList()
            | "WriteFiles" >> beam.Map(lambda lines: _write_quarantine(out_dir, lines, columns))
        )


def _write_entities(out_dir: str, batches: list[pa.RecordBatch]) -> int:
    with timed("ResolveEntities"):
        schema = pa.schema([("ref", pa.string()), ("entity_id", pa.string())])
        table = pa.Table.from_batches([b.select(["ref", "entity_id"]) for b in batches], schema=schema)
        table = table.sort_by("ref")
        write_parquet(Path(out_dir) / "entities.parquet", table)
    progress("ResolveEntities", f"{table.num_rows} records in {len(set(table.column('entity_id').to_pylist()))} entities")
    return table.num_rows


class WriteEntities(beam.PTransform):
    """`entities.parquet`: ref → entity_id for every accepted account and osint record."""

    def __init__(self, out_dir: str) -> None:
        super().__init__()
        self.out_dir = out_dir

    def expand(self, entities):
        out_dir = self.out_dir
        return (
            entities
            | "AllBatches" >> beam.combiners.ToList()
            | "WriteParquet" >> beam.Map(lambda batches: _write_entities(out_dir, batches))
        )


def _write_edges(out_dir: str, batches: list[pa.RecordBatch], settings: MatchSettings) -> int:
    with timed("ResolveEntities"):
        table = pa.Table.from_batches(batches, schema=explained_schema(settings))
        table = table.sort_by([("left_ref", "ascending"), ("right_ref", "ascending")])
        write_parquet(Path(out_dir) / "entity_edges.parquet", table)
    return table.num_rows


class WriteEntityEdges(beam.PTransform):
    """`entity_edges.parquet`: every match and near miss with each comparison's level and
    weight, sorted by the pair's refs (what `fiu explain` reads)."""

    def __init__(self, out_dir: str, settings: MatchSettings) -> None:
        super().__init__()
        self.out_dir = out_dir
        self.settings = settings

    def expand(self, edges):
        out_dir, settings = self.out_dir, self.settings
        return (
            edges
            | "AllBatches" >> beam.combiners.ToList()
            | "WriteParquet"
            >> beam.Map(lambda batches: _write_edges(out_dir, batches, settings))
        )


def _write_cases(out_dir: str, cases: list[dict]) -> None:
    cases = sorted(cases, key=lambda c: c["case_id"])
    write_jsonl(Path(out_dir) / "cases.jsonl", cases)
    progress("DetectCases", f"{len(cases)} cases")


class WriteCases(beam.PTransform):
    """`cases.jsonl`: the analysts' view, one case a line, sorted by case id."""

    def __init__(self, out_dir: str) -> None:
        super().__init__()
        self.out_dir = out_dir

    def expand(self, cases):
        out_dir = self.out_dir
        return (
            cases
            | "AllCases" >> beam.combiners.ToList()
            | "WriteJsonl" >> beam.Map(lambda all_cases: _write_cases(out_dir, all_cases))
        )


class WriteRecord(beam.PTransform):
    """One small JSON document of run bookkeeping under `OUT/.run/<name>.json`."""

    def __init__(self, out_dir: str, name: str) -> None:
        super().__init__()
        self.path = Path(out_dir) / WORK / f"{name}.json"

    def expand(self, values):
        path = self.path
        return (
            values
            | "Gather" >> beam.combiners.ToList()
            | "Write" >> beam.Map(lambda items: write_json(path, items))
        )
