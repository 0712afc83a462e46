"""Stable buckets for keyed shuffles: the same key lands in the same bucket on every
worker and every run (built-in `hash()` is salted per process and would not)."""
from __future__ import annotations

import zlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def bucket_of(keys: pa.Array | pa.ChunkedArray, buckets: int) -> np.ndarray:
    """`zlib.crc32(key) % buckets` per key, computed once per distinct key.

    >>> bucket_of(pa.array(["t:+15125550100"]), 64).tolist()
    [19]
    """
    if isinstance(keys, pa.ChunkedArray):
        keys = keys.combine_chunks() if keys.num_chunks else pa.array([], pa.string())
    encoded = pc.dictionary_encode(keys)
    per_key = np.array(
        [zlib.crc32(k.encode("utf-8")) % buckets for k in encoded.dictionary.to_pylist()],
        dtype=np.int64,
    )
    return per_key[encoded.indices.to_numpy(zero_copy_only=False)]
