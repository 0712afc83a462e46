"""Vectorised transaction patterns shared by benign and planted accounts.

Each function writes one kind of activity for many accounts at once into the book:
payroll, everyday card spending, merchant receipts, rent, hotel stays. Volume lives
here, so everything is numpy over arrays of account indices.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .book import Account, WorldBook
from .names import CITIES, EVERYDAY_MERCHANTS, HOTEL_CHAINS
from .timeline import (
    DAY,
    DAYS,
    HOUR,
    HOURS_BANKING,
    HOURS_DAY,
    START_S,
    local_times,
    offsets_at_utc,
    to_utc,
)


def cents_around(
    rng: np.random.Generator, typical: Any, spread: float, n: int
) -> np.ndarray:
    """Amounts in cents scattered log-normally around `typical` dollars (≥ $1)."""
    dollars = np.asarray(typical, dtype=float) * np.exp(rng.normal(0.0, spread, size=n))
    return np.maximum(100, np.round(dollars * 100)).astype(np.int64)


def regions_of(book: WorldBook, accts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(region, city) arrays of the accounts' home or trading place."""
    region = np.array([book.accounts[i].region for i in accts], dtype=object)
    city = np.array([book.accounts[i].city for i in accts], dtype=object)
    return region, city


def payday_times(
    rng: np.random.Generator,
    n_accts: int,
    period_days: int,
    first_day: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(account position, local time) of regular paydays, early morning, per account."""
    if first_day is None:
        first_day = rng.integers(0, period_days, size=n_accts)
    per = (DAYS - first_day + period_days - 1) // period_days
    pos = np.repeat(np.arange(n_accts), per)
    k = np.arange(len(pos)) - np.repeat(np.cumsum(per) - per, per)
    day = first_day[pos] + k * period_days
    keep = day < DAYS
    pos, day = pos[keep], day[keep]
    local = START_S + day * DAY + rng.integers(2, 7, size=len(day)) * HOUR
    return pos, local


def external_payroll(
    book: WorldBook,
    accts: list[Account],
    employer_names: list[str],
    salary: np.ndarray,
) -> None:
    """ACH payroll from employers that bank elsewhere (free-text counterparty)."""
    rng = book.rng
    idx = np.array([a.index for a in accts], dtype=np.int64)
    if len(idx) == 0:
        return
    period = rng.choice([14, 15, 30], size=len(idx), p=[0.35, 0.3, 0.35])
    names = np.array(employer_names, dtype=object)
    for p in (14, 15, 30):
        sel = np.flatnonzero(period == p)
        pos, local = payday_times(rng, len(sel), p)
        a = idx[sel][pos]
        region, _ = regions_of(book, a)
        utc, off = to_utc(local, region)
        cents = np.round(salary[sel][pos] * 100 * (1 + rng.normal(0, 0.03, len(pos))))
        book.add_txns(
            a,
            utc,
            off,
            cents.astype(np.int64),
            "in",
            "ach",
            counterparty_name=names[sel][pos],
            memo=np.full(len(pos), "PAYROLL", object),
        )


def internal_payroll(
    book: WorldBook,
    employer: Account,
    workers: list[Account],
    salary: np.ndarray,
    period: int = 14,
) -> None:
    """Payroll between two partner accounts: both sides' rows."""
    rng = book.rng
    first = np.full(len(workers), int(rng.integers(0, period)))
    pos, local = payday_times(rng, len(workers), period, first)
    w = np.array([a.index for a in workers], dtype=np.int64)[pos]
    utc, _ = to_utc(local, employer.region)
    cents = np.round(salary[pos] * 100 * (1 + rng.normal(0, 0.04, len(pos)))).astype(
        np.int64
    )
    book.transfer(np.full(len(w), employer.index), w, utc, cents, "ach", "PAYROLL")


def everyday_spending(book: WorldBook, accts: np.ndarray, per_account: float) -> None:
    """Card purchases at groceries, restaurants, fuel …, mostly in the home city."""
    rng = book.rng
    counts = rng.poisson(per_account, size=len(accts))
    a = np.repeat(accts, counts)
    n = len(a)
    if n == 0:
        return
    weights = np.array([6, 4, 5, 4, 2, 2, 3, 1, 1, 1, 1], dtype=float)
    kind = rng.choice(len(EVERYDAY_MERCHANTS), size=n, p=weights / weights.sum())
    region, city = regions_of(book, a)
    away = rng.random(n) < 0.07
    if away.any():
        picks = rng.integers(0, len(CITIES), size=int(away.sum()))
        region[away] = np.array([CITIES[i].region for i in picks], dtype=object)
        city[away] = np.array([CITIES[i].name for i in picks], dtype=object)
    mcc = np.empty(n, dtype=object)
    name = np.empty(n, dtype=object)
    cents = np.empty(n, dtype=np.int64)
    for k, (code, merchants, typical, spread) in enumerate(EVERYDAY_MERCHANTS):
        sel = np.flatnonzero(kind == k)
        if len(sel) == 0:
            continue
        mcc[sel] = code
        m = rng.integers(0, len(merchants), size=len(sel))
        store = rng.integers(100, 3000, size=len(sel))
        name[sel] = [merchants[i].format(n=s).upper() for i, s in zip(m, store)]
        cents[sel] = cents_around(rng, typical, spread, len(sel))
    hours = np.where(kind == 8, 1, 0)  # bars in the evening
    local = local_times(rng, n, HOURS_DAY)
    evening = hours == 1
    if evening.any():
        from .timeline import HOURS_EVENING

        local[evening] = local_times(rng, int(evening.sum()), HOURS_EVENING)
    utc, off = to_utc(local, region)
    book.add_txns(
        a,
        utc,
        off,
        cents,
        "out",
        "card",
        counterparty_name=name,
        merchant_category_code=mcc,
        city=city,
        region=region,
    )


def monthly_bills(
    book: WorldBook,
    accts: np.ndarray,
    payee: np.ndarray,
    amount: np.ndarray,
    memo: str,
    channel: str = "ach",
) -> None:
    """One payment a month (rent, utilities) to a payee outside the partners."""
    rng = book.rng
    if len(accts) == 0:
        return
    day0 = rng.integers(0, 5, size=len(accts))
    pos = np.repeat(np.arange(len(accts)), 6)
    month = np.tile(np.arange(6), len(accts))
    local = (
        START_S + (day0[pos] + month * 30) * DAY + rng.integers(8, 18, len(pos)) * HOUR
    )
    a = accts[pos]
    region, _ = regions_of(book, a)
    utc, off = to_utc(local, region)
    cents = np.round(amount[pos] * 100).astype(np.int64)
    book.add_txns(
        a,
        utc,
        off,
        cents,
        "out",
        channel,
        counterparty_name=payee[pos],
        memo=np.full(len(a), memo, object),
    )


def merchant_receipts(
    book: WorldBook,
    acct: Account,
    n: int,
    mcc: str,
    hours: np.ndarray,
    amount_cents: np.ndarray,
) -> None:
    """Card receipts of a merchant at its own place (card settlement rows)."""
    rng = book.rng
    local = local_times(rng, n, hours)
    utc, off = to_utc(local, acct.region)
    card = rng.integers(1000, 10000, size=n)
    network = np.array(["VISA", "MC", "AMEX", "DISC"], dtype=object)[
        rng.integers(0, 4, n)
    ]
    names = network + np.array([f" ****{c}" for c in card], dtype=object)
    book.add_txns(
        np.full(n, acct.index),
        utc,
        off,
        amount_cents,
        "in",
        "card",
        counterparty_name=names,
        merchant_category_code=mcc,
        city=acct.city,
        region=acct.region,
    )


def card_purchases(
    book: WorldBook,
    acct: Account,
    local: np.ndarray,
    cents: np.ndarray,
    mcc: Any,
    names: Any,
    region: Any = None,
    city: Any = None,
    channel: str = "card",
    currency: Any = "USD",
    country: Any = "US",
) -> None:
    """Purchases by one account at given local times and places."""
    n = len(local)
    if n == 0:
        return
    region = acct.region if region is None else region
    city = acct.city if city is None else city
    reg = np.full(n, region, object) if isinstance(region, str) else region
    utc, off = to_utc(local, reg)
    book.add_txns(
        np.full(n, acct.index),
        utc,
        off,
        cents,
        "out",
        channel,
        counterparty_name=names,
        merchant_category_code=mcc,
        city=city,
        region=region,
        currency=currency,
        country=country,
    )


def hotel_stays(
    book: WorldBook,
    acct: Account,
    stays: list[tuple[int, int, int]],
    price: tuple[int, int],
) -> None:
    """One hotel charge per night for each (city index, first day, nights) stay."""
    rng = book.rng
    locals_, cents, mcc, names, region, city = [], [], [], [], [], []
    for ci, day, nights in stays:
        chain = HOTEL_CHAINS[int(rng.integers(len(HOTEL_CHAINS)))]
        c = CITIES[ci]
        for k in range(nights):
            locals_.append(START_S + (day + k) * DAY + int(rng.integers(15, 23)) * HOUR)
            cents.append(int(rng.integers(*price)) * 100 + int(rng.integers(0, 100)))
            mcc.append(chain[0])
            names.append(f"{chain[1].upper()} {c.name.upper()}")
            region.append(c.region)
            city.append(c.name)
    card_purchases(
        book,
        acct,
        np.array(locals_, dtype=np.int64),
        np.array(cents, dtype=np.int64),
        np.array(mcc, object),
        np.array(names, object),
        np.array(region, object),
        np.array(city, object),
    )


def regular_transfers(
    book: WorldBook,
    src: Account,
    dst: Account,
    every_days: int,
    dollars: tuple[int, int],
    round_to: int,
    channel: str,
    memo: Any = None,
    start_day: int = 0,
) -> None:
    """Round amounts from one account to another at a fixed interval (GEN-6 shape)."""
    rng = book.rng
    days = np.arange(start_day + int(rng.integers(0, every_days)), DAYS, every_days)
    n = len(days)
    local = (
        START_S
        + days * DAY
        + rng.choice(24, size=n, p=HOURS_BANKING / HOURS_BANKING.sum()) * HOUR
    )
    utc, _ = to_utc(local, src.region)
    cents = (
        rng.integers(dollars[0] // round_to, dollars[1] // round_to + 1, size=n)
        * round_to
        * 100
    )
    book.transfer(
        np.full(n, src.index), np.full(n, dst.index), utc, cents, channel, memo
    )


def cash(
    book: WorldBook,
    acct: Account,
    local: np.ndarray,
    cents: np.ndarray,
    direction: str,
    regions: Any = None,
    cities: Any = None,
    memo: Any = None,
) -> None:
    """Cash deposits or withdrawals at branches (city and region where it happened)."""
    n = len(local)
    if n == 0:
        return
    regions = np.full(n, acct.region, object) if regions is None else regions
    cities = np.full(n, acct.city, object) if cities is None else cities
    utc, off = to_utc(local, regions)
    book.add_txns(
        np.full(n, acct.index),
        utc,
        off,
        cents,
        direction,
        "cash",
        city=cities,
        region=regions,
        memo=memo,
    )


def offsets_for(book: WorldBook, acct: Account, utc: np.ndarray) -> np.ndarray:
    return offsets_at_utc(utc, acct.region)
