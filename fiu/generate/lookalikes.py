"""Benign look-alikes of the wide world, one for each typology's money signals.

Each is an ordinary life that shows one trafficking signal and none of the conduct
around it, with its parameters drawn per look-alike from wide ranges:

- night-shift workers paid in tips (ESC-3, ESC-6): many people pay them by app late at
  night, and they move most of it to their own savings at another bank;
- drivers paid in cash along their routes (FUN-1, ESC-2): cash deposited at branches
  in many states, fuel and motels on the road, a truck payment; nobody drains it;
- staffing agencies with real payroll (LAB-1, LAB-2, LAB-5 structure): many workers
  paid on a schedule, payroll taxes, client invoices, housing for some workers leased
  from a landlord and deducted as disclosed on the payslip, no sweeps, no fees back.
"""

from __future__ import annotations

import numpy as np

from . import spending
from .book import BANKS, Account, WorldBook, business_core
from .names import BUSINESS_WORDS, CITIES, FIRST_NAMES, LANDLORDS, LAST_NAMES
from .population import Population, count
from .timeline import DAY, DAYS, HOUR, HOURS_DAY, HOURS_LATE, HOURS_SHOP, START_S, local_times, to_utc

TIP_APPS = ("ZELLE", "VENMO", "CASH APP", "PAYPAL")
NIGHT_EMPLOYERS = ("{city} GRILL AND BAR", "{city} DINER 24H", "CASINO {city}", "{city} NIGHTCLUB")
FUEL = ("PILOT TRAVEL CENTER #{n}", "LOVES TRAVEL STOP #{n}", "TA PETRO #{n}", "FLYING J #{n}")
MOTELS = ("MOTEL 6 #{n}", "SUPER 8 #{n}", "RED ROOF INN #{n}")


def plant_lookalikes(book: WorldBook, pop: Population, scale: float) -> None:
    """Plant every look-alike of this module into `book`, recorded in `pop.lookalikes`."""
    _night_tip_savers(book, pop, scale)
    _cash_drivers(book, pop, scale)
    _staffing_agencies(book, pop, scale)


def _people_with_accounts(book: WorldBook, pop: Population, k: int) -> list[Account]:
    accts = list(pop.primary.values())
    chosen = book.rng.choice(len(accts), size=min(k, len(accts)), replace=False)
    return [accts[int(i)] for i in chosen]


def _names(rng: np.random.Generator, n: int, pool: int) -> np.ndarray:
    """`n` payer names drawn from `pool` regulars (people tip the same server again)."""
    first = rng.integers(0, len(FIRST_NAMES), pool)
    last = rng.integers(0, len(LAST_NAMES), pool)
    regulars = np.array([f"{FIRST_NAMES[a]} {LAST_NAMES[b]}".upper() for a, b in zip(first, last)],
                        object)
    return regulars[rng.integers(0, pool, n)]


def _night_tip_savers(book: WorldBook, pop: Population, scale: float) -> None:
    """Bartenders, servers and dancers: tips by app from many customers late at night,
    a small wage (often), everyday spending, and most of the tips moved to their own
    savings account at another bank every few days."""
    rng = book.rng
    for acct in _people_with_accounts(book, pop, count(4, scale, 2)):
        person = acct.holder
        other = [b for b in BANKS if b != acct.partner]
        savings = book.open_account(person, partner=other[int(rng.integers(len(other)))],
                                    messy=float(rng.uniform(0.2, 0.6)))
        n = int(rng.integers(60, 400))
        local = np.sort(local_times(rng, n, HOURS_LATE))
        utc, off = to_utc(local, acct.region)
        cents = spending.cents_around(rng, float(rng.uniform(15, 80)), 0.5, n)
        book.add_txns(np.full(n, acct.index), utc, off, cents, "in", "p2p",
                      counterparty_name=_names(rng, n, int(rng.integers(20, 200))),
                      memo=np.array(TIP_APPS, object)[rng.integers(0, len(TIP_APPS), n)])
        if rng.random() < 0.7:
            employer = NIGHT_EMPLOYERS[int(rng.integers(len(NIGHT_EMPLOYERS)))]
            spending.external_payroll(book, [acct], [employer.format(city=acct.city).upper()],
                                      np.array([float(rng.uniform(400, 1200))]))
        # every few days, a drawn share of the tips since the last move goes to savings
        share = float(rng.uniform(0.4, 0.9))
        every = int(rng.integers(1, 8)) * DAY
        lag = int(rng.integers(1, 48)) * HOUR
        bucket = (utc - utc[0]) // every
        ends = np.flatnonzero(np.r_[bucket[1:] != bucket[:-1], True])
        sums = np.add.reduceat(cents, np.r_[0, ends[:-1] + 1])
        when = utc[ends] + lag
        keep = when < START_S + DAYS * DAY
        book.transfer(np.full(int(keep.sum()), acct.index), np.full(int(keep.sum()), savings.index),
                      when[keep], (np.round(sums[keep] * share / 100) * 100).astype(np.int64),
                      ("ach", "p2p")[int(rng.integers(2))], "TRANSFER TO SAVINGS")
        spending.everyday_spending(book, np.array([acct.index]), float(rng.uniform(10, 60)))
        pop.lookalikes.append({"kind": "night_tip_saver", "refs": [acct.ref, savings.ref]})


def _cash_drivers(book: WorldBook, pop: Population, scale: float) -> None:
    """Owner-operator truck and delivery drivers paid in cash on their routes: deposits
    at branches in several states, fuel there, sometimes a motel, a monthly truck
    payment and insurance, everyday life at home; nothing drains the account."""
    rng = book.rng
    regions = sorted({c.region for c in CITIES})
    for acct in _people_with_accounts(book, pop, count(4, scale, 2)):
        route = [regions[int(i)] for i in rng.choice(len(regions), int(rng.integers(3, 8)),
                                                      replace=False)]
        cities = [[c for c in CITIES if c.region == r] for r in route]
        trips = int(rng.integers(8, 40))
        n = int(trips * rng.uniform(1, 3))
        stop = rng.integers(0, len(route), n)
        city = [cities[s][int(rng.integers(len(cities[s])))] for s in stop]
        local = local_times(rng, n, HOURS_SHOP)
        spending.cash(book, acct, local,
                      spending.cents_around(rng, float(rng.uniform(300, 2500)), 0.5, n), "in",
                      np.array([c.region for c in city], object), np.array([c.name for c in city],
                                                                             object))
        m = int(n * rng.uniform(1, 3))
        fstop = rng.integers(0, len(route), m)
        fcity = [cities[s][int(rng.integers(len(cities[s])))] for s in fstop]
        flocal = local_times(rng, m, HOURS_DAY)
        names = [FUEL[int(rng.integers(len(FUEL)))].format(n=int(rng.integers(100, 999)))
                 for _ in range(m)]
        spending.card_purchases(book, acct, flocal, spending.cents_around(rng, 380, 0.4, m), "5541",
                                np.array(names, object),
                                region=np.array([c.region for c in fcity], object),
                                city=np.array([c.name for c in fcity], object))
        if rng.random() < 0.5:
            k = int(rng.integers(2, 12))
            mstop = rng.integers(0, len(route), k)
            mcity = [cities[s][int(rng.integers(len(cities[s])))] for s in mstop]
            names = [MOTELS[int(rng.integers(len(MOTELS)))].format(n=int(rng.integers(100, 999)))
                     for _ in range(k)]
            spending.card_purchases(book, acct, local_times(rng, k, HOURS_LATE),
                                    spending.cents_around(rng, 75, 0.25, k), "7011",
                                    np.array(names, object),
                                    region=np.array([c.region for c in mcity], object),
                                    city=np.array([c.name for c in mcity], object))
        spending.monthly_bills(book, np.array([acct.index, acct.index]),
                               np.array(["PACCAR FINANCIAL", "PROGRESSIVE COMMERCIAL"], object),
                               np.array([float(rng.uniform(900, 3200)), float(rng.uniform(300, 900))]),
                               "PAYMENT")
        spending.everyday_spending(book, np.array([acct.index]), float(rng.uniform(10, 60)))
        pop.lookalikes.append({"kind": "cash_driver", "refs": [acct.ref]})


def _staffing_agencies(book: WorldBook, pop: Population, scale: float) -> None:
    """Licensed staffing agencies with real payroll: 10–60 workers paid weekly or every
    two weeks, payroll taxes, client invoices, an officer's draw; some workers housed in
    a leased building (often arriving, and opening accounts, together), the lease paid
    by the agency and a disclosed deduction on their pay; no sweeps, no fees paid back."""
    rng = book.rng
    pool = [p for p in pop.people if p.key in pop.primary]
    for _ in range(count(2, scale, 2)):
        owner = pool[int(rng.integers(len(pool)))]
        city = owner.address.city if rng.random() < 0.7 else book.city()
        biz = book.new_business("staffing agency", business_core(rng, BUSINESS_WORDS[
            "staffing agency"]), city, [owner])
        acct = book.open_account(biz, category_text="staffing agency", messy=0.4)
        pop.businesses.append((biz, acct))
        n = int(rng.integers(10, 61))
        housed = int(n * rng.uniform(0.0, 0.6))
        housing = book.address(city, unit="")
        together = rng.random() < 0.5
        arrival = -int(rng.integers(20, 400))
        workers = []
        for k in range(n):
            at_housing = k < housed
            person = book.new_person(housing if at_housing else book.address(city))
            opened = (arrival + int(rng.integers(0, 10)) if at_housing and together else None)
            workers.append(book.open_account(person, opened_day=opened))
        period = int(rng.choice([7, 14]))
        wage = float(rng.uniform(500, 900)) * period / 7
        pay = np.maximum(rng.normal(wage, wage * 0.15, n), 200)
        pay[:housed] -= float(rng.uniform(40, 120)) * period / 7  # disclosed housing deduction
        spending.internal_payroll(book, acct, workers, pay, period)
        days = np.arange(int(rng.integers(0, 7)), DAYS, 7)
        utc, off = to_utc(START_S + days * DAY + 10 * HOUR, acct.region)
        weekly = pay.sum() * 7 / period * float(rng.uniform(1.2, 1.5))
        book.add_txns(np.full(len(days), acct.index), utc, off,
                      spending.cents_around(rng, weekly, 0.15, len(days)), "in", "ach",
                      counterparty_name="CLIENT " + city.name.upper() + " DISTRIBUTION",
                      memo=np.full(len(days), "INVOICE", object))
        tax_days = np.arange(3, DAYS, period)
        utc, off = to_utc(START_S + tax_days * DAY + 9 * HOUR, acct.region)
        book.add_txns(np.full(len(tax_days), acct.index), utc, off,
                      spending.cents_around(rng, pay.sum() * 0.22, 0.05, len(tax_days)), "out",
                      "ach", counterparty_name="IRS USATAXPYMT EFTPS",
                      memo=np.full(len(tax_days), "PAYROLL TAX", object))
        bills = ["STATE WORKFORCE COMMISSION", LANDLORDS[int(rng.integers(len(LANDLORDS)))].upper()]
        amounts = [float(pay.sum() * 0.03), float(rng.uniform(2500, 8000))]
        if housed:
            bills.append(LANDLORDS[int(rng.integers(len(LANDLORDS)))].upper())
            amounts.append(float(housed * rng.uniform(250, 500)))
        spending.monthly_bills(book, np.full(len(bills), acct.index), np.array(bills, object),
                               np.array(amounts), "LEASE")
        spending.regular_transfers(book, acct, pop.primary[owner.key], 30, (3000, 9000), 1, "ach",
                                   "OWNER DRAW")
        spending.everyday_spending(book, np.array([w.index for w in workers]), 6.0)
        pop.lookalikes.append({"kind": "real_staffing_agency",
                               "refs": [acct.ref, *[w.ref for w in workers]]})
