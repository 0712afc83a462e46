"""The integer passes over a bucket's history give what the pandas groupbys gave.

Each oracle below is the groupby / merge formulation the feature used before its
history pass was done in integers; both run on generated histories with the awkward
cases drawn in (equal times, gaps of exactly 48 and 72 hours, missing and empty
regions and cities, non-ASCII names, counterparties known and unknown).
"""
from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from fiu.detect import features as F
from fiu.detect.cases import (
    account_buckets,
    account_regions,
    monthly_totals,
    split_by_account_bucket,
)

from .conftest import T0, typed

NAMES = ["Ana Ruiz", "ÉCOLE ads", "adsé", "Backpage", "skip the games", "Müller", "ſalary co",
         "payroll inc", "", None, "  Escort  ", "Zoë", "loads", "ads"]
MEMOS = ["rent", "Rent due", "housing fee", "payroll", "wages", "wagesx", "bus fare", "", None,
         "room é", "fées", "loan", "gift"]
CHANNELS = ["card", "cash", "p2p", "ach", "wire", "check", "prepaid", "crypto", None]
REGIONS = ["TX", "OK", "LA", "AR", "", None]
CITIES = ["Dallas", " dallas ", "Houston", "AUSTIN", "", None, "Tulsa"]
MCCS = ["5411", "7011", "3600", "7311", "6051", "6540", " 5812 ", None]


def history(seed: int, rows: int = 1500) -> pa.Table:
    """A typed transactions table: 30 accounts at two partners, bursts of activity."""
    rng = np.random.default_rng(seed)
    accounts = [(p, f"A{i}") for p in ("bank-a", "bank-b") for i in range(15)]
    hours = np.sort(rng.choice([0, 24, 48, 72, 500, 1000, 2000], rows)
                    + rng.integers(0, 4, rows) * rng.choice([1, 12, 24, 48, 72], rows))
    out = []
    for n in range(rows):
        partner, account = accounts[rng.integers(len(accounts))]
        known = rng.random() < 0.3
        other = accounts[rng.integers(len(accounts))]
        out.append({
            "partner_id": partner, "account_id": account, "txn_id": f"t{n}",
            "timestamp": T0 + timedelta(hours=int(hours[rng.integers(rows)])),
            "amount": float(rng.choice([60.0, 100.0, 1500.0, 9100.0, 12.34, 8000.0])),
            "direction": "in" if rng.random() < 0.5 else "out",
            "channel": CHANNELS[rng.integers(len(CHANNELS))],
            "counterparty_account": f"{other[0]}:{other[1]}" if known else None,
            "counterparty_name": NAMES[rng.integers(len(NAMES))],
            "memo": MEMOS[rng.integers(len(MEMOS))],
            "region": REGIONS[rng.integers(len(REGIONS))],
            "city": CITIES[rng.integers(len(CITIES))],
            "merchant_category_code": MCCS[rng.integers(len(MCCS))],
            "currency": "USD", "country": "US",
            "utc_offset_minutes": int(rng.choice([0, -360, 120])),
            "timestamp_precision": "date" if rng.random() < 0.1 else None,
        })
    return typed("transactions", out)


# --- the pandas formulations -------------------------------------------------------------


def old_max_count_window(t, mask, days):
    sub = t.loc[mask, ["account", "t"]]
    if sub.empty:
        return pd.Series(dtype=float)
    codes, _ = pd.factorize(sub["account"], sort=True)
    key = codes.astype(np.int64) * 10**10 + (sub["t"].to_numpy() - int(sub["t"].min()))
    order = np.argsort(key, kind="stable")
    key = key[order]
    counts = np.searchsorted(key, key + days * 86_400, side="left") - np.arange(len(key))
    return pd.Series(counts, index=sub["account"].to_numpy()[order]).groupby(level=0).max()


def old_max_distinct_window(t, mask, value, days):
    sub = t.loc[mask & t[value].notna(), ["account", "day", value]].drop_duplicates()
    if sub.empty:
        return pd.Series(dtype=float)
    sub = sub.assign(block=sub["day"] // days)
    later = pd.concat([sub, sub.assign(block=sub["block"] - 1)])
    pairs = sub.merge(later, on=["account", "block"], suffixes=("", "_o"))
    delta = pairs["day_o"] - pairs["day"]
    pairs = pairs[(delta >= 0) & (delta < days)]
    return pairs.groupby(["account", "day"])[f"{value}_o"].nunique().groupby(level=0).max()


def old_sweeps(t, hours, drain=False):
    ins = t.loc[t["inflow"], ["account", "t"]].rename(columns={"t": "t_in"})
    transfer = (t["channel"] == "p2p") | t["cp_account"].notna()
    if drain:
        transfer = transfer | t["channel"].isin(["cash", "wire", "check", "ach"])
    outs = t.loc[~t["inflow"] & transfer, ["account", "t", "cp", "amount"]]
    if ins.empty or outs.empty:
        return pd.DataFrame(columns=["account", "cp", "amount"])
    ins = ins.sort_values("t_in", kind="stable")
    ins["t"] = ins["t_in"]
    matched = pd.merge_asof(outs.sort_values("t", kind="stable"), ins, on="t", by="account",
                            direction="backward", tolerance=hours * 3600)
    return matched.loc[matched["t_in"].notna(), ["account", "cp", "amount"]]


def old_sweep_events(t):
    ins = t.loc[t["inflow"], ["account", "t", "day"]]
    transfer = (t["channel"] == "p2p") | t["cp_account"].notna()
    outs = t.loc[~t["inflow"] & transfer, ["account", "t"]].copy()
    if ins.empty or outs.empty:
        return pd.Series(dtype=float)
    outs["t_out"] = outs["t"]
    m = pd.merge_asof(ins.sort_values("t", kind="stable"), outs.sort_values("t", kind="stable"),
                      on="t", by="account", direction="forward", tolerance=48 * 3600)
    return m[m["t_out"].notna()].groupby("account")["day"].nunique()


def old_in_amount(t):
    return t.loc[t["inflow"], "amount"].groupby(t.loc[t["inflow"], "account"]).sum()


def old_fee_to_payer(t):
    payers = t.loc[t["inflow"] & t["cp"].notna(), ["account", "cp"]].drop_duplicates()
    fees = t.loc[(~t["inflow"]) & t["fee_memo"], ["account", "cp"]]
    if payers.empty or fees.empty:
        return pd.Series(0.0, index=pd.Index(t["account"].unique()))
    both = fees.merge(payers.assign(_p=1), on=["account", "cp"], how="left")
    return both["_p"].notna().groupby(both["account"]).sum()


def old_round_transfer_weeks(t):
    cents = np.round(t["amount"] * 100).astype(np.int64)
    sub = t.loc[(~t["inflow"]) & t["cp_account"].notna() & (cents % 10_000 == 0),
                ["account", "cp_account", "day"]]
    if sub.empty:
        return pd.Series(dtype=float)
    weeks = sub.assign(week=sub["day"] // 7).groupby(["account", "cp_account"])["week"].nunique()
    return weeks.groupby(level=0).max()


def old_everyday_use_share(t):
    block = t["day"] // 30
    active = block.groupby(t["account"]).nunique()
    special = F.HOTEL_MCCS | F.AD_MCCS | F.ALT_PAYMENT_MCCS
    buy = (~t["inflow"]) & (t["channel"] == "card") & t["mcc"].notna() & ~t["mcc"].isin(special)
    used = block[buy].groupby(t.loc[buy, "account"]).nunique()
    return used.reindex(active.index).fillna(0.0) / active


def old_monthly_receipts(t):
    times = t.groupby("account")["t"]
    span = times.max() - times.min()
    months = np.maximum(span / (30 * 86_400), 1.0)
    return old_in_amount(t).reindex(span.index).fillna(0.0) / months


def nunique(t, mask):
    return t.loc[mask].groupby("account")["cp"].nunique()


def same(new, old, index):
    pd.testing.assert_series_equal(new.reindex(index).astype(float),
                                   old.reindex(index).astype(float),
                                   check_names=False, check_index_type=False)


@pytest.fixture(scope="module", params=[1, 2, 3, 4])
def frame(request):
    return F.prepare_transactions(history(request.param))


def test_windows_equal_the_pairwise_join(frame):
    t = frame
    index = pd.Index(t["account"].unique())
    cash = t["inflow"] & (t["channel"] == "cash")
    for mask in (cash, ~t["inflow"], pd.Series(True, index=t.index), t["amount"] > 1e9):
        for days in (1, 7, 30, 90):
            same(F._max_count_window(t, mask, days), old_max_count_window(t, mask, days), index)
            for value in ("region", "city"):
                new = F._max_distinct_window(t, mask, value, days)
                same(new, old_max_distinct_window(t, mask, value, days), index)
    assert F.cities_per_week(t).max() >= 2


def test_sweeps_equal_the_asof_merges(frame):
    t = frame
    index = pd.Index(t["account"].unique())
    for hours, drain in ((48, False), (72, True), (0, False)):
        new, old = F._sweeps(t, hours, drain), old_sweeps(t, hours, drain)
        assert len(new) == len(old) > 0
        cols = ["account", "cp", "amount"]
        key = ["account", "amount", "cp"]
        pd.testing.assert_frame_equal(
            new[cols].sort_values(key, kind="stable").reset_index(drop=True),
            old[cols].sort_values(key, kind="stable").reset_index(drop=True))
        same(F._swept_sums(t, new), old.groupby("account")["amount"].sum(), index)
    same(F.sweep_events(t), old_sweep_events(t), index)
    same(F._in_amount(t), old_in_amount(t), index)


def test_distinct_counts_equal_nunique(frame):
    t = frame
    index = pd.Index(t["account"].unique())
    same(F.counterparties_in(t), nunique(t, t["inflow"]), index)
    same(F.counterparties_out(t), nunique(t, ~t["inflow"]), index)
    same(F.p2p_payers(t), nunique(t, t["inflow"] & (t["channel"] == "p2p")), index)
    same(F.p2p_night_payers(t), nunique(t, t["inflow"] & (t["channel"] == "p2p") & F._night(t)),
         index)
    same(F.fee_to_payer_count(t), old_fee_to_payer(t), index)
    same(F.round_transfer_weeks(t), old_round_transfer_weeks(t), index)
    same(F.everyday_use_share(t), old_everyday_use_share(t), index)
    same(F.monthly_receipts(t), old_monthly_receipts(t), index)
    same(F.transaction_count(t), t.groupby("account").size(), index)
    assert F.fee_to_payer_count(t).sum() > 0 and F.round_transfer_weeks(t).notna().any()


def test_months_and_regions_equal_the_groupbys(frame):
    t = frame
    month = pd.Series(t["day"].to_numpy().astype("datetime64[D]").astype("datetime64[M]")
                      .astype(str), index=t.index).str.cat(["-01"] * len(t))
    old = pd.DataFrame({"account": t["account"], "month": month,
                        "in": np.where(t["inflow"], t["amount"], 0.0),
                        "out": np.where(t["inflow"], 0.0, t["amount"]), "count": 1})
    old = old.groupby(["account", "month"], sort=True).sum().reset_index()
    pd.testing.assert_frame_equal(monthly_totals(t), old)
    regions = t[["account", "region"]].dropna().drop_duplicates()
    regions = regions.sort_values(["account", "region"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(account_regions(t), regions)


def test_codes_number_each_distinct_value_and_leave_none_out(frame):
    t = frame
    for column in ("cp", "region", "city"):
        codes = t[f"{column}_code"]
        assert ((codes < 0) == t[column].isna()).all()
        assert t.groupby(codes)[column].nunique().max() == 1
        assert codes[codes >= 0].nunique() == t[column].nunique()


@pytest.mark.parametrize("pattern", [F.FEE_MEMO, F.PAYROLL_MEMO, F.AD_SITE_WORDS])
def test_text_cues_are_what_a_python_search_of_each_value_gives(pattern):
    words = ["rent", "RENT", "ads", "ADS", "bus", "fee", "fees", "wages", "pay period",
             "payperiod", "direct dep", "skip the", "escort", "bed", "van"]
    edges = ["", " ", "é", "x", "_", "1", "ſ", "K", "-", "ü"]
    values = [a + w + b for w in words for a in edges for b in edges] + [None, "", "ſalary"]
    found = F._matches(pa.array(values, pa.string()), pattern)
    assert found.tolist() == [bool(v is not None and pattern.search(v)) for v in values]
    assert 0 < found.sum() < len(values)


def test_buckets_hold_the_rows_a_filter_per_bucket_gives():
    table = history(5, 400)
    parts = split_by_account_bucket(table, 7)
    b = np.array([k for k, part in parts for _ in range(part.num_rows)])
    assert sorted(set(b)) == [k for k, _ in parts] and len(b) == table.num_rows
    buckets = account_buckets(table, 7)
    for k, part in parts:
        assert part.equals(table.filter(pa.array(buckets == k)))


def test_rows_of_one_account_and_time_are_ordered_by_txn_ref():
    # Rows are ordered by numbers and times; only ties of both compare the txn refs,
    # which must give the order a sort by account ref, time and txn ref gives.
    ids = ["z", "b", "a10", "a9", "a", "ä", "B"]
    rows = [{"partner_id": p, "account_id": a, "txn_id": i, "amount": float(n),
             "timestamp": T0 + timedelta(hours=h), "direction": "in", "channel": "card"}
            for n, (p, a, i, h) in enumerate(
                (p, a, i, h) for p in ("bank-b", "bank-a") for a in ("B", "A", "Ab")
                for i in ids for h in (0, 1, 0))]
    for n, r in enumerate(rows):
        r["txn_id"] += f"-{n % 3}"
    frame = F.prepare_transactions(typed("transactions", rows))
    expected = sorted(rows, key=lambda r: (f"account:{r['partner_id']}:{r['account_id']}",
                                           r["timestamp"], f"txn:{r['partner_id']}:{r['txn_id']}"))
    assert frame["amount"].tolist() == [r["amount"] for r in expected]
    assert frame["account_code"].is_monotonic_increasing
