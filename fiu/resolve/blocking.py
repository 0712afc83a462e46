"""Candidate pairs: parties that share a block key, found inside stable hash buckets.

Each party gets several block keys (`t:` phone, `e:` e-mail, `w:` web host, `a:`
address key, `n:` its first name token with each later one, `p:` their sound codes,
`d:` date of birth with the initial of any name word, `l:` each word of a person's
name with the postal code, or the city where there is none). A key's bucket is
`zlib.crc32(key) % buckets`, so a whole block lands in one bucket on every worker, and
Beam shuffles one batch per bucket rather than one element per block. Inside a bucket, every block of at most `max_block_size` members gives all
its pairs; bigger blocks are skipped and counted.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..buckets import bucket_of
from ..contract import REF
from ..normalize.names import phonetic
from .parties import BUSINESS, PERSON
from .settings import MatchSettings

BLOCK_KEY = "block_key"

# --- block keys ------------------------------------------------------------------------


def _name_keys(marked_name: str, want_tokens: bool, want_phonetic: bool) -> list[str]:
    """Name block keys of `P|john smith` (person) or `B|golden lotus spa` (business).

    A person's keys pair the first token with each later one, sorted (so order does
    not matter, and `maria garcia lopez` meets `maria garcia`); a one-word name (most
    ads) gets none, it would only gather every "Candy". A business's key is its whole
    name, since trade words ("spa") are shared widely.

    >>> _name_keys("P|maria garcia lopez", True, False)
    ['n:garcia maria', 'n:lopez maria']
    """
    kind, _, name = marked_name.partition("|")
    tokens = name.split()
    if kind == "B":
        groups = [tokens] if tokens else []
    else:
        groups = [sorted({tokens[0], t}) for t in tokens[1:4] if t != tokens[0]]
    keys = []
    for parts in groups:
        if want_tokens:
            keys.append("n:" + " ".join(parts))
        if want_phonetic:
            codes = [phonetic(t) for t in parts]
            if all(codes):
                keys.append("p:" + " ".join(codes))
    return list(dict.fromkeys(keys))


def _place_keys(marked: str) -> list[str]:
    """`l:` keys of `john smith|78701`: each name token of a person with the place, so
    that a typo in one part of a name still meets the other part in the same place.

    >>> _place_keys("P|jon smith|78701")
    ['l:jon|78701', 'l:smith|78701']
    """
    kind, name, place = marked.split("|", 2)
    if kind != "P" or not place:
        return []
    return [f"l:{t}|{place}" for t in dict.fromkeys(name.split()[:4])]


def _dictionary_keys(
    values: pa.Array, rows: np.ndarray, make: Callable[[str], list[str]]
) -> tuple[np.ndarray, pa.Array]:
    """`make` over each distinct value once; `(row, key)` for every key of every row."""
    encoded = pc.dictionary_encode(values)
    per_value = [make(v) for v in encoded.dictionary.to_pylist()]
    lengths = np.array([len(k) for k in per_value], dtype=np.int64)
    key_values = pa.array([k for ks in per_value for k in ks], pa.string())
    starts = np.concatenate([[0], np.cumsum(lengths)])[:-1]
    valid = ~np.asarray(pc.is_null(encoded.indices))
    codes = encoded.indices.to_numpy(zero_copy_only=False)[valid].astype(np.int64)
    rows = rows[valid]
    repeat = lengths[codes]
    take = np.repeat(starts[codes], repeat) + _ranges(repeat)
    return np.repeat(rows, repeat), key_values.take(pa.array(take, pa.int64()))


def _prefixed(prefix: str, values: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(pa.scalar(prefix), values, "")


def party_keys(parties: pa.RecordBatch, settings: MatchSettings) -> pa.Table:
    """`(row, key)` for every block key of every party, each pair once, sorted.

    >>> from fiu.resolve.settings import DEFAULT_SETTINGS
    >>> batch = pa.RecordBatch.from_pylist([{"names": ["john smith"], "party_type": "person",
    ...     "phone_norm": "+15125550100", "date_of_birth": "1990-01-02"}])
    >>> party_keys(batch, DEFAULT_SETTINGS)["key"].to_pylist()
    ['d:1990-01-02:j', 'n:john smith', 'p:JN SM0', 't:+15125550100']
    """
    wanted = set(settings.blocking_keys)
    n = parties.num_rows
    rows: list[np.ndarray] = []
    keys: list[pa.Array] = []
    for name, prefix, column in (
        ("phone", "t:", "phone_norm"),
        ("email", "e:", "email_norm"),
        ("address", "a:", "address_key"),
        ("website", "w:", "website"),
    ):
        if name in wanted and column in parties.schema.names:
            rows.append(np.arange(n))
            keys.append(_prefixed(prefix, parties.column(column).cast(pa.string())))
    names = parties.column("names")
    flat = names.flatten()
    if flat.type != pa.string():
        flat = flat.cast(pa.string())
    if "date_of_birth" in wanted and "date_of_birth" in parties.schema.names:
        # A date of birth with the initial of any word of any own name: a given name
        # may be recorded as another one, and still the surname's initial is shared.
        # (A date alone makes blocks of N / 20,000: too many pairs at scale.)
        words = pc.utf8_split_whitespace(flat)
        word_rows = pc.list_parent_indices(names).to_numpy(zero_copy_only=False)[
            pc.list_parent_indices(words).to_numpy(zero_copy_only=False)
        ]
        initials = pc.utf8_slice_codeunits(words.flatten(), 0, 1)
        dob = parties.column("date_of_birth").cast(pa.string())
        rows.append(word_rows)
        keys.append(pc.binary_join_element_wise(
            "d", dob.take(pa.array(word_rows, pa.int64())), initials, ":"))
    want_tokens = "name_tokens" in wanted
    want_phonetic = "name_phonetic" in wanted
    name_rows = pc.list_parent_indices(names)
    marker = pc.if_else(
        pc.equal(parties.column("party_type").take(name_rows), BUSINESS), "B", "P"
    )
    name_rows_np = name_rows.to_numpy(zero_copy_only=False)
    if want_tokens or want_phonetic:
        key_rows, key_values = _dictionary_keys(
            pc.binary_join_element_wise(marker, flat, "|"), name_rows_np,
            lambda v: _name_keys(v, want_tokens, want_phonetic),
        )
        rows.append(key_rows)
        keys.append(key_values)
    if "name_place" in wanted and "postal_code" in parties.schema.names:
        # Each name part in the postal code (the city where there is none): a slip in
        # one part of the name still leaves one of these keys shared.
        place = pc.coalesce(parties.column("postal_code"), parties.column("city"))
        marked = pc.binary_join_element_wise(
            marker, flat, pc.fill_null(place.take(name_rows), ""), "|"
        )
        key_rows, key_values = _dictionary_keys(marked, name_rows_np, _place_keys)
        rows.append(key_rows)
        keys.append(key_values)
    if not rows:
        return pa.table({"row": pa.array([], pa.int64()), "key": pa.array([], pa.string())})
    table = pa.table(
        {
            "row": np.concatenate(rows).astype(np.int64),
            "key": pa.concat_arrays([k.cast(pa.string()) for k in keys]),
        }
    )
    table = table.filter(pc.is_valid(table["key"]))
    table = table.group_by(["row", "key"], use_threads=False).aggregate([])
    return table.sort_by([("row", "ascending"), ("key", "ascending")])


def _ranges(lengths: np.ndarray) -> np.ndarray:
    """`[0..l0), [0..l1), …` concatenated: positions within each run."""
    if len(lengths) == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    return np.arange(ends[-1]) - np.repeat(ends - lengths, lengths)


def block_rows(parties: pa.RecordBatch, settings: MatchSettings) -> pa.RecordBatch:
    """One row per (party, block key): the party's columns plus `block_key`."""
    keyed = party_keys(parties, settings)
    rows = parties.take(keyed["row"].combine_chunks())
    return rows.append_column(BLOCK_KEY, keyed["key"].combine_chunks())


def bucketed_blocks(
    parties: pa.RecordBatch, settings: MatchSettings
) -> Iterator[tuple[int, pa.RecordBatch]]:
    """`(bucket, block rows)` for every bucket this batch of parties has keys in."""
    rows = block_rows(parties, settings)
    if rows.num_rows == 0:
        return
    buckets = bucket_of(rows.column(BLOCK_KEY), settings.buckets)
    order = np.argsort(buckets, kind="stable")
    sorted_buckets = buckets[order]
    edges = np.flatnonzero(np.diff(sorted_buckets)) + 1
    for part in np.split(order, edges):
        yield int(buckets[part[0]]), rows.take(pa.array(part, pa.int64()))


# --- pairs inside one bucket -----------------------------------------------------------


@dataclass(frozen=True)
class BlockingCounts:
    """What blocking did in one bucket (or everywhere); adds up across buckets."""

    blocks: int = 0
    blocks_compared: int = 0
    blocks_skipped: int = 0
    rows_in_skipped_blocks: int = 0
    pairs_generated: int = 0
    largest_block_compared: int = 0

    def __add__(self, other: "BlockingCounts") -> "BlockingCounts":
        return BlockingCounts(
            self.blocks + other.blocks,
            self.blocks_compared + other.blocks_compared,
            self.blocks_skipped + other.blocks_skipped,
            self.rows_in_skipped_blocks + other.rows_in_skipped_blocks,
            self.pairs_generated + other.pairs_generated,
            max(self.largest_block_compared, other.largest_block_compared),
        )

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def candidate_pairs(
    rows: pa.RecordBatch, settings: MatchSettings
) -> tuple[np.ndarray, np.ndarray, BlockingCounts]:
    """Row indices `(left, right)` of every distinct pair of parties sharing a block,
    left ref < right ref, person never paired with business, plus the counts.

    `rows` holds whole blocks (one bucket's block rows, or all of them). Blocks bigger
    than `settings.max_block_size` are skipped.
    """
    empty = np.zeros(0, dtype=np.int64)
    if rows.num_rows == 0:
        return empty, empty, BlockingCounts()
    encoded = pc.dictionary_encode(rows.column(BLOCK_KEY))
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    sizes = np.bincount(codes)
    order = np.argsort(codes, kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)])[:-1]
    compared = (sizes >= 2) & (sizes <= settings.max_block_size)
    skipped = sizes > settings.max_block_size
    lefts, rights = [], []
    for size in np.unique(sizes[compared]):
        block_starts = starts[compared & (sizes == size)]
        upper_i, upper_j = np.triu_indices(int(size), 1)
        lefts.append(order[(block_starts[:, None] + upper_i[None, :]).ravel()])
        rights.append(order[(block_starts[:, None] + upper_j[None, :]).ravel()])
    left = np.concatenate(lefts) if lefts else empty
    right = np.concatenate(rights) if rights else empty
    counts = BlockingCounts(
        blocks=int(len(sizes)),
        blocks_compared=int(compared.sum()),
        blocks_skipped=int(skipped.sum()),
        rows_in_skipped_blocks=int(sizes[skipped].sum()),
        pairs_generated=int(len(left)),
        largest_block_compared=int(sizes[compared].max()) if compared.any() else 0,
    )
    if len(left) == 0:
        return empty, empty, counts
    # Work on integer ranks of the refs (rank order is ref order), not on strings.
    refs = rows.column(REF)
    distinct = pc.unique(refs)
    distinct = distinct.take(pc.array_sort_indices(distinct))
    rank = pc.index_in(refs, value_set=distinct).to_numpy(zero_copy_only=False)
    rank = rank.astype(np.int64)
    swap = rank[left] > rank[right]
    left, right = np.where(swap, right, left), np.where(swap, left, right)
    types = rows.column("party_type")
    is_person = np.asarray(pc.fill_null(pc.equal(types, PERSON), False))
    is_business = np.asarray(pc.fill_null(pc.equal(types, BUSINESS), False))
    person_business = (is_person[left] & is_business[right]) | (
        is_business[left] & is_person[right]
    )
    keep = ~person_business & (rank[left] != rank[right])
    left, right = left[keep], right[keep]
    # A pair sharing several keys of this bucket is found once per key; keep the first
    # (lowest row indices), as `min` over rows would.
    code = rank[left] * len(distinct) + rank[right]
    order = np.lexsort((right, left, code))
    first = np.ones(len(order), dtype=bool)
    first[1:] = code[order][1:] != code[order][:-1]
    chosen = order[first]
    return left[chosen], right[chosen], counts
