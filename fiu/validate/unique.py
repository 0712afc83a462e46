"""Run-wide uniqueness (txn_id within partner, record_id, partner_id + account_id).

Only the keys travel: each batch gives a small table of (key, file, row); the tables of
one bucket are compared together; the rows that repeat an earlier key (by file name,
then row) come back as a small list that filters the full batches.
"""
from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from fiu.buckets import bucket_of
from fiu.contract import FILE, ROW, column_names

DUPLICATE = "expect_compound_columns_to_be_unique"
DUPLICATE_VALUE = "expect_column_values_to_be_unique"  # a one-column key
_SEPARATOR = "\x1f"


def key_table(batch: pa.RecordBatch, key: tuple[str, ...]) -> pa.Table:
    """(key, _file, _row) for every row whose key columns are all present."""
    parts = [batch.column(name) for name in key]
    joined = pc.binary_join_element_wise(*parts, _SEPARATOR) if len(parts) > 1 else parts[0]
    table = pa.table({"key": joined, FILE: batch.column(FILE), ROW: batch.column(ROW)})
    return table.filter(pc.is_valid(table.column("key")))


def split_by_bucket(keys: pa.Table, buckets: int) -> list[tuple[int, pa.Table]]:
    """The key table cut into one piece per bucket, for a keyed shuffle."""
    if keys.num_rows == 0:
        return []
    ids = pa.array(bucket_of(keys.column("key"), buckets))
    keyed = keys.append_column("bucket", ids)
    return [
        (int(b), keyed.filter(pc.equal(ids, b)).drop_columns(["bucket"]))
        for b in pc.unique(ids).to_pylist()
    ]


def repeated_rows(keys: pa.Table) -> pa.Table:
    """(_file, _row, first_file, first_row) for every row repeating an earlier key."""
    if keys.num_rows == 0:
        return _empty_repeats()
    # A hash count first: only the few repeated keys are sorted and joined.
    counts = pc.value_counts(keys.column("key").combine_chunks())
    repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    if len(repeated) == 0:
        return _empty_repeats()
    keys = keys.filter(pc.is_in(keys.column("key"), value_set=repeated))
    ordered = keys.sort_by([("key", "ascending"), (FILE, "ascending"), (ROW, "ascending")])
    firsts = ordered.group_by("key", use_threads=False).aggregate(
        [(FILE, "first"), (ROW, "first"), (ROW, "count")]
    )
    firsts = firsts.filter(pc.greater(firsts.column(f"{ROW}_count"), 1))
    if firsts.num_rows == 0:
        return _empty_repeats()
    joined = ordered.join(
        firsts.select(["key", f"{FILE}_first", f"{ROW}_first"]), "key", join_type="inner"
    )
    is_first = pc.and_(
        pc.equal(joined.column(FILE), joined.column(f"{FILE}_first")),
        pc.equal(joined.column(ROW), joined.column(f"{ROW}_first")),
    )
    repeats = joined.filter(pc.invert(is_first))
    return pa.table(
        {
            FILE: repeats.column(FILE),
            ROW: repeats.column(ROW),
            "first_file": repeats.column(f"{FILE}_first"),
            "first_row": repeats.column(f"{ROW}_first"),
        }
    ).sort_by([(FILE, "ascending"), (ROW, "ascending")])


def _empty_repeats() -> pa.Table:
    return pa.table(
        {
            FILE: pa.array([], pa.string()),
            ROW: pa.array([], pa.int64()),
            "first_file": pa.array([], pa.string()),
            "first_row": pa.array([], pa.int64()),
        }
    )


def drop_repeats(
    kind: str, batch: pa.RecordBatch, repeats: pa.Table, key: tuple[str, ...]
) -> tuple[pa.RecordBatch, list[dict]]:
    """The batch without the repeated rows, and a quarantine line for each of those."""
    if repeats.num_rows == 0 or batch.num_rows == 0:
        return batch, []
    mine = repeats.filter(pc.equal(repeats.column(FILE), batch.column(FILE)[0]))
    if mine.num_rows == 0:
        return batch, []
    hit = pc.is_in(batch.column(ROW), value_set=mine.column(ROW))
    first_of = dict(
        zip(mine.column(ROW).to_pylist(), zip(mine.column("first_file").to_pylist(),
                                              mine.column("first_row").to_pylist()))
    )
    lines = []
    names = column_names(kind)
    # One dict per repeated row: they are few and become JSON lines.
    for record in batch.filter(hit).to_pylist():
        first_file, first_row = first_of[record[ROW]]
        lines.append(
            {
                "file": record[FILE],
                "row": record[ROW],
                "raw": {name: record[name] for name in names},
                "failures": [
                    {
                        "expectation": DUPLICATE if len(key) > 1 else DUPLICATE_VALUE,
                        "column": ",".join(key),
                        "value": f"repeats {first_file} row {first_row}",
                    }
                ],
            }
        )
    return batch.filter(pc.invert(hit)), lines
