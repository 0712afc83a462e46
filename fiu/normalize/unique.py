"""Apply a per-value Python function to an Arrow string column once per distinct value.

Identifiers repeat a lot (the same phone on many ads, the same city on many accounts), so
normalising the dictionary of distinct values and taking back by index is both faster
than a per-row loop and guarantees that equal inputs give equal outputs.
"""
from __future__ import annotations

from typing import Callable, Optional

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

StrArray = pa.Array | pa.ChunkedArray


def as_array(values: StrArray) -> pa.Array:
    """A single contiguous string array (ChunkedArray combined, null type cast)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks else pa.array([], pa.string())
    if pa.types.is_null(values.type) or pa.types.is_dictionary(values.type):
        values = values.cast(pa.string())
    if pa.types.is_large_string(values.type):
        values = values.cast(pa.string())
    return values


def map_unique(
    values: StrArray, fn: Callable[[str], Optional[object]], type: pa.DataType = pa.string()
) -> pa.Array:
    """`fn` applied to each distinct non-null value, mapped back to every row as `type`.

    >>> map_unique(pa.array(["a", None, "a", "b"]), str.upper).to_pylist()
    ['A', None, 'A', 'B']
    """
    values = as_array(values)
    encoded = pc.dictionary_encode(values)
    mapped = pa.array([fn(v) for v in encoded.dictionary.to_pylist()], type)
    return mapped.take(encoded.indices)


def map_unique_lists(values: StrArray, fn: Callable[[str], Optional[str]]) -> pa.Array:
    """`map_unique` over every element of a list<string> column, keeping list shape.

    Null elements and elements that normalise to null are dropped from each list; a
    null list stays null.
    """
    if isinstance(values, pa.ChunkedArray):
        values = (
            values.combine_chunks()
            if values.num_chunks
            else pa.array([], pa.list_(pa.string()))
        )
    if pa.types.is_null(values.type):
        return pa.nulls(len(values), pa.list_(pa.string()))
    flat = values.flatten()
    parents = pc.list_parent_indices(values)
    mapped = map_unique(flat, fn)
    keep = pc.is_valid(mapped)
    mapped = mapped.filter(keep)
    parents = parents.filter(keep).to_numpy(zero_copy_only=False)
    counts = np.bincount(parents, minlength=len(values)) if len(parents) else np.zeros(
        len(values), dtype=np.int64
    )
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return pa.ListArray.from_arrays(
        pa.array(offsets), mapped, mask=pc.is_null(values)
    )
