"""Random pairs over the whole comparison space, from which u is estimated.

The comparison space is every pair of parties that could be one party: persons with
persons, businesses with businesses, and parties of unknown kind with either. Pairs
are drawn from parties sorted by ref with a fixed seed, so the same set of records
gives the same sample whatever order it arrives in.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .parties import BUSINESS, PERSON


def comparison_space(party_types: pa.Array | pa.ChunkedArray) -> int:
    """How many pairs of these parties could be one party.

    >>> comparison_space(pa.array(["person", "person", "business", "unknown"]))
    4
    """
    types = np.asarray(pc.fill_null(party_types, "unknown").to_numpy(zero_copy_only=False))
    persons = int((types == PERSON).sum())
    businesses = int((types == BUSINESS).sum())
    unknown = len(types) - persons - businesses
    pairs = lambda k: k * (k - 1) // 2  # noqa: E731
    return pairs(persons) + pairs(businesses) + pairs(unknown) + unknown * (persons + businesses)


def random_pairs(
    party_types: pa.Array | pa.ChunkedArray, max_pairs: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Row indices `(left, right)` of up to `max_pairs` pairs drawn uniformly from the
    comparison space; every pair once when it holds no more than that."""
    types = np.asarray(pc.fill_null(party_types, "unknown").to_numpy(zero_copy_only=False))
    n = len(types)
    empty = np.zeros(0, dtype=np.int64)
    if n < 2:
        return empty, empty
    is_person, is_business = types == PERSON, types == BUSINESS
    if n * (n - 1) // 2 <= max_pairs:
        left, right = np.triu_indices(n, 1)
    else:
        # Drawn with replacement, as Splink does: over a space this large a repeat is
        # rare and changes no frequency.
        rng = np.random.default_rng(seed)
        draws = int(max_pairs * 1.5) + 16  # room for the pairs dropped below
        a, b = rng.integers(0, n, draws), rng.integers(0, n, draws)
        keep = a != b
        left, right = np.minimum(a, b)[keep], np.maximum(a, b)[keep]
    compatible = ~((is_person[left] & is_business[right]) | (is_business[left] & is_person[right]))
    left, right = left[compatible][:max_pairs], right[compatible][:max_pairs]
    return left.astype(np.int64), right.astype(np.int64)
