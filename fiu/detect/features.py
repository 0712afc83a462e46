"""Named features the rules and the case model read: one documented function each.

Three families, one per rule `level`:

- transaction features (`level: account`) take the prepared transactions frame of
  `prepare_transactions` and return a Series indexed by account ref. They only need the
  account's own transactions, so the pipeline computes them per bucket of accounts.
- party features (`level: account` and `level: entity`) take a `PartyContext` (accounts,
  osint records, entities) and return a Series indexed by account ref or entity id.
- network features (`level: network`) take a `NetworkContext` and return a Series indexed
  by network id.

A function's docstring is its documentation (`fiu rules list --features`). Everything is
vectorised with pandas / numpy; the registry is the explicit tuples at the bottom.
"""
from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fiu.normalize.unique import as_array

from .links import identifiers, is_labor_business, is_massage, owner_edges

NIGHT_START_HOUR = 22
NIGHT_END_HOUR = 6
HOTEL_MCCS = frozenset(["7011", *[str(m) for m in range(3501, 4000)]])
AD_MCCS = frozenset(["7311"])
ALT_PAYMENT_MCCS = frozenset(["6051", "6540"])
GROCERY_MCCS = frozenset(["5411"])
FEE_MEMO = re.compile(
    r"\brent\b|housing|lodging|room|bed\b|dorm|\bfees?\b|recruit|placement|visa|"
    r"transport|\bvan\b|\bbus\b|ride|debt|loan|advance|deposit for|uniform|tools",
    re.I,
)
PAYROLL_MEMO = re.compile(r"payroll|salary|wages?\b|pay ?period|paycheck|direct dep", re.I)
AD_SITE_WORDS = re.compile(r"classified|escort|adult|backpage|listcrawler|skip the|ads?\b", re.I)
REVIEW_FLAGS = (
    # (weight, pattern): keyword families of IMB-6; a weak signal, never alone sufficient.
    (2.0, re.compile(r"live[sd]? (?:on site|there|in the back)|sleep(?:s|ing)? (?:there|in)|"
                     r"beds? in the back|mattress|cots?\b", re.I)),
    (2.0, re.compile(r"locked doors?|door (?:is|was) locked|buzz(?:ed)? in|back door|"
                     r"camera at the door", re.I)),
    (1.0, re.compile(r"open (?:late|till|until) (?:midnight|[1-4] ?am)|late night|"
                     r"after midnight|24 ?h", re.I)),
    (1.0, re.compile(r"cash only|no cards?|tip in cash|extra in cash", re.I)),
    (1.5, re.compile(r"happy ending|full service|extras?\b|table shower|"
                     r"no (?:english|speak)|new girls?", re.I)),
)
_DIGIT_WORD = r"(?:zero|one|two|three|four|five|six|seven|eight|nine)"
AD_CUES = (
    # DOJ-ADS cues that predicted trafficking in escort ads. "New in town", stated ages
    # and travel wording did not, so they are deliberately absent.
    re.compile(rf"{_DIGIT_WORD}\d|\d{_DIGIT_WORD}|{_DIGIT_WORD}{_DIGIT_WORD}", re.I),  # hidden phone
    re.compile(r"\b(?:asian|latina|korean|thai|chinese|russian|ebony|exotic|japanese|"
               r"vietnamese|brazilian|colombian)\b", re.I),  # stated ethnicity
    re.compile(r"trustworth|\btrusted\b", re.I),  # "trustworthy" wording
    re.compile(r"\b(?:young|petite|fresh|teen|barely|girls?)\b", re.I),  # youth wording
)
TRAFFICKING_WORDS = re.compile(
    r"traffick|forced labou?r|servitude|peonage|exploitation|smuggl|sex work ring|"
    r"pandering|pimping|prostitution",
    re.I,
)
WAGE_CLAIM_WORDS = re.compile(
    r"wage theft|unpaid wages|wage claim|back wages|labou?r violation|wage and hour|"
    r"h-2a violation|debarred|recruitment fees?|withheld passports?|traffick",
    re.I,
)

_DAY_S = 86_400
_KEY_SCALE = 10**10  # account code × this + seconds: one sortable int64 key


# --- preparing transactions -----------------------------------------------------------


def prepare_transactions(transactions: pa.Table | pa.RecordBatch) -> pd.DataFrame:
    """The typed transactions batch as the frame every transaction feature reads.

    Columns: `account` (account ref), `t` (UTC seconds), `local_hour`,
    `day` (local day number), `amount`, `inflow`, `channel`, `mcc`, `region`, `city`
    (folded), `cp`
    (counterparty key: `account:<partner>:<id>` for a known partner account, else the
    folded name), `cp_account` (that account ref or None), `ad_payee` (the counterparty
    reads as a classified or adult site), `memo`, `fee_memo` and `payroll_memo` (the
    memo reads like a fee or rent, like pay), `timed` (the row has a time of day:
    `timestamp_precision` is not `date`; time-of-day features count only these),
    `account_code` (the account's number in sorted order), `cp_code`, `region_code`,
    `city_code` (each distinct value's number, -1 for none: distinct counts per account
    are then integer work, not a hash of every string); rows sorted by account, time and
    txn ref.

    Every string column is read as Arrow's dictionary of its distinct values and each
    row's number in it: rows are ordered by numbers, text is searched once per distinct
    value, and each distinct string becomes a Python object once, not once a row.
    """
    tb = transactions if isinstance(transactions, pa.Table) else pa.Table.from_batches(
        [transactions]
    )
    n = tb.num_rows

    def col(name: str) -> pa.ChunkedArray | pa.Array:
        if name in tb.column_names:
            return tb.column(name)
        return pa.nulls(n, pa.string())

    ts = pc.cast(col("timestamp"), pa.timestamp("us", tz="UTC"))
    t_us = pc.cast(pc.cast(ts, pa.timestamp("us")), pa.int64()).to_numpy(zero_copy_only=False)
    if "utc_offset_minutes" in tb.column_names:
        off = pc.fill_null(pc.cast(tb.column("utc_offset_minutes"), pa.int64()), 0)
        off_s = off.to_numpy(zero_copy_only=False).astype(np.int64) * 60
    else:
        off_s = np.zeros(n, dtype=np.int64)
    t_s = t_us // 1_000_000
    local_s = t_s + off_s
    cp_raw = col("counterparty_account")
    is_partner_acct = pc.fill_null(pc.match_substring_regex(cp_raw, r"^[^:\s]+:[^:\s]+$"), False)
    cp_account = pc.if_else(
        is_partner_acct, pc.binary_join_element_wise("account", cp_raw, ":"), None
    )
    cp_name = pc.utf8_lower(pc.utf8_trim_whitespace(col("counterparty_name")))
    cp_name = pc.if_else(pc.equal(cp_name, ""), None, cp_name)
    cp = pc.coalesce(cp_account, cp_name, pc.utf8_lower(pc.utf8_trim_whitespace(cp_raw)))
    text = {
        "account": pc.binary_join_element_wise("account", col("partner_id"), col("account_id"),
                                               ":"),
        "channel": col("channel"), "mcc": pc.utf8_trim_whitespace(col("merchant_category_code")),
        "region": col("region"), "city": pc.utf8_lower(pc.utf8_trim_whitespace(col("city"))),
        "cp": cp, "cp_account": cp_account, "memo": col("memo"),
    }
    distinct, codes = {}, {}
    for name, values in text.items():
        distinct[name], codes[name] = _encode(values)
    account_code = _ranks(distinct["account"])[codes["account"]]
    order = _txn_order(account_code, t_s, col)
    codes = {name: c[order] for name, c in codes.items()}

    def category(name: str) -> pd.Categorical:
        ranked = np.where(codes[name] >= 0, _ranks(distinct[name])[codes[name]], -1)
        return pd.Categorical.from_codes(
            ranked, categories=pd.Index(np.sort(distinct[name]), dtype=object))

    def found(name: str, pattern: re.Pattern) -> np.ndarray:
        return np.append(_found(distinct[name], pattern), False)[codes[name]]

    return pd.DataFrame(
        {
            "account": _decode(distinct["account"], codes["account"]),
            "t": t_s[order],
            "local_hour": ((local_s // 3600) % 24)[order],
            "day": (local_s // _DAY_S)[order],
            "amount": pc.fill_null(pc.cast(col("amount"), pa.float64()), 0.0).to_numpy(
                zero_copy_only=False
            )[order],
            "inflow": pc.fill_null(pc.equal(col("direction"), "in"), False).to_numpy(
                zero_copy_only=False
            )[order],
            # Categories: only ever compared, a million times a run over a long history.
            "channel": category("channel"),
            "mcc": category("mcc"),
            "region": _decode(distinct["region"], codes["region"]),
            "city": _decode(distinct["city"], codes["city"]),
            "cp": _decode(distinct["cp"], codes["cp"]),
            "ad_payee": found("cp", AD_SITE_WORDS),
            "cp_account": _decode(distinct["cp_account"], codes["cp_account"]),
            "memo": _decode(distinct["memo"], codes["memo"], missing=""),
            "fee_memo": found("memo", FEE_MEMO),
            "payroll_memo": found("memo", PAYROLL_MEMO),
            "timed": pc.fill_null(pc.not_equal(col("timestamp_precision"), "date"), True)
            .to_numpy(zero_copy_only=False)[order],
            # For counts per account without hashing a million refs again for every
            # feature (`_count`).
            "account_code": account_code[order],
            "cp_code": codes["cp"],
            "region_code": codes["region"],
            "city_code": codes["city"],
        }
    )


def _encode(values: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The distinct non-null values of a string column (Python objects, in order of
    first appearance) and each row's number among them (-1 for null)."""
    encoded = pc.dictionary_encode(as_array(values))
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return np.array(encoded.dictionary.to_pylist(), dtype=object), codes


def _decode(distinct: np.ndarray, codes: np.ndarray, missing: str | None = None) -> np.ndarray:
    """Each row's value from its number (`missing` for -1)."""
    return np.append(distinct, np.array([missing], dtype=object))[codes]


def _ranks(distinct: np.ndarray) -> np.ndarray:
    """Each distinct string's place in sorted order; the last entry, for -1 (null), one
    past them all (Arrow sorts nulls last). Python orders strings by code point, as
    Arrow and pandas order their UTF-8 bytes."""
    ranks = np.full(len(distinct) + 1, len(distinct), np.int64)
    ranks[np.argsort(distinct, kind="stable")] = np.arange(len(distinct))
    return ranks


def _txn_order(account_code: np.ndarray, t: np.ndarray,
               col: Callable[[str], pa.ChunkedArray | pa.Array]) -> np.ndarray:
    """Row order by account, time and txn ref, stable: the order a sort by the three
    strings and times gives. Numbers and times are sorted with numpy; the txn refs are
    made and compared only within the rare runs of one account and one time."""
    order = np.lexsort((t, account_code))
    a, s = account_code[order], t[order]
    tied = np.r_[False, (a[1:] == a[:-1]) & (s[1:] == s[:-1])]
    if tied.any():
        rows = np.flatnonzero(tied | np.r_[tied[1:], False])
        run = np.cumsum(~tied)[rows]
        take = pa.array(order[rows])
        txn = pc.binary_join_element_wise(
            "txn", col("partner_id").take(take), col("txn_id").take(take), ":")
        within = pc.sort_indices(pa.table({"run": run, "txn": txn}),
                                 sort_keys=[("run", "ascending"), ("txn", "ascending")])
        order[rows] = order[rows][within.to_numpy()]
    return order


def _found(distinct: np.ndarray, pattern: re.Pattern) -> np.ndarray:
    """Which distinct strings match `pattern` (a case-insensitive Python pattern).

    ASCII strings are searched by Arrow's RE2, which reads these patterns (literals,
    alternatives, `?`, `\\b`) on ASCII exactly as Python does; strings with other
    characters (where Python's `\\b` and case folding are Unicode-wide) by Python.
    """
    values = pa.array(distinct, pa.string())
    found = pc.fill_null(
        pc.match_substring_regex(values, pattern.pattern, ignore_case=True), False
    ).to_numpy(zero_copy_only=False)
    wide = np.flatnonzero(~pc.string_is_ascii(values).to_numpy(zero_copy_only=False))
    found[wide] = [bool(pattern.search(distinct[i])) for i in wide]
    return found


def _matches(text: pa.ChunkedArray | pa.Array, pattern: re.Pattern) -> np.ndarray:
    """Rows whose text matches `pattern` (`_found`, once per distinct value)."""
    distinct, codes = _encode(text)
    return np.append(_found(distinct, pattern), False)[codes]


def _night(t: pd.DataFrame) -> pd.Series:
    """Rows made at night, local time; a row known only by its date is never one."""
    return t["timed"] & ((t["local_hour"] >= NIGHT_START_HOUR) | (t["local_hour"] < NIGHT_END_HOUR))


def _mcc_in(t: pd.DataFrame, codes: frozenset[str]) -> pd.Series:
    return t["mcc"].isin(codes)


def _share(num: pd.Series, den: pd.Series) -> pd.Series:
    den = den[den > 0]
    return (num.reindex(den.index).fillna(0) / den).astype(float)


def _count(t: pd.DataFrame, mask: pd.Series) -> pd.Series:
    """Rows of `mask` per account (every account of `t`, sorted), as floats."""
    if ("account_code" in t and len(t) and mask.dtype == bool
            and mask.index.equals(t.index)):
        codes = t["account_code"].to_numpy()
        starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
        counts = np.bincount(codes, weights=mask.to_numpy(dtype=float), minlength=len(starts))
        return pd.Series(counts, index=pd.Index(t["account"].to_numpy()[starts], name="account"),
                         name=mask.name)
    return mask.groupby(t["account"]).sum().astype(float)


def _refs(t: pd.DataFrame, codes: np.ndarray) -> pd.Index:
    """The account refs of account numbers (`account_code`)."""
    if not len(t):
        return pd.Index([], dtype=object, name="account")

    def made() -> np.ndarray:
        acc = t["account_code"].to_numpy()
        return t["account"].to_numpy()[np.flatnonzero(np.r_[True, acc[1:] != acc[:-1]])]
    refs = _once(t, ("refs",), made)
    return pd.Index(refs[np.asarray(codes, dtype=np.int64)], name="account")


def _per_account(t: pd.DataFrame, codes: np.ndarray, values: np.ndarray) -> pd.Series:
    """`values` of account numbers `codes` as floats indexed by account ref."""
    return pd.Series(np.asarray(values, dtype=float), index=_refs(t, codes))


def _all_accounts(t: pd.DataFrame) -> np.ndarray:
    """Every account number of `t`, in order."""
    return np.arange(int(t["account_code"].iloc[-1]) + 1 if len(t) else 0)


def _sums(t: pd.DataFrame, codes: np.ndarray, values: np.ndarray) -> pd.Series:
    """Sum of `values` per account number in `codes` (rows in frame order), by ref.

    Grouped by account number, not ref: pandas adds each group in row order with the
    same compensated sum either way, so the sums are those of a groupby by ref.
    """
    sums = pd.Series(np.asarray(values, dtype=float)).groupby(np.asarray(codes)).sum()
    return pd.Series(sums.to_numpy(), index=_refs(t, sums.index.to_numpy()))


def _time_keys(t: pd.DataFrame) -> np.ndarray:
    """Account number and time as one int64 per row, increasing down the frame."""
    ts = t["t"].to_numpy()
    return t["account_code"].to_numpy() * _KEY_SCALE + (ts - (ts.min() if len(ts) else 0))


def _distinct(t: pd.DataFrame, mask: pd.Series | np.ndarray, values: np.ndarray) -> pd.Series:
    """Distinct `values` (numbers, -1 for none) over the `mask` rows, per account having
    such rows: `groupby("account")[column].nunique()` in integers, not strings."""
    m = np.asarray(mask, dtype=bool)
    acc, val = t["account_code"].to_numpy()[m], values[m]
    present = np.unique(acc)
    if not len(present):
        return pd.Series(dtype=float)
    width = int(val.max()) + 1 if len(val) else 1
    keep = val >= 0
    pairs = np.unique(acc[keep] * width + val[keep])
    counts = np.bincount(pairs // width, minlength=int(present[-1]) + 1)
    return _per_account(t, present, counts[present])


def _max_count_window(t: pd.DataFrame, mask: pd.Series, days: int) -> pd.Series:
    """Most events of `mask` in any `days`-day window starting at an event, per account."""
    m = mask.to_numpy(dtype=bool)
    acc, ts = t["account_code"].to_numpy()[m], t["t"].to_numpy()[m]
    if not len(acc):
        return pd.Series(dtype=float)
    key = acc * _KEY_SCALE + (ts - ts.min())  # sorted: the frame is by account and time
    counts = np.searchsorted(key, key + days * _DAY_S, side="left") - np.arange(len(key))
    starts = np.flatnonzero(np.r_[True, acc[1:] != acc[:-1]])
    return _per_account(t, acc[starts], np.maximum.reduceat(counts, starts))


def _max_distinct_window(t: pd.DataFrame, mask: pd.Series, value: str, days: int) -> pd.Series:
    """Most distinct `value`s of `mask` events in any `days`-day window, per account.

    A value is in the window starting on day d when one of its days e has
    d <= e < d + days, i.e. d in (e - days, e]. Each value's days are merged into runs
    of overlapping such spans, and the runs open at any anchor day are counted with one
    sorted sweep of +1 (a run opens) and -1 (it closes): linear in a long history.
    """
    code = t[f"{value}_code"].to_numpy()
    m = mask.to_numpy(dtype=bool) & (code >= 0)
    acc, val, day = t["account_code"].to_numpy()[m], code[m], t["day"].to_numpy()[m]
    if not len(acc):
        return pd.Series(dtype=float)
    order = np.lexsort((day, val, acc))
    acc, val, day = acc[order], val[order], day[order]
    same = np.r_[False, (acc[1:] == acc[:-1]) & (val[1:] == val[:-1])]
    opens = ~same | (np.r_[0, np.diff(day)] >= days)
    closes = np.r_[opens[1:], True]
    low = int(day.min()) - days
    span = int(day.max()) - low + 2
    at = acc * span - low
    keys = np.concatenate([at[opens] + day[opens] - days + 1, at[closes] + day[closes] + 1])
    steps = np.r_[np.ones(int(opens.sum()), np.int64), -np.ones(int(closes.sum()), np.int64)]
    by_key = np.argsort(keys, kind="stable")
    keys, level = keys[by_key], np.cumsum(steps[by_key])
    anchors = np.unique(at + day)
    open_runs = level[np.searchsorted(keys, anchors, side="right") - 1]
    anchor_acc = anchors // span
    starts = np.flatnonzero(np.r_[True, anchor_acc[1:] != anchor_acc[:-1]])
    return _per_account(t, anchor_acc[starts], np.maximum.reduceat(open_runs, starts))


# What the features of the last frame asked for share (its sweeps by window, the money
# each account received, its account refs): several features of one frame ask for each,
# and each is a pass over a long history.
_made_for: tuple = (None, {})


def _once(t: pd.DataFrame, key: tuple, make: Callable[[], object]) -> object:
    """`make()`, made once per frame (see `_made_for`); callers never change it."""
    global _made_for
    frame, made = _made_for
    if frame is None or frame() is not t:
        made = {}
        _made_for = (weakref.ref(t), made)
    if key not in made:
        made[key] = make()
    return made[key]


def _swept(t: pd.DataFrame, hours: int, drain: bool = False) -> pd.DataFrame:
    """`_sweeps`, made once per frame and window."""
    return _once(t, ("sweeps", hours, drain), lambda: _sweeps(t, hours, drain))


def _sweeps(t: pd.DataFrame, hours: int, drain: bool = False) -> pd.DataFrame:
    """Transfers out matched to the latest inflow of the same account at most `hours` before.

    Columns: account_code, account, cp, amount (of the outflow), in the frame's order.
    Only transfers to a person or a known partner account count (p2p, or a
    `counterparty_account` of a partner): rent to a landlord or a card purchase is
    spending, not a sweep. An outflow with no inflow in the window is not swept money.
    With `drain`, every outflow but card purchases counts (cash withdrawals and wires
    empty a funnel account too). The latest inflow at or before each outflow is found by
    a binary search of the frame's time keys (the frame is by account and time).
    """
    inflow = t["inflow"].to_numpy(dtype=bool)
    transfer = (t["channel"] == "p2p") | t["cp_account"].notna()
    if drain:
        transfer = transfer | t["channel"].isin(["cash", "wire", "check", "ach"])
    outs = np.flatnonzero(~inflow & transfer.to_numpy(dtype=bool))
    key = _time_keys(t)
    ins = key[inflow]
    if not len(ins) or not len(outs):
        return pd.DataFrame(columns=["account_code", "account", "cp", "amount"])
    out_key = key[outs]
    latest = np.searchsorted(ins, out_key, side="right") - 1
    before = ins[np.maximum(latest, 0)]
    swept = ((latest >= 0) & (before // _KEY_SCALE == out_key // _KEY_SCALE)
             & (out_key - before <= hours * 3600))
    return t.iloc[outs[swept]][["account_code", "account", "cp", "amount"]]


def _swept_sums(t: pd.DataFrame, swept: pd.DataFrame) -> pd.Series:
    """Money swept per account."""
    return _sums(t, swept["account_code"].to_numpy(dtype=np.int64), swept["amount"].to_numpy())


def _in_amount(t: pd.DataFrame) -> pd.Series:
    """Money received per account having receipts (made once per frame)."""
    def made() -> pd.Series:
        inflow = t["inflow"].to_numpy(dtype=bool)
        return _sums(t, t["account_code"].to_numpy()[inflow], t["amount"].to_numpy()[inflow])
    return _once(t, ("in_amount",), made)


# --- transaction features (level: account) --------------------------------------------


def card_receipt_count(t: pd.DataFrame) -> pd.Series:
    """Number of card payments received (channel card, direction in)."""
    return _count(t, t["inflow"] & (t["channel"] == "card"))


def night_card_share(t: pd.DataFrame) -> pd.Series:
    """Share of card receipts taken 22:00–06:00 local time (timestamp + utc_offset_minutes).

    Example: 31 of 50 card receipts at 23:10–02:40 local → 0.62. Only receipts with a
    time of day count (not `timestamp_precision: date`). Null without card receipts.
    FINTRAC night window; IMB-1.
    """
    card_in = t["inflow"] & (t["channel"] == "card") & t["timed"]
    return _share(_count(t, card_in & _night(t)), _count(t, card_in))


def receipt_count(t: pd.DataFrame) -> pd.Series:
    """Number of incoming transactions of any channel."""
    return _count(t, t["inflow"])


def round_amount_share(t: pd.DataFrame) -> pd.Series:
    """Share of receipts whose amount is a whole multiple of $5 (60.00, 80.00, 120.00).

    Fixed session prices make receipts round (IMB-2, a weak signal). Null without receipts.
    """
    cents = np.round(t["amount"] * 100).astype(np.int64)
    return _share(_count(t, t["inflow"] & (cents % 500 == 0)), _count(t, t["inflow"]))


def monthly_receipts(t: pd.DataFrame) -> pd.Series:
    """Average money received per 30 days of activity (first to last transaction, ≥ 30 days)."""
    ts, acc = t["t"].to_numpy(), t["account_code"].to_numpy()
    first = np.flatnonzero(np.r_[True, acc[1:] != acc[:-1]]) if len(t) else np.zeros(0, int)
    last = np.r_[first[1:] - 1, len(t) - 1] if len(t) else first
    span = pd.Series(ts[last] - ts[first], index=_refs(t, _all_accounts(t)))  # by time
    months = np.maximum(span / (30 * _DAY_S), 1.0)
    return (_in_amount(t).reindex(span.index).fillna(0.0) / months).astype(float)


def structuring_count_30d(t: pd.DataFrame) -> pd.Series:
    """Most cash deposits in [8,000, 10,000) within any 30 days (CTR structuring; GEN-1)."""
    mask = t["inflow"] & (t["channel"] == "cash") & (t["amount"] >= 8000) & (t["amount"] < 10000)
    return _max_count_window(t, mask, 30)


def structuring_regions_30d(t: pd.DataFrame) -> pd.Series:
    """Most distinct regions of cash deposits in [8,000, 10,000) within any 30 days (GEN-1, FUN-1).

    Example: deposits of $9,400 in TX, $9,100 in OK and $8,800 in LA within three weeks → 3.
    """
    mask = t["inflow"] & (t["channel"] == "cash") & (t["amount"] >= 8000) & (t["amount"] < 10000)
    return _max_distinct_window(t, mask, "region", 30)


def cash_in_count_30d(t: pd.DataFrame) -> pd.Series:
    """Most cash deposits within any 30 days."""
    return _max_count_window(t, t["inflow"] & (t["channel"] == "cash"), 30)


def cash_in_regions_30d(t: pd.DataFrame) -> pd.Series:
    """Most distinct regions (states) of cash deposits within any 30 days (FUN-1).

    Example: deposits in TX, OK, LA and AR in one fortnight → 4.
    """
    return _max_distinct_window(t, t["inflow"] & (t["channel"] == "cash"), "region", 30)


def cash_in_share(t: pd.DataFrame) -> pd.Series:
    """Share of the money received that came in as cash deposits. Null without receipts."""
    cash = (t["inflow"] & (t["channel"] == "cash")).to_numpy()
    num = _sums(t, t["account_code"].to_numpy()[cash], t["amount"].to_numpy()[cash])
    return _share(num, _in_amount(t))


def sweep_share_48h(t: pd.DataFrame) -> pd.Series:
    """Share of money received that is transferred on within 48 h of a receipt (any payee).

    Example: 2,000 payroll in, 1,700 sent on the next day → 0.85. Null without receipts.
    """
    return _share(_swept_sums(t, _swept(t, 48)), _in_amount(t)).clip(upper=1.0)


def sweeps_48h(t: pd.DataFrame) -> pd.DataFrame:
    """Money each account sweeps to each payee within 48 h of receiving: account, cp,
    amount. Kept with the summary so that, once parties are resolved, a sweep to the
    holder's own account elsewhere is not a sweep to someone (`sweep_to_other_share`)."""
    sw = _swept(t, 48)
    if sw.empty:
        return pd.DataFrame({"account": [], "cp": [], "amount": []})
    return sw.groupby(["account", "cp"], sort=True)["amount"].sum().reset_index()


def sweep_to_other_share(sweeps: pd.DataFrame, inflow: pd.Series, party: dict[str, str],
                         accounts: pd.Index) -> pd.Series:
    """`sweep_to_one_share_48h` with the account's own party left out as a payee: moving
    tips to one's own savings at another bank is not forwarding them to a controller."""
    if sweeps.empty:
        return pd.Series(0.0, index=accounts)
    own = sweeps["account"].map(party).to_numpy() == sweeps["cp"].map(party).to_numpy()
    other = sweeps[~own]
    top = other.groupby("account")["amount"].max()
    got = inflow.reindex(top.index)
    share = (top / got[got > 0]).clip(upper=1.0)
    return share.reindex(accounts).fillna(0.0)


def sweep_to_one_share_48h(t: pd.DataFrame) -> pd.Series:
    """Share of money received that goes to one single payee within 48 h (LAB-1, ESC-6).

    The payee is the one that receives most; rent to a landlord rarely exceeds half a pay.
    """
    sw = _swept(t, 48)
    top = sw.groupby(["account", "cp"])["amount"].sum().groupby(level=0).max()
    return _share(top, _in_amount(t)).clip(upper=1.0)


def sweep_share_72h(t: pd.DataFrame) -> pd.Series:
    """Share of money received that is withdrawn or wired on within 72 h of a receipt (FUN-2)."""
    return _share(_swept_sums(t, _swept(t, 72, drain=True)), _in_amount(t)).clip(upper=1.0)


def sweep_events(t: pd.DataFrame) -> pd.Series:
    """Number of distinct days on which money received was transferred on within 48 h."""
    inflow = t["inflow"].to_numpy(dtype=bool)
    transfer = ((t["channel"] == "p2p") | t["cp_account"].notna()).to_numpy(dtype=bool)
    key = _time_keys(t)
    ins, outs = np.flatnonzero(inflow), key[~inflow & transfer]
    if not len(ins) or not len(outs):
        return pd.Series(dtype=float)
    # The first transfer out at or after each receipt (the frame is by account and time).
    after = np.minimum(np.searchsorted(outs, key[ins], side="left"), len(outs) - 1)
    found = ((outs[after] >= key[ins]) & (outs[after] // _KEY_SCALE == key[ins] // _KEY_SCALE)
             & (outs[after] - key[ins] <= 48 * 3600))
    swept = np.zeros(len(t), bool)
    swept[ins[found]] = True
    day = t["day"].to_numpy()
    return _distinct(t, swept, day - day.min())


def counterparties_in(t: pd.DataFrame) -> pd.Series:
    """Distinct payers (counterparty account, else name) of incoming transactions."""
    return _distinct(t, t["inflow"], t["cp_code"].to_numpy())


def counterparties_out(t: pd.DataFrame) -> pd.Series:
    """Distinct payees (counterparty account, else name) of outgoing transactions."""
    return _distinct(t, ~t["inflow"], t["cp_code"].to_numpy())


def payroll_outflow_count(t: pd.DataFrame) -> pd.Series:
    """Outgoing ach / p2p / check payments that look like pay (memo payroll, salary, wage…).

    Zero for an account with receipts but no such payments (IMB-3).
    """
    pay = (~t["inflow"]) & t["channel"].isin(["ach", "p2p", "check"]) & t["payroll_memo"]
    return _count(t, pay)


def payroll_payees(t: pd.DataFrame) -> pd.Series:
    """Distinct payees of payroll-like outgoing payments (see payroll_outflow_count)."""
    pay = (~t["inflow"]) & t["channel"].isin(["ach", "p2p", "check"]) & t["payroll_memo"]
    every = _refs(t, _all_accounts(t))
    return _distinct(t, pay, t["cp_code"].to_numpy()).reindex(every, fill_value=0.0)


def payroll_in_count(t: pd.DataFrame) -> pd.Series:
    """Incoming ach / check payments that look like pay (memo payroll, salary, wage…)."""
    pay = t["inflow"] & t["channel"].isin(["ach", "check", "wire", "p2p"]) & t["payroll_memo"]
    return _count(t, pay)


def hotel_spend_count(t: pd.DataFrame) -> pd.Series:
    """Outgoing payments to hotels (MCC 7011 or hotel chains 3501–3999)."""
    return _count(t, (~t["inflow"]) & _mcc_in(t, HOTEL_MCCS))


def hotel_regions_30d(t: pd.DataFrame) -> pd.Series:
    """Most distinct regions of hotel payments within any 30 days (circuit travel; ESC-2)."""
    return _max_distinct_window(t, (~t["inflow"]) & _mcc_in(t, HOTEL_MCCS), "region", 30)


def ad_payment_count_90d(t: pd.DataFrame) -> pd.Series:
    """Most payments to advertising (MCC 7311, or a classified/adult site payee) in 90 days.

    ESC-1: small, frequent ad payments; ≥ 10 in 90 days is our starting threshold.
    """
    mask = (~t["inflow"]) & (
        _mcc_in(t, AD_MCCS) | t["ad_payee"]
    )
    return _max_count_window(t, mask, 90)


def ad_payment_count(t: pd.DataFrame) -> pd.Series:
    """All payments to advertising (MCC 7311 or a classified/adult site payee)."""
    mask = (~t["inflow"]) & (
        _mcc_in(t, AD_MCCS) | t["ad_payee"]
    )
    return _count(t, mask)


def prepaid_crypto_count(t: pd.DataFrame) -> pd.Series:
    """Outgoing prepaid-card loads and virtual-currency buys (channel, or MCC 6051 / 6540)."""
    mask = (~t["inflow"]) & (
        t["channel"].isin(["prepaid", "crypto"]) | _mcc_in(t, ALT_PAYMENT_MCCS)
    )
    return _count(t, mask)


def prepaid_load_count(t: pd.DataFrame) -> pd.Series:
    """Outgoing prepaid-card loads (channel prepaid, or MCC 6540 stored-value loads; ESC-5)."""
    mask = (~t["inflow"]) & ((t["channel"] == "prepaid") | (t["mcc"] == "6540"))
    return _count(t, mask)


def crypto_buy_count(t: pd.DataFrame) -> pd.Series:
    """Outgoing virtual-currency purchases (channel crypto, or MCC 6051 quasi-cash; ESC-5)."""
    mask = (~t["inflow"]) & ((t["channel"] == "crypto") | (t["mcc"] == "6051"))
    return _count(t, mask)


def cities_per_week(t: pd.DataFrame) -> pd.Series:
    """Most distinct cities the account transacted in within any 7 days (circuit travel; ESC-2).

    Example: card payments in Dallas, Houston and Austin in one week → 3. A commuter → 1–2.
    """
    return _max_distinct_window(t, pd.Series(True, index=t.index), "city", 7)


def grocery_spend_count(t: pd.DataFrame) -> pd.Series:
    """Outgoing payments at grocery stores (MCC 5411)."""
    return _count(t, (~t["inflow"]) & _mcc_in(t, GROCERY_MCCS))


def p2p_payers(t: pd.DataFrame) -> pd.Series:
    """Distinct payers of incoming person-to-person payments."""
    return _distinct(t, t["inflow"] & (t["channel"] == "p2p"), t["cp_code"].to_numpy())


def p2p_night_payers(t: pd.DataFrame) -> pd.Series:
    """Distinct payers of incoming p2p payments made 22:00–06:00 local time (ESC-3)."""
    mask = t["inflow"] & (t["channel"] == "p2p") & _night(t)
    return _distinct(t, mask, t["cp_code"].to_numpy())


def p2p_night_share(t: pd.DataFrame) -> pd.Series:
    """Share of incoming p2p payments made 22:00–06:00 local time, of those with a time
    of day. Null without any."""
    p2p_in = t["inflow"] & (t["channel"] == "p2p") & t["timed"]
    return _share(_count(t, p2p_in & _night(t)), _count(t, p2p_in))


def everyday_use_share(t: pd.DataFrame) -> pd.Series:
    """Share of the account's active months (30-day blocks with any transaction) that
    hold at least one everyday card purchase (any merchant but hotels, advertising and
    alternative payments): 1.0 for an account its holder lives on, 0 for a pure conduit.

    Example: card purchases at groceries and fuel in 5 of the 6 months money moved → 0.83.
    """
    block = (t["day"] // 30).to_numpy()
    block = block - (block.min() if len(block) else 0)
    active = _distinct(t, np.ones(len(t), bool), block)
    special = HOTEL_MCCS | AD_MCCS | ALT_PAYMENT_MCCS
    buy = (~t["inflow"]) & (t["channel"] == "card") & t["mcc"].notna() & ~t["mcc"].isin(special)
    used = _distinct(t, buy, block)
    return (used.reindex(active.index).fillna(0.0) / active).astype(float)


def fee_memo_out_count(t: pd.DataFrame) -> pd.Series:
    """Outgoing payments whose memo reads like rent, housing, transport or recruitment fees."""
    return _count(t, (~t["inflow"]) & t["fee_memo"])


def fee_to_payer_count(t: pd.DataFrame) -> pd.Series:
    """Fee- or rent-like payments to an account that also pays this account (LAB-5).

    The employer side takes back housing or recruitment fees from the pay it sends.
    """
    acc, cp = t["account_code"].to_numpy(), t["cp_code"].to_numpy()
    inflow = t["inflow"].to_numpy(dtype=bool)
    width = int(cp.max()) + 1 if len(cp) else 1
    pair = acc * width + cp
    payers = np.unique(pair[inflow & (cp >= 0)])
    fee = ~inflow & t["fee_memo"].to_numpy(dtype=bool) & (cp >= 0)
    back = fee & np.isin(pair, payers)
    every = _all_accounts(t)
    return _per_account(t, every, np.bincount(acc[back], minlength=len(every)))


def round_transfer_weeks(t: pd.DataFrame) -> pd.Series:
    """Most distinct weeks with a round transfer (whole $100s) to one partner account (GEN-6).

    Example: 1,500.00 to the owner's account every Friday for 8 weeks → 8.
    """
    cents = np.round(t["amount"] * 100).astype(np.int64)
    mask = (~t["inflow"]) & t["cp_account"].notna() & (cents % 10_000 == 0)
    m = mask.to_numpy(dtype=bool)
    if not m.any():
        return pd.Series(dtype=float)
    # The counterparty's key is its account ref wherever it has one (`cp`), so its number
    # stands for the `cp_account`.
    acc, cp = t["account_code"].to_numpy()[m], t["cp_code"].to_numpy()[m]
    week = t["day"].to_numpy()[m] // 7
    week, weeks, payees = week - week.min(), int(week.max() - week.min()) + 1, int(cp.max()) + 1
    pair = acc * payees + cp
    pairs, per_pair = np.unique(np.unique(pair * weeks + week) // weeks, return_counts=True)
    owner = pairs // payees
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    return _per_account(t, owner[starts], np.maximum.reduceat(per_pair, starts))


def transaction_count(t: pd.DataFrame) -> pd.Series:
    """Number of transactions on the account."""
    every = _all_accounts(t)
    return _per_account(t, every, np.bincount(t["account_code"].to_numpy(), minlength=len(every)))


TRANSACTION_FEATURES: tuple[Callable[[pd.DataFrame], pd.Series], ...] = (
    transaction_count,
    receipt_count,
    card_receipt_count,
    night_card_share,
    round_amount_share,
    monthly_receipts,
    structuring_count_30d,
    structuring_regions_30d,
    cash_in_count_30d,
    cash_in_regions_30d,
    cash_in_share,
    sweep_share_48h,
    sweep_to_one_share_48h,
    sweep_share_72h,
    sweep_events,
    counterparties_in,
    counterparties_out,
    payroll_outflow_count,
    payroll_payees,
    payroll_in_count,
    hotel_spend_count,
    hotel_regions_30d,
    ad_payment_count_90d,
    ad_payment_count,
    prepaid_crypto_count,
    prepaid_load_count,
    crypto_buy_count,
    cities_per_week,
    grocery_spend_count,
    p2p_payers,
    p2p_night_payers,
    p2p_night_share,
    fee_memo_out_count,
    fee_to_payer_count,
    everyday_use_share,
    round_transfer_weeks,
)


def transaction_features(transactions: pa.Table | pa.RecordBatch | pd.DataFrame) -> pd.DataFrame:
    """Every transaction feature per account: a frame indexed by account ref, sorted."""
    t = transactions if isinstance(transactions, pd.DataFrame) else prepare_transactions(
        transactions
    )
    index = pd.Index(sorted(t["account"].unique()), name="ref")
    cols = {f.__name__: f(t).reindex(index).astype(float) for f in TRANSACTION_FEATURES}
    return pd.DataFrame(cols, index=index)


# --- party features (accounts, osint, entities) ---------------------------------------


@dataclass
class PartyContext:
    """Accounts and osint records (normalised, with `ref` and `entity_id`) for party features.

    `records` has one row per account or osint record: ref, entity_id, kind (account or
    osint), source, holder_type / entity_type, name_norm, related_names_norm, phone_norm,
    email_norm, address_key, region, city, partner, opened_on, business_category, text.
    `hubs` are identifiers shared by too many entities to link anything.
    """

    records: pd.DataFrame
    hubs: frozenset[str] = field(default_factory=frozenset)
    txn_features: pd.DataFrame = field(default_factory=pd.DataFrame)


def _accounts(ctx: PartyContext) -> pd.DataFrame:
    return ctx.records[ctx.records["kind"] == "account"]


def is_massage_business(ctx: PartyContext) -> pd.Series:
    """1 when the account is a business whose category or name says massage or spa, else 0."""
    acc = _accounts(ctx)
    return pd.Series(is_massage(acc).astype(float).to_numpy(), index=acc["ref"].to_numpy())


def is_business(ctx: PartyContext) -> pd.Series:
    """1 when the account holder is a business, else 0."""
    acc = _accounts(ctx)
    return pd.Series(acc["is_business"].astype(float).to_numpy(), index=acc["ref"].to_numpy())


def cohort_accounts_14d(ctx: PartyContext) -> pd.Series:
    """Most individual accounts sharing this account's address or phone opened within 14 days.

    Example: 6 workers' accounts at one trailer address opened 2–9 March → 6 for each
    (LAB-2). Hub identifiers (shared by very many entities) are ignored.
    """
    acc = _accounts(ctx)
    ind = acc[(~acc["is_business"]) & acc["opened_day"].notna()]
    ids = identifiers(ind)
    ids = ids[~ids["ident"].isin(ctx.hubs) & ~ids["ident"].str.startswith("email:")]
    out = pd.Series(0.0, index=acc["ref"].to_numpy())
    if ids.empty:
        return out
    ids = ids.merge(ind[["ref", "opened_day"]], on="ref")
    pairs = ids.merge(ids, on="ident", suffixes=("", "_o"))
    delta = (pairs["opened_day_o"] - pairs["opened_day"]).abs()
    pairs = pairs[delta <= 14]
    # Count accounts opened within 14 days of each account, through any shared identifier.
    per = pairs.groupby(["ref", "ident"])["ref_o"].nunique().groupby(level=0).max()
    out.loc[per.index] = per.astype(float)
    return out


def phone_shared_with_business(ctx: PartyContext) -> pd.Series:
    """1 when an individual account's phone is also the phone of a business or its officer.

    A worker whose bank phone is the employer's (LAB-3). Hub phones are ignored.
    """
    recs = ctx.records
    acc = _accounts(ctx)
    out = pd.Series(0.0, index=acc["ref"].to_numpy())
    ind = acc[(~acc["is_business"]) & acc["phone_norm"].notna()]
    if ind.empty:
        return out
    officer_names = set(
        n for names in recs.loc[recs["is_business"], "related_names_norm"] for n in (names or ())
    )
    employer_side = recs["is_business"] | (
        recs["name_norm"].isin(officer_names) & (recs["kind"] == "osint")
    )
    side = recs.loc[employer_side & recs["phone_norm"].notna(), ["entity_id", "phone_norm"]]
    m = ind[["ref", "entity_id", "phone_norm"]].merge(side, on="phone_norm", suffixes=("", "_s"))
    m = m[(m["entity_id"] != m["entity_id_s"]) & ~("phone:" + m["phone_norm"]).isin(ctx.hubs)]
    out.loc[m["ref"].unique()] = 1.0
    return out


ACCOUNT_PARTY_FEATURES: tuple[Callable[[PartyContext], pd.Series], ...] = (
    is_business,
    is_massage_business,
    cohort_accounts_14d,
    phone_shared_with_business,
)


def entity_partner_count(ctx: PartyContext) -> pd.Series:
    """Distinct partners holding accounts of the entity (GEN-2)."""
    acc = _accounts(ctx)
    return acc.groupby("entity_id")["partner"].nunique().astype(float)


def entity_account_count(ctx: PartyContext) -> pd.Series:
    """Accounts of the entity across all partners."""
    return _accounts(ctx).groupby("entity_id").size().astype(float)


def shared_identifier_entities(ctx: PartyContext) -> pd.Series:
    """Most other entities sharing one of this entity's phone, email or address (GEN-3).

    Hub identifiers (multi-unit buildings, switchboards) are excluded.
    """
    ids = identifiers(ctx.records)
    ids = ids[~ids["ident"].isin(ctx.hubs)][["entity_id", "ident"]].drop_duplicates()
    per_ident = ids.groupby("ident")["entity_id"].nunique() - 1
    ids["others"] = ids["ident"].map(per_ident)
    return ids.groupby("entity_id")["others"].max().astype(float)


def linked_ad_count(ctx: PartyContext) -> pd.Series:
    """Online ads of other entities that share this entity's phone or email (IMB-5)."""
    recs = ctx.records
    ids = identifiers(recs)
    ids = ids[~ids["ident"].str.startswith("addr:")]
    is_ad = recs.set_index("ref")["source"] == "online_ad"
    ids["is_ad"] = ids["ref"].map(is_ad).fillna(False).astype(bool)
    ads = ids[ids["is_ad"]][["ref", "entity_id", "ident"]]
    mine = ids[["entity_id", "ident"]].drop_duplicates()
    m = mine.merge(ads, on="ident", suffixes=("", "_ad"))
    m = m[m["entity_id"] != m["entity_id_ad"]]
    return m.groupby("entity_id")["ref"].nunique().astype(float)


def is_massage_entity(ctx: PartyContext) -> pd.Series:
    """1 when any record of the entity is a massage or spa business, else 0."""
    recs = ctx.records
    return is_massage(recs).groupby(recs["entity_id"]).max().astype(float)


def is_labor_business_entity(ctx: PartyContext) -> pd.Series:
    """1 when any record of the entity is a staffing, contracting, farm or similar business."""
    recs = ctx.records
    return is_labor_business(recs).groupby(recs["entity_id"]).max().astype(float)


def _ad_cues(text: pd.Series) -> pd.Series:
    """How many DOJ-ADS cue families (hidden phone, ethnicity, trustworthy, youth) a text has."""
    text = text.fillna("").astype(str)
    return sum(text.str.contains(cue, regex=True).astype(int) for cue in AD_CUES)


def _ad_contacts(ctx: PartyContext) -> pd.DataFrame:
    recs = ctx.records
    ads = recs[recs["source"] == "online_ad"]
    ids = identifiers(ads)
    ids = ids[~ids["ident"].str.startswith("addr:")]
    ads = ads.assign(cued=_ad_cues(ads["text"]) >= 1)
    return ids.merge(ads[["ref", "name_norm", "city", "cued"]], on="ref")


def ad_contact_ads(ctx: PartyContext) -> pd.Series:
    """Most ads behind one phone or email of the entity's ads (ESC-4).

    Example: one number in 7 ads under 4 names in 3 cities → 7 for every entity of those ads.
    """
    c = _ad_contacts(ctx)
    per = c.groupby("ident")["ref"].nunique()
    return c.assign(v=c["ident"].map(per)).groupby("entity_id")["v"].max().astype(float)


def ad_contact_cue_ads(ctx: PartyContext) -> pd.Series:
    """Most ads with a DOJ-ADS cue behind one phone or email of the entity's ads (ESC-4).

    A cue: a hidden or spelled-out phone ("five1two"), stated ethnicity, "trustworthy"
    wording, or youth wording. "New in town", ages and travel words are not cues (they
    did not predict trafficking). Example: a family's phone in 5 ads for a used car,
    tutoring and puppies → 0; one number in 6 ads "sweet young Thai girl … five5five" → 6.
    """
    c = _ad_contacts(ctx)
    per = c[c["cued"]].groupby("ident")["ref"].nunique()
    return c.assign(v=c["ident"].map(per).fillna(0)).groupby("entity_id")["v"].max().astype(float)


def ad_contact_names(ctx: PartyContext) -> pd.Series:
    """Most distinct advertised names behind one phone or email of the entity's ads (ESC-4)."""
    c = _ad_contacts(ctx)
    per = c.groupby("ident")["name_norm"].nunique()
    return c.assign(v=c["ident"].map(per)).groupby("entity_id")["v"].max().astype(float)


def ad_contact_cities(ctx: PartyContext) -> pd.Series:
    """Most distinct cities behind one phone or email of the entity's ads (ESC-4)."""
    c = _ad_contacts(ctx)
    per = c.groupby("ident")["city"].nunique()
    return c.assign(v=c["ident"].map(per)).groupby("entity_id")["v"].max().astype(float)


def review_flag_score(ctx: PartyContext) -> pd.Series:
    """Weighted keyword families in reviews of the entity (IMB-6; weak, never alone).

    Families: living on site (2), locked doors (2), late hours (1), cash only (1),
    sexual extras (1.5); each family counts once per entity.
    """
    recs = ctx.records
    rev = recs[recs["source"] == "review"]
    score = pd.Series(0.0, index=pd.Index(rev["entity_id"].unique()))
    for weight, pattern in REVIEW_FLAGS:
        found = rev["text"].fillna("").str.contains(pattern, regex=True)
        score = score.add(found.groupby(rev["entity_id"]).max().astype(float) * weight, fill_value=0)
    return score


def trafficking_record(ctx: PartyContext) -> pd.Series:
    """1 when the entity is on a sanctions list or in a court record / news about trafficking.

    Also counts records naming the entity's name among `related_names` (GEN-5).
    """
    recs = ctx.records
    src = recs["source"]
    hit = (src == "sanctions") | (
        src.isin(["court_record", "news"]) & recs["text"].fillna("").str.contains(
            TRAFFICKING_WORDS, regex=True
        )
    )
    direct = hit.groupby(recs["entity_id"]).max()
    named = set(n for names in recs.loc[hit, "related_names_norm"] for n in (names or ()))
    via_name = recs["name_norm"].isin(named).groupby(recs["entity_id"]).max()
    return (direct | via_name.reindex(direct.index, fill_value=False)).astype(float)


def wage_claim_record(ctx: PartyContext) -> pd.Series:
    """1 when a licence, court record or news item about the entity mentions wage claims.

    Wage theft, unpaid wages, recruitment fees, withheld passports, trafficking (LAB-4).
    """
    recs = ctx.records
    hit = recs["source"].isin(["license", "court_record", "news"]) & recs["text"].fillna(
        ""
    ).str.contains(WAGE_CLAIM_WORDS, regex=True)
    direct = hit.groupby(recs["entity_id"]).max()
    named = set(n for names in recs.loc[hit, "related_names_norm"] for n in (names or ()))
    via = recs["name_norm"].isin(named) & recs["is_business"]
    return (direct | via.groupby(recs["entity_id"]).max()).astype(float)


def owned_massage_businesses(ctx: PartyContext) -> pd.Series:
    """Massage businesses this person owns or runs (registry/licence related_names; IMB-4)."""
    recs = ctx.records
    edges = owner_edges(ctx.records)
    massage = is_massage(recs).groupby(recs["entity_id"]).max()
    edges = edges[edges["business"].map(massage).fillna(False).astype(bool)]
    return edges.groupby("person")["business"].nunique().astype(float)


def owned_massage_regions(ctx: PartyContext) -> pd.Series:
    """Distinct regions of the massage businesses this person owns or runs (IMB-4)."""
    recs = ctx.records
    edges = owner_edges(ctx.records)
    massage = is_massage(recs).groupby(recs["entity_id"]).max()
    edges = edges[edges["business"].map(massage).fillna(False).astype(bool)]
    regions = recs[["entity_id", "region"]].dropna().drop_duplicates()
    m = edges.merge(regions, left_on="business", right_on="entity_id")
    return m.groupby("person")["region"].nunique().astype(float)


def _owned_by_category(ctx: PartyContext) -> pd.DataFrame:
    """person, category, business, region: businesses each person owns, by folded category."""
    recs = ctx.records
    cat = (recs["business_category"].fillna("").str.lower().str.strip())
    cat = cat.where(cat != "", None)
    cats = pd.DataFrame({"business": recs["entity_id"], "category": cat}).dropna().drop_duplicates(
        "business")
    m = owner_edges(ctx.records).merge(cats, on="business")
    regions = recs[["entity_id", "region"]].dropna().drop_duplicates()
    return m.merge(regions, left_on="business", right_on="entity_id", how="left")


def owned_category_businesses(ctx: PartyContext) -> pd.Series:
    """Most businesses of one category (as KYC states it) this person owns or runs.

    Example: named in the registry of three nail salons → 3. Any category, not only massage.
    """
    m = _owned_by_category(ctx)
    return m.groupby(["person", "category"])["business"].nunique().groupby(level=0).max().astype(
        float)


def owned_category_regions(ctx: PartyContext) -> pd.Series:
    """Most regions of businesses of one category under this person (common owners across states)."""
    m = _owned_by_category(ctx)
    return m.groupby(["person", "category"])["region"].nunique().groupby(level=0).max().astype(
        float)


def registry_roles(ctx: PartyContext) -> pd.Series:
    """Businesses in which this person is named as owner, officer or agent."""
    return owner_edges(ctx.records).groupby("person")["business"].nunique().astype(float)


ENTITY_FEATURES: tuple[Callable[[PartyContext], pd.Series], ...] = (
    entity_partner_count,
    entity_account_count,
    shared_identifier_entities,
    linked_ad_count,
    is_massage_entity,
    is_labor_business_entity,
    ad_contact_ads,
    ad_contact_cue_ads,
    ad_contact_names,
    ad_contact_cities,
    review_flag_score,
    trafficking_record,
    wage_claim_record,
    owned_massage_businesses,
    owned_massage_regions,
    owned_category_businesses,
    owned_category_regions,
    registry_roles,
)


# --- network features -----------------------------------------------------------------


@dataclass
class NetworkContext:
    """Members of each network and the features of their accounts and entities.

    `members`: ref, entity_id, network_id, kind, is_business, is_massage, region,
    partner, source. `account_features` indexed by account ref, `entity_features` by
    entity id; `flows`: src, dst (account refs), amount, count between partner accounts.
    """

    members: pd.DataFrame
    account_features: pd.DataFrame
    entity_features: pd.DataFrame
    flows: pd.DataFrame


def network_size(ctx: NetworkContext) -> pd.Series:
    """Entities in the network."""
    return ctx.members.groupby("network_id")["entity_id"].nunique().astype(float)


def network_records(ctx: NetworkContext) -> pd.Series:
    """Account and open-source records in the network."""
    return ctx.members.groupby("network_id")["ref"].nunique().astype(float)


def network_accounts(ctx: NetworkContext) -> pd.Series:
    """Accounts in the network."""
    m = ctx.members
    return (m["kind"] == "account").groupby(m["network_id"]).sum().astype(float)


def network_ads(ctx: NetworkContext) -> pd.Series:
    """Online ads in the network."""
    m = ctx.members
    return (m["source"] == "online_ad").groupby(m["network_id"]).sum().astype(float)


def network_regions(ctx: NetworkContext) -> pd.Series:
    """Distinct regions of the network's records."""
    return ctx.members.groupby("network_id")["region"].nunique().astype(float)


def network_partners(ctx: NetworkContext) -> pd.Series:
    """Distinct partners holding the network's accounts."""
    return ctx.members.groupby("network_id")["partner"].nunique().astype(float)


def network_massage_businesses(ctx: NetworkContext) -> pd.Series:
    """Distinct massage or spa business entities in the network."""
    m = ctx.members[ctx.members["is_massage"]]
    return m.groupby("network_id")["entity_id"].nunique().reindex(
        ctx.members["network_id"].unique(), fill_value=0
    ).astype(float)


def network_massage_regions(ctx: NetworkContext) -> pd.Series:
    """Distinct regions of the massage or spa businesses in the network (IMB-4)."""
    m = ctx.members[ctx.members["is_massage"]]
    return m.groupby("network_id")["region"].nunique().reindex(
        ctx.members["network_id"].unique(), fill_value=0
    ).astype(float)


def network_owner_massage_businesses(ctx: NetworkContext) -> pd.Series:
    """Most massage businesses in the network under one owner or officer (IMB-4)."""
    return _network_max_entity(ctx, "owned_massage_businesses")


def network_owner_massage_regions(ctx: NetworkContext) -> pd.Series:
    """Most regions of massage businesses in the network under one owner (IMB-4)."""
    return _network_max_entity(ctx, "owned_massage_regions")


def network_owner_category_businesses(ctx: NetworkContext) -> pd.Series:
    """Most businesses of one category in the network under one owner or officer."""
    return _network_max_entity(ctx, "owned_category_businesses")


def network_owner_category_regions(ctx: NetworkContext) -> pd.Series:
    """Most regions of one category's businesses in the network under one owner."""
    return _network_max_entity(ctx, "owned_category_regions")


def _network_max_entity(ctx: NetworkContext, name: str) -> pd.Series:
    if name not in ctx.entity_features:
        return pd.Series(dtype=float)
    ents = ctx.members[["network_id", "entity_id"]].drop_duplicates()
    ents["v"] = ents["entity_id"].map(ctx.entity_features[name])
    return ents.groupby("network_id")["v"].max().astype(float)


def _network_max_account(ctx: NetworkContext, name: str) -> pd.Series:
    if name not in ctx.account_features:
        return pd.Series(dtype=float)
    acc = ctx.members[ctx.members["kind"] == "account"][["network_id", "ref"]]
    acc = acc.assign(v=acc["ref"].map(ctx.account_features[name]))
    return acc.groupby("network_id")["v"].max().astype(float)


def _internal_flows(ctx: NetworkContext) -> pd.DataFrame:
    net = ctx.members.set_index("ref")["network_id"]
    f = ctx.flows.assign(n_src=ctx.flows["src"].map(net), n_dst=ctx.flows["dst"].map(net))
    return f[f["n_src"].notna() & (f["n_src"] == f["n_dst"]) & (f["src"] != f["dst"])]


def network_fan_in(ctx: NetworkContext) -> pd.Series:
    """Most accounts of the network paying into one account of the network (a controller)."""
    f = _internal_flows(ctx)
    return f.groupby(["n_src", "dst"])["src"].nunique().groupby(level=0).max().astype(float)


def network_fan_out(ctx: NetworkContext) -> pd.Series:
    """Most accounts of the network paid by one account of the network (an employer, a boss)."""
    f = _internal_flows(ctx)
    return f.groupby(["n_src", "src"])["dst"].nunique().groupby(level=0).max().astype(float)


def network_cohort_accounts(ctx: NetworkContext) -> pd.Series:
    """Most new accounts at one address or phone, opened within 14 days, in the network (LAB-2)."""
    return _network_max_account(ctx, "cohort_accounts_14d")


def network_swept_accounts(ctx: NetworkContext) -> pd.Series:
    """Personal accounts of the network forwarding ≥ 70 % of their inflow to one payee
    within 48 h (LAB-1, ESC-6: workers' pay and women's takings are swept from accounts
    in people's names; a business paying its owner a draw is not a sweep)."""
    if "sweep_to_one_share_48h" not in ctx.account_features:
        return pd.Series(dtype=float)
    acc = ctx.members[ctx.members["kind"] == "account"]
    personal = ~acc["is_business"].fillna(False).astype(bool)
    v = (acc["ref"].map(ctx.account_features["sweep_to_one_share_48h"]).fillna(0) >= 0.7) & personal
    return v.groupby(acc["network_id"]).sum().astype(float)


def _network_count_accounts(ctx: NetworkContext, name: str, at_least: float) -> pd.Series:
    if name not in ctx.account_features:
        return pd.Series(dtype=float)
    acc = ctx.members[ctx.members["kind"] == "account"][["network_id", "ref"]]
    v = acc["ref"].map(ctx.account_features[name]).fillna(0) >= at_least
    return v.groupby(acc["network_id"]).sum().astype(float)


def network_fee_payers(ctx: NetworkContext) -> pd.Series:
    """Accounts of the network paying rent- or fee-like amounts back to their payer (LAB-5)."""
    return _network_count_accounts(ctx, "fee_to_payer_count", 2)


def network_funnel_accounts(ctx: NetworkContext) -> pd.Series:
    """Accounts of the network with cash deposits in ≥ 3 regions within 30 days (FUN-1)."""
    return _network_count_accounts(ctx, "cash_in_regions_30d", 3)


def network_linked_ads(ctx: NetworkContext) -> pd.Series:
    """Most online ads linked by phone or email to one entity of the network."""
    return _network_max_entity(ctx, "linked_ad_count")


def network_ad_contact_ads(ctx: NetworkContext) -> pd.Series:
    """Most ads behind one phone or email in the network (ESC-4)."""
    return _network_max_entity(ctx, "ad_contact_ads")


NETWORK_FEATURES: tuple[Callable[[NetworkContext], pd.Series], ...] = (
    network_size,
    network_records,
    network_accounts,
    network_ads,
    network_regions,
    network_partners,
    network_massage_businesses,
    network_massage_regions,
    network_owner_massage_businesses,
    network_owner_massage_regions,
    network_owner_category_businesses,
    network_owner_category_regions,
    network_fan_in,
    network_fan_out,
    network_cohort_accounts,
    network_swept_accounts,
    network_fee_payers,
    network_funnel_accounts,
    network_linked_ads,
    network_ad_contact_ads,
)


# --- the registry -----------------------------------------------------------------------

FEATURES_BY_LEVEL: dict[str, tuple[Callable[..., pd.Series], ...]] = {
    "account": TRANSACTION_FEATURES + ACCOUNT_PARTY_FEATURES,
    "entity": ENTITY_FEATURES,
    "network": NETWORK_FEATURES,
}


def feature_names(level: str | None = None) -> list[str]:
    """Names of the features of one level (or of all levels), in registry order."""
    levels = [level] if level else list(FEATURES_BY_LEVEL)
    return [f.__name__ for lv in levels for f in FEATURES_BY_LEVEL[lv]]


def feature_docs(level: str | None = None) -> list[tuple[str, str, str]]:
    """(level, name, docstring) of every feature: what `fiu rules list --features` prints."""
    levels = [level] if level else list(FEATURES_BY_LEVEL)
    out = []
    for lv in levels:
        for f in FEATURES_BY_LEVEL[lv]:
            doc = " ".join((f.__doc__ or "").split())
            out.append((lv, f.__name__, doc))
    return out


def party_features(ctx: PartyContext, funcs: tuple[Callable[[PartyContext], pd.Series], ...],
                   index: pd.Index) -> pd.DataFrame:
    """Run party feature functions over one index (account refs or entity ids)."""
    return pd.DataFrame({f.__name__: f(ctx).reindex(index).astype(float) for f in funcs}, index=index)


def network_features(ctx: NetworkContext) -> pd.DataFrame:
    """Every network feature, indexed by network id (sorted)."""
    index = pd.Index(sorted(ctx.members["network_id"].unique()), name="ref")
    return pd.DataFrame(
        {f.__name__: f(ctx).reindex(index).astype(float) for f in NETWORK_FEATURES}, index=index
    )
