"""Stable buckets for keyed shuffles: the same key lands in the same bucket on every
worker and every run (built-in `hash()` is salted per process and would not)."""
from __future__ import annotations

import zlib

import numpy as np
import pyarrow as pa

from fiu.normalize.unique import map_unique


def bucket_of(keys: pa.Array | pa.ChunkedArray, buckets: int) -> np.ndarray:
    """`zlib.crc32(key) % buckets` per key, computed once per distinct key.

    >>> bucket_of(pa.array(["t:+15125550100"]), 64).tolist()
    [19]
    """
    crc = map_unique(keys, lambda k: zlib.crc32(k.encode("utf-8")) % buckets, pa.int64())
    return crc.to_numpy(zero_copy_only=False)
