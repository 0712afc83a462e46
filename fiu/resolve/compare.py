"""Comparison levels of candidate pairs, one small int column per comparison.

Each method scores a pair in [0, 1] (NaN when either side is missing; 1.0 only when
the values are equal), vectorised with `rapidfuzz.process.cpdist` over the pair
arrays; the comparison's thresholds then cut the score into levels (see
`settings.py`). A term-frequency comparison also gives, for pairs at its exact level,
the frequency of the value they share (`<comparison>_tf`).
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
from .frequencies import TF_SUFFIX
from .parties import BUSINESS
from .settings import Comparison, MatchSettings

LEFT_REF, RIGHT_REF = "left_ref", "right_ref"
NULL_LEVEL = -1

Scorer = Callable[[pa.RecordBatch, pa.RecordBatch, str], np.ndarray]


def tf_column(comparison: Comparison) -> str:
    """The pair column holding the shared value's frequency for `comparison`."""
    return comparison.name + TF_SUFFIX


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


def _jw(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray(
        process.cpdist(a, b, scorer=JaroWinkler.normalized_similarity, workers=1), dtype=float
    )


def _ends(names: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last token of each name (the same token for a one-word name)."""
    values = pc.fill_null(pa.array(names, pa.string()), "")

    def end(reverse: bool) -> np.ndarray:
        split = pc.utf8_split_whitespace(values, max_splits=1, reverse=reverse)
        offsets = split.offsets.to_numpy()
        flat = split.flatten()
        pick = offsets[1:] - 1 if reverse else offsets[:-1]
        ends = flat.take(pa.array(np.minimum(pick, max(len(flat) - 1, 0)), pa.int64()))
        ends = pc.if_else(pc.equal(pc.list_value_length(split), 0), "", ends) if len(flat) else values
        return np.asarray(ends.to_numpy(zero_copy_only=False), dtype=object)

    return end(False), end(True)


def person_similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Similarity of two person names by their weakest part: first and last tokens
    compared pairwise (either order), so `olga watson` / `elena watson` (a household)
    scores low (0.5 for the one part they share) while `jon smith` / `john smith`
    scores high; an initial matches its name at 0.9; a one-word name (an ad's) is a
    part of the other at most (0.85): one given name tells little about whose it is.

    >>> person_similarity(np.array(["olga watson", "john smith", "j smith", "candy"]),
    ...                   np.array(["elena watson", "smith john", "john smith", "candy lee"])
    ...                   ).round(2).tolist()
    [0.63, 1.0, 0.9, 0.85]
    >>> person_similarity(np.array(["olga watson"]), np.array(["olga smith"])).tolist()
    [0.5]
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
    # One part agreeing (a surname, a given name) is weaker evidence of its own.
    one_part = np.maximum(np.maximum(ff, ll), np.maximum(fl, lf)) >= 0.92
    score = np.where(one_part, np.maximum(score, 0.5), score)
    single_a = first_a == last_a
    single_b = first_b == last_b
    score = np.where(single_a & ~single_b, np.minimum(np.maximum(ff, fl), 0.85), score)
    score = np.where(single_b & ~single_a, np.minimum(np.maximum(ff, lf), 0.85), score)
    return np.where(single_a & single_b, ff, score)


def business_similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Best of Jaro-Winkler and token-sort ratio over the whole business name."""
    tokens = process.cpdist(a, b, scorer=fuzz.token_sort_ratio, workers=1) / 100.0
    return np.maximum(_jw(a, b), np.asarray(tokens, dtype=float))


def _codes(batch: pa.RecordBatch, n: int) -> np.ndarray:
    """The flattened `name_codes` of a batch ("" for all when it has none)."""
    if "name_codes" not in batch.schema.names:
        return np.full(n, "", dtype=object)
    return np.asarray(batch.column("name_codes").flatten().to_numpy(zero_copy_only=False), dtype=object)


def _initials(names: np.ndarray) -> np.ndarray:
    """The first letters of the first and last words of each name."""
    words = pa.array(names, pa.string())
    last = pc.replace_substring_regex(words, r"^.*\s", "")
    first_letters = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(words, 0, 1), pc.utf8_slice_codeunits(last, 0, 1), "")
    return np.asarray(first_letters.to_numpy(zero_copy_only=False), dtype=object)


def _name_combos(
    left: pa.RecordBatch, right: pa.RecordBatch, field: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every own name × own name of each pair (list columns): the pair of each combo,
    the positions of its two names in the flattened lists, those lists, and the number
    of combos of each pair."""
    left_names, right_names = left.column(field), right.column(field)
    left_len = pc.fill_null(pc.list_value_length(left_names), 0).to_numpy().astype(np.int64)
    right_len = pc.fill_null(pc.list_value_length(right_names), 0).to_numpy().astype(np.int64)
    left_flat = np.asarray(left_names.flatten().to_numpy(zero_copy_only=False), dtype=object)
    right_flat = np.asarray(right_names.flatten().to_numpy(zero_copy_only=False), dtype=object)
    left_start = np.concatenate([[0], np.cumsum(left_len)])[:-1]
    right_start = np.concatenate([[0], np.cumsum(right_len)])[:-1]
    combos = left_len * right_len
    pair = np.repeat(np.arange(left.num_rows), combos)
    within = np.arange(combos.sum()) - np.repeat(np.cumsum(combos) - combos, combos)
    width = np.maximum(right_len[pair], 1)
    left_idx = left_start[pair] + within // width
    right_idx = right_start[pair] + within % width
    return pair, left_idx, right_idx, left_flat, right_flat, combos


def _left_tf(left: pa.RecordBatch, field: str, n: int) -> np.ndarray:
    """The flattened `<field>_tf` of the left records (NaN for all when absent)."""
    tf_name = field + TF_SUFFIX
    if tf_name not in left.schema.names:
        return np.full(n, np.nan)
    return np.asarray(left.column(tf_name).flatten().to_numpy(zero_copy_only=False), dtype=float)


def _rarest_shared(
    equal: np.ndarray, left_tf: np.ndarray, combos: np.ndarray, n: int
) -> np.ndarray:
    """Per pair, the frequency of the rarest name it shares exactly (NaN when none)."""
    tf = np.full(n, np.nan)
    has = combos > 0
    if has.any():
        starts = (np.cumsum(combos) - combos)[has]
        rarest = np.minimum.reduceat(np.where(equal, left_tf, np.inf), starts)
        tf[has] = np.where(np.isfinite(rarest), rarest, np.nan)
    return tf


def shared_name_tf(left: pa.RecordBatch, right: pa.RecordBatch, field: str) -> np.ndarray:
    """`name_scores`' frequency alone: of the rarest name the pair shares exactly, read
    from the records' current `<field>_tf` (NaN when they share none)."""
    n = left.num_rows
    pair, left_idx, right_idx, left_flat, right_flat, combos = _name_combos(left, right, field)
    if not len(pair):
        return np.full(n, np.nan)
    equal = left_flat[left_idx] == right_flat[right_idx]
    return _rarest_shared(equal, _left_tf(left, field, len(left_flat))[left_idx], combos, n)


def name_scores(
    left: pa.RecordBatch, right: pa.RecordBatch, field: str
) -> tuple[np.ndarray, np.ndarray]:
    """Best name similarity over every own name × own name of the pair (list columns),
    person or business rules by the pair's party types, and the frequency of the name
    they share exactly (NaN when none). 1.0 means equal names; names that only sound
    alike (same metaphone and first letter of first and last word) score at least
    0.92; NaN when a side has no name.
    """
    n = left.num_rows
    if n == 0:
        return np.zeros(0), np.zeros(0)
    pair, left_idx, right_idx, left_flat, right_flat, combos = _name_combos(left, right, field)
    left_tf = _left_tf(left, field, len(left_flat))
    business = np.asarray(
        pc.or_(
            pc.equal(left.column("party_type"), BUSINESS),
            pc.equal(right.column("party_type"), BUSINESS),
        ).to_numpy(zero_copy_only=False),
        dtype=bool,
    )[pair]
    score = np.full(n, np.nan)
    tf = np.full(n, np.nan)
    if len(pair):
        a, b = left_flat[left_idx], right_flat[right_idx]
        similarity = np.zeros(len(pair))
        if business.any():
            similarity[business] = business_similarity(a[business], b[business])
        if (~business).any():
            similarity[~business] = person_similarity(a[~business], b[~business])
        equal = a == b
        similarity = np.where(equal, 1.0, np.minimum(similarity, 0.99))
        codes_a, codes_b = _codes(left, len(left_flat))[left_idx], _codes(right, len(right_flat))[right_idx]
        # Sounding alike counts where the words also begin alike, as Soundex and
        # NYSIIS keep the first letter: metaphone drops a silent one ("wright" and
        # "reed" are both RT).
        initials_alike = _initials(left_flat)[left_idx] == _initials(right_flat)[right_idx]
        sounds = (codes_a == codes_b) & (codes_a != "") & initials_alike
        similarity = np.where(sounds & ~equal, np.maximum(similarity, 0.92), similarity)
        has = combos > 0
        starts = (np.cumsum(combos) - combos)[has]
        score[has] = np.maximum.reduceat(similarity, starts)
        # The rarest name the pair shares exactly (the strongest evidence).
        tf = _rarest_shared(equal, left_tf[left_idx], combos, n)
    return score, tf


def name_score(left: pa.RecordBatch, right: pa.RecordBatch, field: str) -> np.ndarray:
    """`name_scores` without the frequencies."""
    return name_scores(left, right, field)[0]


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


def _column(batch: pa.RecordBatch, name: str) -> pa.Array:
    if name in batch.schema.names:
        return batch.column(name)
    return pa.nulls(batch.num_rows, pa.string())


def _equal(left: pa.RecordBatch, right: pa.RecordBatch, name: str) -> np.ndarray:
    same = pc.equal(_column(left, name), _column(right, name))
    return np.asarray(pc.fill_null(same, False).to_numpy(zero_copy_only=False), dtype=bool)


def _missing(left: pa.RecordBatch, right: pa.RecordBatch, name: str) -> np.ndarray:
    either = pc.or_(pc.is_null(_column(left, name)), pc.is_null(_column(right, name)))
    return np.asarray(either.to_numpy(zero_copy_only=False), dtype=bool)


def address_score(left: pa.RecordBatch, right: pa.RecordBatch, field: str) -> np.ndarray:
    """Where two records are, from fine to coarse, as one comparison: street line and
    place (postal code, city, region) are not independent, and counting each as its own
    evidence would count one home several times.

    1.0 same street line (`field`) in the same place (same postal code or city, or
    neither to tell); 0.9 a near street line (Jaro-Winkler ≥ 0.92) there; 0.8 same postal
    code and city (or one of them missing); 0.6 same postal code or same city; 0.4 same
    region only; 0.0 else; NaN when either has no address part at all.

    >>> batch = lambda **c: pa.RecordBatch.from_pydict({k: pa.array(v, pa.string()) for k, v in c.items()})
    >>> a = batch(street=["12 MAIN ST", "12 MAIN ST", None, "9 OAK RD"], postal_code=["78701"] * 4,
    ...           city=["AUSTIN"] * 4, region=["TX"] * 4)
    >>> b = batch(street=["12 MAIN ST", "12 MAN ST", "1 ELM ST", "9 OAK RD"],
    ...           postal_code=["78701", "78701", "78701", "33101"],
    ...           city=["AUSTIN", "AUSTIN", None, "MIAMI"], region=["TX", "TX", "TX", "FL"])
    >>> address_score(a, b, "street").tolist()
    [1.0, 0.9, 0.8, 0.0]
    """
    city = jaro_winkler_score(_column(left, "city"), _column(right, "city"))
    near_city = np.nan_to_num(city, nan=0.0) >= 0.9
    no_city = _missing(left, right, "city")
    same_postal, same_city = _equal(left, right, "postal_code"), _equal(left, right, "city")
    no_postal = _missing(left, right, "postal_code")
    place_known = ~(no_postal & no_city)
    # The street is in the same place when the postal code or the city agrees (a slip
    # in the other), or neither is there to tell.
    same_place = same_postal | near_city | (no_postal & no_city)
    street = np.nan_to_num(jaro_winkler_score(_column(left, field), _column(right, field)))
    score = np.where(same_postal & (near_city | no_city), 0.8,
                     np.where(same_postal | same_city, 0.6,
                              np.where(_equal(left, right, "region"), 0.4, 0.0)))
    score = np.where(same_place & (street >= 0.92), 0.9, score)
    score = np.where(same_place & _equal(left, right, field), 1.0, score)
    score[~place_known & (street < 1.0)] = np.nan  # no place: a street alone tells little
    nothing = _missing(left, right, field) & no_postal & no_city & _missing(left, right, "region")
    score[nothing] = np.nan
    return score


def name_set_score(left: pa.RecordBatch, right: pa.RecordBatch, field: str) -> np.ndarray:
    """Share of the smaller of two sets of names that the other set holds too (1.0:
    every related name of one record is named by the other); NaN when a side has none.

    >>> batch = lambda v: pa.RecordBatch.from_pydict({"related": pa.array(v)})
    >>> name_set_score(batch([["ann lee", "bo chan"], ["x y"], None]),
    ...                batch([["bo chan"], ["z"], ["ann lee"]]), "related").tolist()
    [1.0, 0.0, nan]
    """
    n = left.num_rows
    lefts, rights = left.column(field), right.column(field)
    left_len = pc.fill_null(pc.list_value_length(lefts), 0).to_numpy().astype(np.int64)
    right_len = pc.fill_null(pc.list_value_length(rights), 0).to_numpy().astype(np.int64)
    if n == 0:
        return np.zeros(0)
    table = pa.table(
        {
            "pair": np.concatenate(
                [
                    pc.list_parent_indices(lefts).to_numpy(zero_copy_only=False),
                    pc.list_parent_indices(rights).to_numpy(zero_copy_only=False),
                ]
            ),
            "name": pa.concat_arrays(
                [lefts.flatten().cast(pa.string()), rights.flatten().cast(pa.string())]
            ),
        }
    )
    per_name = table.group_by(["pair", "name"], use_threads=False).aggregate(
        [("name", "count")]
    )
    both = per_name.filter(pc.greater(per_name["name_count"], 1))
    shared = np.bincount(both["pair"].to_numpy(), minlength=n).astype(float)
    smaller = np.minimum(left_len, right_len).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(smaller > 0, np.minimum(shared / np.maximum(smaller, 1), 1.0), np.nan)
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
    "address": address_score,
    "name_set": name_set_score,
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


def _at_exact(levels: np.ndarray, tf: np.ndarray, comparison: Comparison) -> np.ndarray:
    return np.where(levels == comparison.n_levels - 1, tf, np.nan)


def _field_tf(left: pa.RecordBatch, comparison: Comparison) -> np.ndarray:
    tf_name = comparison.field + TF_SUFFIX
    if tf_name not in left.schema.names:
        return np.full(left.num_rows, np.nan)
    return np.asarray(
        pc.fill_null(left.column(tf_name), np.nan).to_numpy(zero_copy_only=False), dtype=float
    )


def comparison_levels(
    left: pa.RecordBatch, right: pa.RecordBatch, settings: MatchSettings
) -> dict[str, np.ndarray]:
    """`{comparison name: int8 levels}` for the row-aligned parties `left` and `right`,
    plus `{<name>_tf: frequency of the shared value}` for term-frequency comparisons
    (NaN below the exact level)."""
    out = {}
    for comparison in settings.comparisons:
        tf = None
        if comparison.method == "name":
            score, tf = name_scores(left, right, comparison.field)
        else:
            score = SCORERS[comparison.method](left, right, comparison.field)
        levels = levels_of(score, comparison)
        out[comparison.name] = levels
        if comparison.term_frequency:
            tf = _field_tf(left, comparison) if tf is None else tf
            out[tf_column(comparison)] = _at_exact(levels, tf, comparison)
    return out


def comparison_frequencies(
    left: pa.RecordBatch, right: pa.RecordBatch, levels: dict[str, np.ndarray],
    settings: MatchSettings,
) -> dict[str, np.ndarray]:
    """The `<name>_tf` columns `comparison_levels` gives, for pairs whose levels are
    known already: frequencies move as records arrive (and with them which shared
    name is the rarest), so they are read from the records' current `*_tf`."""
    out = {}
    for comparison in settings.comparisons:
        if comparison.term_frequency:
            tf = (shared_name_tf(left, right, comparison.field) if comparison.method == "name"
                  else _field_tf(left, comparison))
            out[tf_column(comparison)] = _at_exact(levels[comparison.name], tf, comparison)
    return out


def pair_schema(settings: MatchSettings) -> pa.Schema:
    """`left_ref`, `right_ref`, one int8 level column per
    comparison and one float `<name>_tf` per term-frequency comparison."""
    return pa.schema(
        [pa.field(LEFT_REF, pa.string()), pa.field(RIGHT_REF, pa.string()),
]
        + [pa.field(c.name, pa.int8()) for c in settings.comparisons]
        + [pa.field(tf_column(c), pa.float64()) for c in settings.comparisons
           if c.term_frequency]
    )


PAIR_CHUNK = 500_000


def compared_columns(rows: pa.RecordBatch, settings: MatchSettings) -> pa.RecordBatch:
    """The columns of block rows that comparisons read (taking only them is cheaper)."""
    needed = [REF, "party_type", "city", "region", "postal_code", "name_codes"] + sorted(
        {f for c in settings.comparisons for f in (c.field, c.field + TF_SUFFIX)}
    )
    return rows.select([n for n in dict.fromkeys(needed) if n in rows.schema.names])


def row_pair_levels(
    rows: pa.RecordBatch, left: np.ndarray, right: np.ndarray, settings: MatchSettings
) -> dict[str, np.ndarray]:
    """`comparison_levels` of the row pairs `left[i]`, `right[i]`, `PAIR_CHUNK` at a
    time: the strings of a chunk's pairs are materialised for rapidfuzz, then only
    their levels are kept, so memory stays bounded however many pairs the blocks give."""
    rows = compared_columns(rows, settings)
    names = [c.name for c in settings.comparisons] + [
        tf_column(c) for c in settings.comparisons if c.term_frequency]
    parts: dict[str, list[np.ndarray]] = {name: [] for name in names}
    for start in range(0, len(left), PAIR_CHUNK):
        levels = comparison_levels(
            rows.take(pa.array(left[start : start + PAIR_CHUNK], pa.int64())),
            rows.take(pa.array(right[start : start + PAIR_CHUNK], pa.int64())),
            settings,
        )
        for name in names:
            parts[name].append(levels[name])
    return {
        c.name: np.concatenate(parts[c.name]) if len(left) else np.zeros(0, np.int8)
        for c in settings.comparisons
    } | {
        tf_column(c): np.concatenate(parts[tf_column(c)]) if len(left) else np.zeros(0)
        for c in settings.comparisons if c.term_frequency
    }


def pairs_batch(
    rows: pa.RecordBatch, left: np.ndarray, right: np.ndarray, levels: dict[str, np.ndarray],
    settings: MatchSettings,
) -> pa.RecordBatch:
    """The pairs `left[i]`, `right[i]` of block rows with their levels (`pair_schema`)."""
    refs = rows.column(REF)
    return pa.RecordBatch.from_arrays(
        [refs.take(pa.array(left, pa.int64())), refs.take(pa.array(right, pa.int64()))]
        + [pa.array(levels[c.name], pa.int8()) for c in settings.comparisons]
        + [pa.array(levels[tf_column(c)], pa.float64(), from_pandas=True)
           for c in settings.comparisons if c.term_frequency],
        schema=pair_schema(settings),
    )


def pair_levels(
    rows: pa.RecordBatch, settings: MatchSettings
) -> tuple[pa.RecordBatch, BlockingCounts]:
    """Candidate pairs among block rows, with their comparison levels, and the counts."""
    left, right, counts = candidate_pairs(rows, settings)
    return pairs_batch(rows, left, right, row_pair_levels(rows, left, right, settings),
                       settings), counts


def unique_pairs(batches: Iterable[pa.RecordBatch], settings: MatchSettings) -> pa.Table:
    """Pairs found in several buckets (they share several keys) kept once, sorted."""
    schema = pair_schema(settings)
    table = pa.Table.from_batches(list(batches), schema=schema)
    names = [c.name for c in settings.comparisons] + [
        tf_column(c) for c in settings.comparisons if c.term_frequency
    ]
    table = table.group_by([LEFT_REF, RIGHT_REF], use_threads=False).aggregate(
        [(name, "min") for name in names]
    )
    table = table.rename_columns(  # levels agree wherever a pair is found
        {f"{name}_min": name for name in names}
    )
    table = table.select([LEFT_REF, RIGHT_REF, *names])
    return table.sort_by([(LEFT_REF, "ascending"), (RIGHT_REF, "ascending")]).cast(schema)
