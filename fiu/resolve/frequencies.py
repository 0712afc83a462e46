"""Term frequencies: how common each value of a term-frequency comparison's field is.

For a pair that agrees exactly on value v, u (the chance that a different party
agrees) is the share of records that carry v, not the average agreement rate of the
field: "smith" on 1 % of records is weak evidence, a surname on one record in 10,000
strong, and a phone on twenty ads weaker than one person's own mobile. The tables are
counted once over all parties; each party then carries `<field>_tf` beside the field
(a list beside a list field), so a pair knows the frequency of what it shares.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .settings import MatchSettings

TF_SUFFIX = "_tf"
FREQUENCY_SCHEMA = pa.schema([pa.field("value", pa.string()), pa.field("count", pa.int64())])


def _values(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks else pa.array([], column.type)
    if pa.types.is_list(column.type):
        column = column.flatten()
    return column.cast(pa.string())


def tf_fields(settings: MatchSettings) -> list[str]:
    """Party fields whose values are weighed by frequency."""
    return sorted({c.field for c in settings.comparisons if c.term_frequency})


def value_counts(parties: pa.RecordBatch | pa.Table, settings: MatchSettings) -> dict[str, pa.Table]:
    """`{field: (value, count)}` over these parties; counts add up across batches
    (`merge_counts`). A list field counts each record once per distinct value."""
    out = {}
    for field in tf_fields(settings):
        if field not in parties.schema.names:
            continue
        values = _values(parties.column(field))
        counted = pc.value_counts(values.filter(pc.is_valid(values)))
        out[field] = pa.table(
            {"value": counted.field("values"), "count": counted.field("counts").cast(pa.int64())},
            schema=FREQUENCY_SCHEMA,
        )
    return out


def merge_counts(parts: list[dict[str, pa.Table]]) -> dict[str, pa.Table]:
    """Value counts of several batches as one, sorted by value."""
    fields = sorted({f for part in parts for f in part})
    merged = {}
    for field in fields:
        table = pa.concat_tables([p[field] for p in parts if field in p])
        summed = table.group_by("value", use_threads=False).aggregate([("count", "sum")])
        merged[field] = (
            pa.table({"value": summed["value"], "count": summed["count_sum"]},
                     schema=FREQUENCY_SCHEMA)
            .sort_by("value")
        )
    return merged


def with_frequencies(
    parties: pa.RecordBatch, counts: dict[str, pa.Table], records: dict[str, int]
) -> pa.RecordBatch:
    """`parties` plus `<field>_tf`: for each value, the chance that another record
    carries it too, `(count - 1) / (records - 1)` over the records that carry the field
    at all (`records[field]`), at least `1 / records`."""
    arrays, names = list(parties.columns), list(parties.schema.names)
    for field, table in sorted(counts.items()):
        if field not in names:
            continue
        column = parties.column(field)
        flat = _values(column)
        index = pc.index_in(flat, value_set=table["value"].combine_chunks())
        total = max(records.get(field, 0), 2)
        if table.num_rows:
            count = table["count"].combine_chunks().take(pc.fill_null(index, 0))
            others = np.asarray(count.to_numpy(zero_copy_only=False), dtype=float) - 1
            share = pa.array(np.maximum(others / (total - 1), 1.0 / total), pa.float64())
            share = pc.if_else(pc.is_valid(index), share, pa.scalar(None, pa.float64()))
        else:
            share = pa.nulls(len(flat), pa.float64())
        if pa.types.is_list(column.type):
            offsets = pc.subtract(column.offsets, column.offsets[0])
            share = pa.ListArray.from_arrays(offsets, share, mask=pc.is_null(column))
        arrays.append(share)
        names.append(field + TF_SUFFIX)
    return pa.RecordBatch.from_arrays(arrays, names=names)


def records_with(parties: pa.RecordBatch | pa.Table, settings: MatchSettings) -> dict[str, int]:
    """Per term-frequency field, how many parties carry a value (the denominator)."""
    out = {}
    for field in tf_fields(settings):
        if field not in parties.schema.names:
            continue
        column = parties.column(field)
        if pa.types.is_list(column.type):
            lengths = pc.fill_null(pc.list_value_length(column), 0)
            out[field] = int(np.count_nonzero(np.asarray(lengths)))
        else:
            out[field] = int(len(column) - column.null_count)
    return out
