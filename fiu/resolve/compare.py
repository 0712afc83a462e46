"""Comparison levels of candidate pairs, one small int column per comparison.

Each method scores a pair in [0, 1] (NaN when either side is missing), vectorised with
`rapidfuzz.process.cpdist` over the pair arrays; the comparison's thresholds then cut
the score into levels (see `settings.py`).
"""
from __future__ import annotations

from typing import Callable, Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from ..contract import REF
from .blocking import BlockingCounts, candidate_pairs
from .parties import BUSINESS
from .settings import Comparison, MatchSettings

LEFT_REF, RIGHT_REF = "left_ref", "right_ref"
BUSINESS_PAIR = "business_pair"
NULL_LEVEL = -1

Scorer = Callable[[pa.RecordBatch, pa.RecordBatch, str], np.ndarray]


def _strings(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Strings as a numpy object array with "" for null, and the null mask."""
    missing = np.asarray(pc.is_null(values).to_numpy(zero_copy_only=False), dtype=bool)
    filled = pc.fill_null(values.cast(pa.string()), "")
    return np.asarray(filled.to_numpy(zero_copy_only=False), dtype=object), missing


def exact_score(left: pa.Array, right: pa.Array) -> np.ndarray:
    """1.0 equal, 0.0 different, NaN when either is missing."""
    equal = pc.equal(left.cast(pa.string()), right.cast(pa.string()))
    return np.asarray(pc.cast(equal, pa.float64()).to_numpy(zero_copy_only=False), dtype=float)


def jaro_winkler_score(left: pa.Array, right: pa.Array) -> np.ndarray:
    """Jaro-Winkler similarity in [0, 1]; NaN when either is missing."""
    a, a_missing = _strings(left)
    b, b_missing = _strings(right)
    if len(a) == 0:
        return np.zeros(0)
    score = process.cpdist(a, b, scorer=JaroWinkler.normalized_similarity, workers=1)
    score = np.asarray(score, dtype=float)
    score[a_missing | b_missing] = np.nan
    return score


def address_score(left: pa.Array, right: pa.Array) -> np.ndarray:
    """Jaro-Winkler of the street lines of two address keys (`line|place`) whose places
    agree or cannot be told apart (a ZIP on one side, a city on the other, or none);
    0.0 when the places differ; NaN when either is missing.

    >>> address_score(pa.array(["12 MAIN ST|78701", "12 MAIN ST|78701", "12 MAIN ST|"]),
    ...               pa.array(["12 MAIN ST|AUSTIN TX", "12 MAIN ST|78702", "12 MAN ST|78701"])
    ...               ).round(2).tolist()
    [1.0, 0.0, 0.98]
    """
    def parts(values: pa.Array) -> tuple[pa.Array, pa.Array]:
        split = pc.split_pattern(values.cast(pa.string()), "|", max_splits=1)
        return pc.list_element(split, 0), pc.list_element(split, 1)

    left_line, left_place = parts(left)
    right_line, right_place = parts(right)
    is_zip = r"^[0-9]{5}$"
    left_zip = pc.match_substring_regex(left_place, is_zip)
    right_zip = pc.match_substring_regex(right_place, is_zip)
    unknown = pc.or_(pc.equal(left_place, ""), pc.equal(right_place, ""))
    compatible = pc.or_(
        pc.or_(pc.equal(left_place, right_place), unknown),
        pc.not_equal(left_zip, right_zip),
    )
    score = jaro_winkler_score(left_line, right_line)
    ok = np.asarray(pc.fill_null(compatible, True).to_numpy(zero_copy_only=False), dtype=bool)
    return np.where(ok | np.isnan(score), score, 0.0)


def _jw(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray(
        process.cpdist(a, b, scorer=JaroWinkler.normalized_similarity, workers=1), dtype=float
    )


def _ends(names: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last token of each name (the same token for a one-word name)."""
    values = pa.array(names, pa.string())
    first = pc.struct_field(pc.extract_regex(values, r"^(?P<t>\S+)"), [0])
    last = pc.struct_field(pc.extract_regex(values, r"(?P<t>\S+)$"), [0])

    def filled(a: pa.Array) -> np.ndarray:
        return np.asarray(pc.fill_null(a, "").to_numpy(zero_copy_only=False), dtype=object)

    return filled(first), filled(last)


def person_similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Similarity of two person names by their weakest part: first and last tokens
    compared pairwise (either order), so `olga watson` / `elena watson` (a household)
    scores low while `jon smith` / `john smith` scores high; a one-word name (an ad)
    matches either end of the other; an initial matches its name at 0.9.

    >>> person_similarity(np.array(["olga watson", "john smith", "j smith", "candy"]),
    ...                   np.array(["elena watson", "smith john", "john smith", "candy lee"])
    ...                   ).round(2).tolist()
    [0.63, 1.0, 0.9, 1.0]
    """
    first_a, last_a = _ends(a)
    first_b, last_b = _ends(b)
    ff, ll = _jw(first_a, first_b), _jw(last_a, last_b)
    fl, lf = _jw(first_a, last_b), _jw(last_a, first_b)
    initial = (
        ((np.char.str_len(first_a.astype(str)) == 1) | (np.char.str_len(first_b.astype(str)) == 1))
        & (np.array([x[:1] for x in first_a]) == np.array([x[:1] for x in first_b]))
    )
    ff = np.where(initial, np.maximum(ff, 0.9), ff)
    score = np.maximum(np.minimum(ff, ll), np.minimum(fl, lf))
    single_a = first_a == last_a
    single_b = first_b == last_b
    score = np.where(single_a & ~single_b, np.maximum(ff, fl), score)
    score = np.where(single_b & ~single_a, np.maximum(ff, lf), score)
    return np.where(single_a & single_b, ff, score)


def business_similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Best of Jaro-Winkler and token-sort ratio over the whole business name."""
    tokens = process.cpdist(a, b, scorer=fuzz.token_sort_ratio, workers=1) / 100.0
    return np.maximum(_jw(a, b), np.asarray(tokens, dtype=float))


def name_score(left: pa.RecordBatch, right: pa.RecordBatch, field: str) -> np.ndarray:
    """Best name similarity over every own name × own name of the pair (list columns),
    person or business rules by the pair's party types; NaN when a side has no name.
    """
    n = left.num_rows
    if n == 0:
        return np.zeros(0)
    left_names, right_names = left.column(field), right.column(field)
    left_len = pc.fill_null(pc.list_value_length(left_names), 0).to_numpy().astype(np.int64)
    right_len = pc.fill_null(pc.list_value_length(right_names), 0).to_numpy().astype(np.int64)
    left_flat = np.asarray(left_names.flatten().to_numpy(zero_copy_only=False), dtype=object)
    right_flat = np.asarray(right_names.flatten().to_numpy(zero_copy_only=False), dtype=object)
    left_start = np.concatenate([[0], np.cumsum(left_len)])[:-1]
    right_start = np.concatenate([[0], np.cumsum(right_len)])[:-1]
    combos = left_len * right_len
    pair = np.repeat(np.arange(n), combos)
    within = np.arange(combos.sum()) - np.repeat(np.cumsum(combos) - combos, combos)
    width = np.maximum(right_len[pair], 1)
    left_idx = left_start[pair] + within // width
    right_idx = right_start[pair] + within % width
    business = np.asarray(
        pc.or_(
            pc.equal(left.column("party_type"), BUSINESS),
            pc.equal(right.column("party_type"), BUSINESS),
        ).to_numpy(zero_copy_only=False),
        dtype=bool,
    )[pair]
    score = np.full(n, np.nan)
    if len(pair):
        a, b = left_flat[left_idx], right_flat[right_idx]
        similarity = np.zeros(len(pair))
        if business.any():
            similarity[business] = business_similarity(a[business], b[business])
        if (~business).any():
            similarity[~business] = person_similarity(a[~business], b[~business])
        has = combos > 0
        score[has] = np.maximum.reduceat(similarity, (np.cumsum(combos) - combos)[has])
    return score


def date_score(left: pa.Array, right: pa.Array) -> np.ndarray:
    """1.0 same ISO date; 0.5 when two of year, month, day agree or day and month are
    swapped (a typing slip); 0.0 else; NaN when either is missing.

    >>> date_score(pa.array(["1990-01-02", "1990-02-01", "1990-01-03", "1985-06-07"]),
    ...            pa.array(["1990-01-02", "1990-01-02", "1990-01-02", None])).tolist()
    [1.0, 0.5, 0.5, nan]
    """
    left, right = left.cast(pa.string()), right.cast(pa.string())

    def part(values: pa.Array, start: int, stop: int) -> pa.Array:
        return pc.utf8_slice_codeunits(values, start, stop)

    ly, lm, ld = part(left, 0, 4), part(left, 5, 7), part(left, 8, 10)
    ry, rm, rd = part(right, 0, 4), part(right, 5, 7), part(right, 8, 10)

    def eq(a: pa.Array, b: pa.Array) -> np.ndarray:
        return np.asarray(pc.fill_null(pc.equal(a, b), False).to_numpy(zero_copy_only=False))

    same_y, same_m, same_d = eq(ly, ry), eq(lm, rm), eq(ld, rd)
    swapped = same_y & eq(lm, rd) & eq(ld, rm)
    agree = same_y.astype(int) + same_m + same_d
    score = np.where(agree == 3, 1.0, np.where((agree == 2) | swapped, 0.5, 0.0))
    missing = np.asarray(pc.or_(pc.is_null(left), pc.is_null(right)))
    score[missing] = np.nan
    return score


def _on_field(score: Callable[[pa.Array, pa.Array], np.ndarray]) -> Scorer:
    def scorer(left: pa.RecordBatch, right: pa.RecordBatch, field: str) -> np.ndarray:
        return score(left.column(field), right.column(field))

    scorer.__doc__ = score.__doc__
    return scorer


SCORERS: dict[str, Scorer] = {
    "exact": _on_field(exact_score),
    "jaro_winkler": _on_field(jaro_winkler_score),
    "name": name_score,
    "date": _on_field(date_score),
    "address": _on_field(address_score),
}


def levels_of(score: np.ndarray, comparison: Comparison) -> np.ndarray:
    """Scores cut at the comparison's thresholds: -1 missing, 0 else, +1 per threshold.

    >>> from fiu.resolve.settings import Comparison
    >>> c = Comparison("name", "names", "name", (0.80, 0.92, 1.0))
    >>> levels_of(np.array([1.0, 0.95, 0.85, 0.4, np.nan]), c).tolist()
    [3, 2, 1, 0, -1]
    """
    thresholds = np.asarray(comparison.thresholds, dtype=float) - 1e-9
    levels = np.searchsorted(thresholds, np.nan_to_num(score, nan=-1.0), side="right")
    levels = levels.astype(np.int8)
    levels[np.isnan(score)] = NULL_LEVEL
    return levels


def comparison_levels(
    left: pa.RecordBatch, right: pa.RecordBatch, settings: MatchSettings
) -> dict[str, np.ndarray]:
    """`{comparison name: int8 levels}` for the row-aligned parties `left` and `right`."""
    out = {}
    for comparison in settings.comparisons:
        score = SCORERS[comparison.method](left, right, comparison.field)
        out[comparison.name] = levels_of(score, comparison)
    return out


def pair_schema(settings: MatchSettings) -> pa.Schema:
    """`left_ref`, `right_ref`, `business_pair` and one int8 level column per
    comparison."""
    return pa.schema(
        [pa.field(LEFT_REF, pa.string()), pa.field(RIGHT_REF, pa.string()),
         pa.field(BUSINESS_PAIR, pa.bool_())]
        + [pa.field(c.name, pa.int8()) for c in settings.comparisons]
    )


PAIR_CHUNK = 500_000


def pair_levels(
    rows: pa.RecordBatch, settings: MatchSettings
) -> tuple[pa.RecordBatch, BlockingCounts]:
    """Candidate pairs among block rows, with their comparison levels, and the counts.

    Pairs are scored `PAIR_CHUNK` at a time: the strings of a chunk's pairs are
    materialised for rapidfuzz, then only their int8 levels are kept, so memory stays
    bounded however many pairs the blocks give.
    """
    left, right, counts = candidate_pairs(rows, settings)
    needed = [REF, "party_type"] + sorted({c.field for c in settings.comparisons})
    rows = rows.select([n for n in dict.fromkeys(needed) if n in rows.schema.names])
    chunks = []
    for start in range(0, max(len(left), 1), PAIR_CHUNK):
        left_rows = rows.take(pa.array(left[start : start + PAIR_CHUNK], pa.int64()))
        right_rows = rows.take(pa.array(right[start : start + PAIR_CHUNK], pa.int64()))
        levels = comparison_levels(left_rows, right_rows, settings)
        business = pc.or_(
            pc.equal(left_rows.column("party_type"), BUSINESS),
            pc.equal(right_rows.column("party_type"), BUSINESS),
        )
        chunks.append(
            pa.RecordBatch.from_arrays(
                [left_rows.column(REF), right_rows.column(REF), pc.fill_null(business, False)]
                + [pa.array(levels[c.name], pa.int8()) for c in settings.comparisons],
                schema=pair_schema(settings),
            )
        )
    batch = pa.Table.from_batches(chunks, schema=pair_schema(settings)).combine_chunks()
    return (
        batch.to_batches()[0] if batch.num_rows
        else pa.RecordBatch.from_pylist([], schema=pair_schema(settings)),
        counts,
    )


def unique_pairs(batches: Iterable[pa.RecordBatch], settings: MatchSettings) -> pa.Table:
    """Pairs found in several buckets (they share several keys) kept once, sorted."""
    schema = pair_schema(settings)
    table = pa.Table.from_batches(list(batches), schema=schema)
    names = [c.name for c in settings.comparisons]
    table = table.group_by([LEFT_REF, RIGHT_REF], use_threads=False).aggregate(
        [(BUSINESS_PAIR, "min")] + [(name, "min") for name in names]
    )
    table = table.rename_columns(  # levels agree wherever a pair is found
        {f"{name}_min": name for name in [BUSINESS_PAIR, *names]}
    )
    table = table.select([LEFT_REF, RIGHT_REF, BUSINESS_PAIR, *names])
    return table.sort_by([(LEFT_REF, "ascending"), (RIGHT_REF, "ascending")]).cast(schema)
