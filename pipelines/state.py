"""Weekly runs under Beam: the stored records join this run's, and the ids issued
before name what is found again (`fiu.state`).

    stored records ─ReadStore─▶ ─MergeStore (this run's version of a ref wins;
      withdrawn refs leave)─▶ records ─WriteStore─▶ STAGING/.state/records/<kind>.parquet
    entities ─StableEntityIds─▶ entities with the ids that survive   (+ registry, events)
    cases ─StableCaseIds─▶ cases with the ids that survive           (+ registry, events)
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Iterator

import apache_beam as beam
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from fiu.contract import REF
from fiu.io.writers import write_json, write_parquet
from fiu.state.ids import assign_ids, assign_table
from fiu.state.store import Registry, write_registry

from .stages import timed

STATE_WORK = ".state"
STORE_BATCH_ROWS = 50_000


def _read_store(element: tuple[str, str]) -> Iterator[tuple[str, pa.RecordBatch]]:
    kind, path = element
    for batch in pq.ParquetFile(path).iter_batches(batch_size=STORE_BATCH_ROWS):
        yield kind, batch


def _keep_stored(
    element: tuple[str, pa.RecordBatch], replaced: pa.Array
) -> Iterator[tuple[str, pa.RecordBatch]]:
    """A stored batch without the refs this run sends again or withdraws."""
    kind, batch = element
    keep = pc.invert(pc.is_in(batch.column(REF), value_set=replaced))
    kept = batch.filter(keep)
    if kept.num_rows:
        yield kind, kept


def _new_refs(element: tuple[str, pa.RecordBatch]) -> pa.Array:
    return element[1].column(REF)


def _all_refs(parts: Iterable[pa.Array], withdrawn: list[str]) -> pa.Array:
    arrays = [pa.array(withdrawn, pa.string()), *parts]
    return pc.unique(pa.chunked_array(arrays, pa.string()).combine_chunks())


def _drop_withdrawn(
    element: tuple[str, pa.RecordBatch], withdrawn: pa.Array
) -> Iterator[tuple[str, pa.RecordBatch]]:
    kind, batch = element
    if len(withdrawn):
        batch = batch.filter(pc.invert(pc.is_in(batch.column(REF), value_set=withdrawn)))
    if batch.num_rows:
        yield kind, batch


class MergeStore(beam.PTransform):
    """`(this run's normalised records, stored files {kind: path})` → every record the
    state holds now: each ref once, in this run's version when it came again; refs
    a partner withdrew are left out (their tombstones live in `seen.parquet`)."""

    def __init__(self, stored: dict[str, str], withdrawn: list[str]) -> None:
        super().__init__()
        self.stored, self.withdrawn = stored, sorted(withdrawn)

    def expand(self, records):
        withdrawn = self.withdrawn
        p = records.pipeline
        replaced = (
            records
            | "NewRefs" >> beam.Map(_new_refs)
            | "AllNewRefs" >> beam.CombineGlobally(lambda parts: _all_refs(parts, withdrawn))
        )
        stored = (
            p
            | "StoreFiles" >> beam.Create(sorted(self.stored.items()))
            | "ReadStore" >> beam.FlatMap(_read_store)
            | "KeepStored" >> beam.FlatMap(_keep_stored, beam.pvalue.AsSingleton(replaced))
        )
        gone = pa.array(withdrawn, pa.string())
        fresh = records | "DropWithdrawn" >> beam.FlatMap(_drop_withdrawn, gone)
        return (fresh, stored) | "AllRecords" >> beam.Flatten()


def _write_store(out_dir: str, kind_batches: list[tuple[str, pa.RecordBatch]]) -> int:
    by_kind: dict[str, list[pa.RecordBatch]] = {}
    for kind, batch in kind_batches:
        by_kind.setdefault(kind, []).append(batch)
    folder = Path(out_dir) / STATE_WORK / "records"
    with timed("WriteStore"):
        for kind, batches in sorted(by_kind.items()):
            table = pa.concat_tables(
                [pa.Table.from_batches([b]) for b in batches], promote_options="permissive"
            ).sort_by(REF)
            write_parquet(folder / f"{kind}.parquet", table)
    return sum(b.num_rows for _, b in kind_batches)


class WriteStore(beam.PTransform):
    """Every record the state holds, one Parquet file a kind, sorted by ref."""

    def __init__(self, out_dir: str) -> None:
        super().__init__()
        self.out_dir = out_dir

    def expand(self, records):
        out_dir = self.out_dir
        return (
            records
            | "AllRecords" >> beam.combiners.ToList()
            | "WriteParquet" >> beam.Map(lambda items: _write_store(out_dir, items))
        )


def _write_assignment(out_dir: str, kind: str, assignment) -> None:
    folder = Path(out_dir) / STATE_WORK
    write_registry(folder, kind, assignment.registry)
    write_json(folder / f"{kind}_events.json", assignment.events)


def _stable_entities(
    batches: list[pa.RecordBatch], registry: Registry, key: str, run: int, out_dir: str
) -> list[pa.RecordBatch]:
    with timed("StableIds"):
        table = pa.Table.from_batches(
            [b.select([REF, "entity_id"]) for b in batches],
            schema=pa.schema([(REF, pa.string()), ("entity_id", pa.string())]),
        )
        members = pa.table({"ref": table[REF], "label": table["entity_id"]})
        assignment, ids = assign_table(members, registry, "ent", key, run)
        _write_assignment(out_dir, "entities", assignment)
        table = pa.table({REF: table[REF], "entity_id": ids}).sort_by(REF)
    return table.combine_chunks().to_batches(max_chunksize=100_000)


class _StableIds(beam.PTransform):
    """A whole collection at once → the same clusters under the ids that survive
    (`fiu.state.ids.assign_ids`); the registry and events go to the state's staging.

    `registry` reads the ids issued so far (e.g. `State.registry` of a kind) when the
    step runs: a registry of a long stream holds a million memberships, which the
    runner would otherwise pickle and compress with the step, several times over,
    before the pipeline starts."""

    def __init__(self, rename, registry: Callable[[], Registry], key: str, run: int,
                 out_dir: str) -> None:
        super().__init__()
        self.rename, self.registry, self.args = rename, registry, (key, run, out_dir)

    def expand(self, items):
        rename, registry, args = self.rename, self.registry, self.args
        return (
            items
            | "All" >> beam.combiners.ToList()
            | "AssignIds" >> beam.FlatMap(
                lambda everything: rename(everything, registry(), *args))
        )


class StableEntityIds(_StableIds):
    """Entity batches `(ref, entity_id)` → the same clusters under the ids that survive."""

    def __init__(self, registry: Callable[[], Registry], key: str, run: int,
                 out_dir: str) -> None:
        super().__init__(_stable_entities, registry, key, run, out_dir)


def _stable_cases(
    cases: list[dict], registry: Registry, key: str, run: int, out_dir: str
) -> list[dict]:
    with timed("StableIds"):
        clusters = {c["case_id"]: list(c["refs"]) for c in cases}
        assignment = assign_ids(clusters, registry, "case", key, run)
        _write_assignment(out_dir, "cases", assignment)
        renamed = [{**c, "case_id": assignment.ids[c["case_id"]]} for c in cases]
    return sorted(renamed, key=lambda c: c["case_id"])


class StableCaseIds(_StableIds):
    """Case dicts → the same cases under the case ids that survive (over member refs)."""

    def __init__(self, registry: Callable[[], Registry], key: str, run: int,
                 out_dir: str) -> None:
        super().__init__(_stable_cases, registry, key, run, out_dir)


def new_refs(records) -> beam.PCollection:
    """`[kind, [refs]]` of this run's records, for the state's first/last-seen table."""
    return records | "RefsOfRun" >> beam.Map(
        lambda kv: [kv[0], kv[1].column(REF).to_pylist()]
    )
