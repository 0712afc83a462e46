"""Comparison levels kept from the last weekly run, so that a run scores only the
candidate pairs that touch new or changed records.

A pair's levels are a function of its two party rows (without their `*_tf` columns),
the matching settings and the comparison code, nothing else: not of other records,
block sizes, judgements or the model. So each candidate pair is keyed by a 128-bit
digest of both parties' refs and compared content (`with_fingerprints`), and the
kept levels carry a digest of the settings and the code (`levels_digest`). Blocking
runs as ever (which pairs are candidates depends on the whole store: block size caps);
a candidate whose key is kept reuses its levels, the others are compared; the
frequency of what a pair shares is read from the current records every run
(`comparison_frequencies`), since frequencies move as records arrive. A withdrawn or
changed record gives no kept key, and the kept table holds only this run's
candidates, so it stays the size of one run's pairs.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import rapidfuzz

from ..io.writers import write_parquet
from . import compare
from .blocking import BlockingCounts, candidate_pairs
from .frequencies import TF_SUFFIX
from .parties import PARTY_SCHEMA
from .settings import MatchSettings

KEPT_LEVELS = "pair_levels.parquet"
FINGERPRINT = ("fingerprint_a", "fingerprint_b")
KEY_A, KEY_B = "key_a", "key_b"
_DIGEST = b"levels_digest"
_HASH_KEYS = ("fiu-levels-0001a", "fiu-levels-0002b")


def levels_digest(settings: MatchSettings) -> str:
    """What levels depend on besides the two records: the settings (not the id key),
    the comparison code and the versions of the libraries it calls."""
    record = asdict(settings)
    record.pop("id_key", None)
    text = json.dumps(record, sort_keys=True, default=str)
    text += Path(compare.__file__).read_text(encoding="utf-8")
    text += " ".join((rapidfuzz.__version__, pa.__version__, np.__version__))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _text(column: pa.Array) -> pa.Array:
    """A column as text that keeps null apart from "" (and a list's items apart)."""
    if pa.types.is_list(column.type):
        items = pc.fill_null(column.flatten().cast(pa.string()), "\x00")
        offsets = pc.subtract(column.offsets, column.offsets[0])
        joined = pc.binary_join(pa.ListArray.from_arrays(offsets, items), "\x1f")
        column = pc.if_else(pc.is_null(column), pa.scalar(None, pa.string()), joined)
    column = column.cast(pa.string())
    return pc.if_else(pc.is_null(column), "\x00", pc.binary_join_element_wise("\x01", column, ""))


def with_fingerprints(parties: pa.RecordBatch) -> pa.RecordBatch:
    """Parties plus two uint64 columns: a 128-bit digest of each one's ref and every
    `PARTY_SCHEMA` column (what comparisons may read; not the `*_tf` columns)."""
    row = pc.binary_join_element_wise(
        *[_text(parties.column(f.name)) for f in PARTY_SCHEMA], "\x1e")
    values = np.asarray(row.to_numpy(zero_copy_only=False), dtype=object)
    halves = [pa.array(pd.util.hash_array(values, hash_key=k, categorize=False), pa.uint64())
              for k in _HASH_KEYS]
    return pa.RecordBatch.from_arrays(
        [*parties.columns, *halves], names=[*parties.schema.names, *FINGERPRINT])


def _mix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """An ordered pair of 64-bit digests as one (splitmix64's finaliser)."""
    with np.errstate(over="ignore"):
        z = a ^ (b * np.uint64(0x9E3779B97F4A7C15) + np.uint64(0x632BE59BD9B4E019))
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def pair_keys(rows: pa.RecordBatch, left: np.ndarray, right: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """The two 64-bit halves of each pair's key (left ref < right ref, as blocking
    orders them), from the rows' fingerprints."""
    halves = [rows.column(name).to_numpy() for name in FINGERPRINT]
    return tuple(_mix(h[left], h[right]) for h in halves)


@dataclass(frozen=True)
class KeptLevels:
    """Levels by pair key, sorted by the key's first half."""

    key_a: np.ndarray
    key_b: np.ndarray
    levels: np.ndarray  # pairs × comparisons, int8

    @classmethod
    def empty(cls, settings: MatchSettings) -> "KeptLevels":
        return cls._none(len(settings.comparisons))

    @classmethod
    def _none(cls, comparisons: int) -> "KeptLevels":
        none = np.zeros(0, np.uint64)
        return cls(none, none, np.zeros((0, comparisons), np.int8))

    def find(self, key_a: np.ndarray, key_b: np.ndarray) -> np.ndarray:
        """Row of each key in the kept levels, -1 where it is not kept. Both halves
        must agree; a first half kept twice can only miss (and be compared anew)."""
        order = np.argsort(key_a)  # sorted queries: searchsorted stays in cache
        at = np.empty(len(key_a), np.int64)
        at[order] = np.searchsorted(self.key_a, key_a[order])
        inside = np.minimum(at, max(len(self.key_a) - 1, 0))
        found = (at < len(self.key_a)) & (self.key_a[inside] == key_a) & (
            self.key_b[inside] == key_b) if len(self.key_a) else np.zeros(len(key_a), bool)
        return np.where(found, at, -1)


def kept_table(batches: Iterable[pa.RecordBatch], settings: MatchSettings) -> pa.Table:
    """This run's keys and levels as one table, each pair once, sorted by key, with
    the levels digest in its metadata."""
    names = [KEY_A, KEY_B, *(c.name for c in settings.comparisons)]
    schema = pa.schema([(KEY_A, pa.uint64()), (KEY_B, pa.uint64())]
                       + [(c.name, pa.int8()) for c in settings.comparisons])
    table = pa.Table.from_batches([b.select(names) for b in batches], schema=schema)
    table = table.combine_chunks()
    a, b = table[KEY_A].to_numpy(), table[KEY_B].to_numpy()
    order = np.lexsort((b, a))
    first = np.ones(len(order), bool)
    first[1:] = (a[order][1:] != a[order][:-1]) | (b[order][1:] != b[order][:-1])
    table = table.take(pa.array(order[first], pa.int64()))
    return table.replace_schema_metadata({_DIGEST: levels_digest(settings).encode()})


def write_kept(path: str | Path, batches: Iterable[pa.RecordBatch],
               settings: MatchSettings) -> int:
    """Write this run's kept levels (`kept_table`); the number of pairs."""
    table = kept_table(batches, settings)
    write_parquet(Path(path), table)
    return table.num_rows


def read_kept(path: Optional[str | Path], settings: MatchSettings) -> KeptLevels:
    """The kept levels of the last run; none when there are none (an older state) or
    they were made under other settings or code."""
    if not path or not Path(path).is_file():
        return KeptLevels.empty(settings)
    stat = Path(path).stat()
    return _read(str(path), stat.st_mtime_ns, stat.st_size, levels_digest(settings),
                 tuple(c.name for c in settings.comparisons))


@lru_cache(maxsize=2)
def _read(path: str, _mtime: int, _size: int, digest: str, names: tuple[str, ...]
          ) -> KeptLevels:
    """Read once per process, however many workers' steps ask for it."""
    table = pq.read_table(path)
    meta = table.schema.metadata or {}
    if meta.get(_DIGEST, b"").decode() != digest or any(
            n not in table.schema.names for n in names):
        return KeptLevels._none(len(names))
    levels = np.column_stack([table[n].to_numpy() for n in names]).astype(np.int8)
    return KeptLevels(table[KEY_A].to_numpy(), table[KEY_B].to_numpy(), levels)


def pair_levels_reusing(
    rows: pa.RecordBatch, settings: MatchSettings, kept: KeptLevels
) -> tuple[pa.RecordBatch, BlockingCounts, pa.RecordBatch]:
    """`compare.pair_levels` of block rows that carry fingerprints, comparing only
    the pairs whose levels are not kept; and this run's keys and levels to keep."""
    left, right, counts = candidate_pairs(rows, settings)
    key_a, key_b = pair_keys(rows, left, right)
    found = kept.find(key_a, key_b)
    hit = found >= 0
    fresh = compare.row_pair_levels(rows, left[~hit], right[~hit], settings)
    tf_comparisons = [c for c in settings.comparisons if c.term_frequency]
    levels: dict[str, np.ndarray] = {}
    for i, c in enumerate(settings.comparisons):
        column = np.empty(len(left), np.int8)
        column[hit], column[~hit] = kept.levels[found[hit], i], fresh[c.name]
        levels[c.name] = column
    # Kept pairs at some exact level need the frequency of what they share, now.
    exact = np.zeros(len(left), bool)
    for c in tf_comparisons:
        exact |= levels[c.name] == c.n_levels - 1
    again = np.flatnonzero(hit & exact)
    read = {n for c in tf_comparisons for n in (c.field, c.field + TF_SUFFIX)}
    columns = rows.select([n for n in rows.schema.names if n in read])
    frequencies = compare.comparison_frequencies(
        columns.take(pa.array(left[again], pa.int64())),
        columns.take(pa.array(right[again], pa.int64())),
        {name: values[again] for name, values in levels.items()}, settings,
    )
    for c in tf_comparisons:
        name = compare.tf_column(c)
        column = np.full(len(left), np.nan)
        column[~hit] = fresh[name]
        column[again] = frequencies[name]
        levels[name] = column
    pairs = compare.pairs_batch(rows, left, right, levels, settings)
    keep = pa.RecordBatch.from_arrays(
        [pa.array(key_a, pa.uint64()), pa.array(key_b, pa.uint64())]
        + [pa.array(levels[c.name], pa.int8()) for c in settings.comparisons],
        names=[KEY_A, KEY_B, *(c.name for c in settings.comparisons)])
    return pairs, counts, keep
