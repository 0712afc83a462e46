"""The benign world: people, households, apartment buildings, businesses, their money
and the open-source records about them, including every false-positive trap of
INDICATORS.md (legitimate spas, late bars, hotels, real staffing agencies, business
travellers, remittance senders, a car sold for cash, shared addresses).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import messiness, spending
from .book import BANKS, Account, Business, Person, WorldBook, business_core, pick
from .names import (
    ADS_BENIGN,
    BUSINESS_WORDS,
    CITIES,
    COURT_BENIGN,
    EMPLOYERS,
    FOREIGN_CITIES,
    FOREIGN_COUNTRIES,
    FOREIGN_FIRST,
    FOREIGN_LAST,
    LANDLORDS,
    LAST_NAMES,
    NEWS_BENIGN,
    NEWS_STAFFING_BENIGN,
    REMITTANCE_SERVICES,
    REVIEWS_LATE_BAR,
    REVIEWS_NEUTRAL,
    REVIEWS_POSITIVE,
    SANCTIONS_TEXT,
)
from .timeline import (
    DAY,
    DAYS,
    HOUR,
    HOURS_ANY,
    HOURS_BAR,
    HOURS_DAY,
    HOURS_SHOP,
    START_S,
    local_times,
    to_utc,
)

# category: (count at scale 1, mcc, receipts a month, ticket $, hours, staff range)
BUSINESS_PLAN = {
    "spa": (6, "7297", 32, 140.0, HOURS_SHOP, (2, 5)),
    "nail salon": (6, "7230", 35, 48.0, HOURS_SHOP, (2, 5)),
    "bar": (5, "5813", 45, 38.0, HOURS_BAR, (3, 7)),
    "hotel": (4, "7011", 35, 160.0, HOURS_ANY, (4, 9)),
    "staffing agency": (4, "7361", 0, 0.0, HOURS_DAY, (8, 16)),
    "restaurant": (10, "5812", 25, 42.0, HOURS_DAY, (2, 6)),
    "auto repair": (5, "7538", 10, 380.0, HOURS_SHOP, (1, 4)),
    "dental office": (4, "8021", 12, 240.0, HOURS_SHOP, (1, 4)),
    "cleaning service": (4, "7349", 6, 160.0, HOURS_SHOP, (1, 4)),
    "landscaping": (4, "0780", 6, 120.0, HOURS_SHOP, (1, 4)),
    "retail": (7, "5999", 25, 36.0, HOURS_SHOP, (1, 4)),
    "construction": (5, "1520", 3, 4200.0, HOURS_SHOP, (1, 4)),
}
CATEGORY_TEXT = {
    "spa": ("day spa", "Spa", "massage therapy", "wellness spa"),
    "nail salon": ("nail salon", "Nail Salon", "beauty salon"),
    "bar": ("bar", "tavern", "Bar/Lounge"),
    "hotel": ("hotel", "Hotel/Motel", "lodging"),
    "staffing agency": ("staffing agency", "Staffing", "temporary employment agency"),
}
LICENCE = {
    "spa": "Massage establishment license",
    "nail salon": "Cosmetology establishment license",
    "bar": "Mixed beverage permit",
    "hotel": "Lodging establishment license",
    "staffing agency": "Employment agency license",
    "restaurant": "Food service permit",
}
PERSON_LICENCES = (
    "Registered nurse",
    "Cosmetology operator",
    "Real estate salesperson",
    "Master electrician",
    "Licensed massage therapist",
    "Commercial driver",
)
LOOKALIKE_KIND = {
    "spa": "legit_spa",
    "nail salon": "nail_salon",
    "bar": "late_bar",
    "hotel": "hotel",
    "staffing agency": "staffing_agency",
}


@dataclass
class Population:
    """The benign people and businesses planted, for networks to draw on."""

    people: list[Person]
    primary: dict[str, Account]  # person key -> main account
    businesses: list[tuple[Business, Account]]
    lookalikes: list[dict] = field(default_factory=list)


def count(base: float, scale: float, minimum: int = 1) -> int:
    return max(minimum, int(round(base * scale)))


def plant_population(book: WorldBook, scale: float, wide: bool = False) -> Population:
    """Plant the benign world into `book`; returns what the networks may draw on.

    `wide` adds look-alikes the default world lacks: licensed spa chains under one
    owner across states (`_spa_chains`), night-shift workers paid in tips, drivers paid
    in cash on their routes and staffing agencies with real payroll (`lookalikes`)."""
    rng = book.rng
    people, buildings, households = _people(book, scale)
    primary: dict[str, Account] = {}
    for person in people:
        if rng.random() < 0.96:
            primary[person.key] = book.open_account(person)
    savings: list[tuple[Account, Account]] = []
    for person in people:
        if person.key in primary and rng.random() < 0.38:
            # a second account at another bank: savings, or dormant with no activity
            other = [b for b in BANKS if b != primary[person.key].partner]
            second = book.open_account(
                person, partner=other[int(rng.integers(2))], messy=0.5
            )
            if rng.random() < 0.5:
                savings.append((primary[person.key], second))
    pop = Population(people, primary, [])
    for b in buildings:
        refs = [primary[p.key].ref for p in b if p.key in primary]
        pop.lookalikes.append({"kind": "apartment_building", "refs": refs})
    for h in households[: count(6, scale, 2)]:
        refs = [primary[p.key].ref for p in h if p.key in primary]
        pop.lookalikes.append({"kind": "household", "refs": refs})

    employed = _businesses(book, pop, scale)
    if wide:
        _spa_chains(book, pop, scale)
    _individual_money(book, pop, employed, households)
    _savings(book, savings)
    _travellers(book, pop, scale)
    _remitters(book, pop, scale)
    _car_sales(book, pop, scale)
    _cash_businesses(book, pop, scale)
    if wide:
        from .lookalikes import plant_lookalikes  # it builds on this module's Population

        plant_lookalikes(book, pop, scale)
    _benign_osint(book, pop, scale)
    return pop


def _people(
    book: WorldBook, scale: float
) -> tuple[list[Person], list[list[Person]], list[list[Person]]]:
    rng = book.rng
    target = count(2500, scale, 50)
    people: list[Person] = []
    buildings: list[list[Person]] = []
    for _ in range(count(6, scale, 2)):
        base = book.address(unit="")
        residents = []
        for unit in rng.choice(
            np.arange(101, 460), size=int(rng.integers(12, 30)), replace=False
        ):
            addr = type(base)(**{**base.__dict__, "unit": str(int(unit))})
            residents.append(book.new_person(addr))
        buildings.append(residents)
        people.extend(residents)
    households: list[list[Person]] = []
    while len(people) < target * 0.35 or len(households) < 2:
        addr = book.address(unit="")
        last = str(rng.choice(LAST_NAMES))
        size = int(rng.integers(2, 5))
        house = [book.new_person(addr, last=last, age=(19, 70)) for _ in range(size)]
        shared = house[0].phone if rng.random() < 0.4 else None
        if shared:  # a landline on every household member's records
            for p in house[1:]:
                p.phone = shared
        households.append(house)
        people.extend(house)
    while len(people) < target:
        people.append(book.new_person())
    return people, buildings, households


def _businesses(book: WorldBook, pop: Population, scale: float) -> set[str]:
    """Businesses with owners, accounts, payroll, receipts and bills.

    Returns the keys of the people they employ."""
    rng = book.rng
    employed: set[str] = set()
    pool = [p for p in pop.people if p.key in pop.primary]
    order = rng.permutation(len(pool))
    cursor = 0
    for category, (base, mcc, monthly, ticket, hours, staff) in BUSINESS_PLAN.items():
        words = BUSINESS_WORDS[category]
        for i in range(count(base, scale)):
            owner = pool[int(order[cursor % len(pool)])]
            cursor += 1
            core = business_core(rng, words)
            if rng.random() < 0.1:
                core = core.replace(" ", " & ", 1) if " " in core else core
            city = owner.address.city if rng.random() < 0.7 else book.city()
            biz = book.new_business(category, core, city, [owner])
            texts = CATEGORY_TEXT.get(category, (category,))
            acct = book.open_account(
                biz, category_text=texts[int(rng.integers(len(texts)))], messy=0.4
            )
            if rng.random() < 0.12:
                book.open_account(
                    biz, partner=[b for b in BANKS if b != acct.partner][0], messy=0.5
                )
            pop.businesses.append((biz, acct))
            n_staff = int(rng.integers(*staff))
            workers: list[Account] = []
            tries = 0
            while len(workers) < n_staff and tries < 10 * n_staff:
                tries += 1
                p = pool[int(order[cursor % len(pool)])]
                cursor += 1
                if p.key not in employed and p is not owner:
                    workers.append(pop.primary[p.key])
                    employed.add(p.key)
            salary = rng.normal(
                1500 if category != "staffing agency" else 1250, 250, len(workers)
            )
            spending.internal_payroll(book, acct, workers, np.maximum(salary, 600))
            owner_acct = pop.primary[owner.key]
            spending.regular_transfers(
                book, acct, owner_acct, 30, (3000, 9000), 1, "ach", "OWNER DRAW"
            )
            _receipts(book, acct, category, mcc, monthly, ticket, hours)
            _business_bills(book, acct, category)
            kind = LOOKALIKE_KIND.get(category)
            if kind:
                pop.lookalikes.append(
                    {"kind": kind, "refs": [acct.ref], "business": biz.key}
                )
                if i == 0:
                    pop.lookalikes[-1]["cleared"] = True
    return employed


def _spa_chains(book: WorldBook, pop: Population, scale: float) -> None:
    """Licensed day spas, two or three under one owner in as many states, sharing the
    chain's booking phone: daytime card receipts of list prices plus tips, payroll,
    rent and supplies, owner draws; registry, licence and reviews follow from
    `_benign_osint`. The look-alike for IMB-4 (one owner, spas in several states)."""
    rng = book.rng
    pool = [p for p in pop.people if p.key in pop.primary]
    words = BUSINESS_WORDS["spa"]
    monthly, ticket = BUSINESS_PLAN["spa"][2], BUSINESS_PLAN["spa"][3]
    regions = sorted({c.region for c in CITIES})
    for _ in range(count(2, scale)):
        owner = pool[int(rng.integers(len(pool)))]
        core = business_core(rng, words)
        states = rng.choice(len(regions), size=int(rng.integers(2, 4)), replace=False)
        chain_phone = None
        refs = []
        for i in states:
            biz = book.new_business("spa", core, book.city(regions[int(i)]), [owner])
            chain_phone = chain_phone or biz.phone
            biz.phone = chain_phone
            texts = CATEGORY_TEXT["spa"]
            acct = book.open_account(biz, category_text=texts[int(rng.integers(len(texts)))],
                                     messy=0.4)
            pop.businesses.append((biz, acct))
            staff = [pool[int(k)] for k in rng.choice(len(pool), size=int(rng.integers(3, 7)),
                                                       replace=False)]
            workers = [pop.primary[p.key] for p in staff if p is not owner]
            spending.internal_payroll(book, acct, workers,
                                      np.maximum(rng.normal(1700, 250, len(workers)), 900))
            spending.regular_transfers(book, acct, pop.primary[owner.key], 30, (3000, 9000), 1,
                                       "ach", "OWNER DRAW")
            _receipts(book, acct, "spa", "7297", monthly, ticket, HOURS_SHOP)
            _business_bills(book, acct, "spa")
            refs.append(acct.ref)
        pop.lookalikes.append({"kind": "spa_chain", "refs": refs})


def _receipts(
    book: WorldBook,
    acct: Account,
    category: str,
    mcc: str,
    monthly: int,
    ticket: float,
    hours: np.ndarray,
) -> None:
    rng = book.rng
    if category == "staffing agency":
        # clients pay invoices weekly by ACH
        days = np.arange(int(rng.integers(0, 7)), DAYS, 7)
        local = START_S + days * DAY + 10 * HOUR
        utc, off = to_utc(local, acct.region)
        clients = np.array(
            [
                "CLIENT " + c
                for c in (
                    "DISTRIBUTION CENTER",
                    "GULF FOODS",
                    "METRO HOSPITAL",
                    "APEX WAREHOUSING",
                )
            ],
            dtype=object,
        )[rng.integers(0, 4, len(days))]
        cents = spending.cents_around(rng, 14000, 0.2, len(days))
        book.add_txns(
            np.full(len(days), acct.index),
            utc,
            off,
            cents,
            "in",
            "ach",
            counterparty_name=clients,
            memo=np.full(len(days), "INVOICE", object),
        )
        return
    n = int(rng.poisson(monthly * 6))
    cents = spending.cents_around(rng, ticket, 0.45, n)
    if category == "spa":
        # list prices plus a tip: some round, most not
        base = rng.choice([60, 80, 90, 110, 130, 150, 180], size=n) * 100
        tip = np.where(
            rng.random(n) < 0.6, np.round(base * rng.uniform(0.12, 0.22, n)), 0
        )
        cents = (base + tip).astype(np.int64)
    spending.merchant_receipts(book, acct, n, mcc, hours, cents)
    if category in ("bar", "restaurant", "retail"):
        weeks = np.arange(int(rng.integers(0, 7)), DAYS, 7)
        local = START_S + weeks * DAY + 11 * HOUR
        spending.cash(
            book, acct, local, spending.cents_around(rng, 2200, 0.35, len(weeks)), "in"
        )


def _business_bills(book: WorldBook, acct: Account, category: str) -> None:
    rng = book.rng
    idx = np.array([acct.index])
    spending.monthly_bills(
        book,
        idx,
        np.array([LANDLORDS[int(rng.integers(len(LANDLORDS)))].upper()], object),
        np.array([float(rng.integers(2500, 9000))]),
        "LEASE",
    )
    n = int(rng.integers(10, 25))
    local = local_times(rng, n, HOURS_SHOP)
    supplier = {
        "bar": ("5181", "SOUTHERN BEVERAGE DIST"),
        "hotel": ("5411", "RESTAURANT DEPOT"),
        "restaurant": ("5411", "SYSCO FOODS"),
        "spa": ("5122", "SPA SUPPLY WHOLESALE"),
        "nail salon": ("5977", "BEAUTY SUPPLY DEPOT"),
    }.get(category, ("5200", "HOME DEPOT PRO"))
    spending.card_purchases(
        book,
        acct,
        local,
        spending.cents_around(rng, 450, 0.6, n),
        supplier[0],
        supplier[1],
    )


def _individual_money(
    book: WorldBook, pop: Population, employed: set[str], households: list[list[Person]]
) -> None:
    rng = book.rng
    accts = list(pop.primary.values())
    idx = np.array([a.index for a in accts], dtype=np.int64)
    outside = [a for a in accts if a.holder.key not in employed and rng.random() < 0.5]
    names = []
    for a in outside:
        template = EMPLOYERS[int(rng.integers(len(EMPLOYERS)))]
        names.append(template.format(city=a.city).upper())
    salary = np.maximum(rng.lognormal(np.log(1900), 0.35, len(outside)), 700)
    spending.external_payroll(book, outside, names, salary)
    spending.everyday_spending(book, idx, 3.4)
    renters = idx[rng.random(len(idx)) < 0.15]
    spending.monthly_bills(
        book,
        renters,
        np.array(
            [
                LANDLORDS[i].upper()
                for i in rng.integers(0, len(LANDLORDS), len(renters))
            ],
            object,
        ),
        np.round(rng.uniform(900, 2400, len(renters))),
        "RENT",
    )
    atm = idx[rng.random(len(idx)) < 0.25]
    reps = rng.integers(1, 4, len(atm))
    a = np.repeat(atm, reps)
    local = local_times(rng, len(a), HOURS_DAY)
    region, city = spending.regions_of(book, a)
    utc, off = to_utc(local, region)
    book.add_txns(
        a,
        utc,
        off,
        rng.choice([40, 60, 100, 200, 300], len(a)) * 100,
        "out",
        "cash",
        counterparty_name="ATM WITHDRAWAL",
        city=city,
        region=region,
    )
    # family members send each other money now and then
    src, dst = [], []
    for house in households:
        members = [pop.primary[p.key].index for p in house if p.key in pop.primary]
        if len(members) >= 2 and rng.random() < 0.5:
            for _ in range(int(rng.integers(1, 4))):
                s, d = rng.choice(members, 2, replace=False)
                src.append(s)
                dst.append(d)
    if src:
        local = local_times(rng, len(src), HOURS_DAY)
        region = np.array([book.accounts[i].region for i in src], object)
        utc, _ = to_utc(local, region)
        cents = rng.choice([20, 50, 75, 100, 150, 300], len(src)) * 100
        book.transfer(np.array(src), np.array(dst), utc, cents, "p2p", "family")


def _savings(book: WorldBook, pairs: list[tuple[Account, Account]]) -> None:
    """People moving money between their own accounts at two banks (benign GEN-2)."""
    rng = book.rng
    if not pairs:
        return
    reps = rng.integers(1, 4, len(pairs))
    src = np.repeat([a.index for a, _ in pairs], reps)
    dst = np.repeat([b.index for _, b in pairs], reps)
    flip = rng.random(len(src)) < 0.3
    src, dst = np.where(flip, dst, src), np.where(flip, src, dst)
    local = local_times(rng, len(src), HOURS_DAY)
    region = np.array([book.accounts[i].region for i in src], object)
    utc, _ = to_utc(local, region)
    cents = rng.choice([100, 200, 250, 500, 1000, 2000], len(src)) * 100
    book.transfer(src, dst, utc, cents, "ach", "TRANSFER", lag_s=3600)


def _travellers(book: WorldBook, pop: Population, scale: float) -> None:
    """Consultants on the road: flights and hotels in many states, reimbursed."""
    rng = book.rng
    accts = list(pop.primary.values())
    chosen = rng.choice(len(accts), size=count(8, scale, 2), replace=False)
    for k, i in enumerate(chosen):
        acct = accts[int(i)]
        stays, day = [], int(rng.integers(0, 8))
        while day < DAYS - 5:
            ci = int(rng.integers(len(CITIES)))
            nights = int(rng.integers(2, 5))
            stays.append((ci, day, nights))
            day += nights + int(rng.integers(3, 10))
        spending.hotel_stays(book, acct, stays, (139, 329))
        local = np.array([START_S + s[1] * DAY + 7 * HOUR for s in stays], np.int64)
        airline = np.array(
            [
                "UNITED AIRLINES",
                "DELTA AIR LINES",
                "AMERICAN AIRLINES",
                "SOUTHWEST AIR",
            ],
            object,
        )[rng.integers(0, 4, len(stays))]
        spending.card_purchases(
            book,
            acct,
            local,
            spending.cents_around(rng, 420, 0.3, len(stays)),
            "4511",
            airline,
        )
        if k == 0:  # one trip abroad, paid in local currency
            foreign, currency = FOREIGN_CITIES[0]
            local = (
                START_S + (int(rng.integers(20, 150)) + np.arange(3)) * DAY + 20 * HOUR
            )
            spending.card_purchases(
                book,
                acct,
                local,
                np.full(3, 24900),
                "3509",
                "MARRIOTT TORONTO",
                region=foreign.region,
                city=foreign.name,
                currency=currency,
                country="CA",
            )
        reimb_days = np.array(
            [s[1] + s[2] + 10 for s in stays if s[1] + s[2] + 10 < DAYS]
        )
        local = START_S + reimb_days * DAY + 5 * HOUR
        utc, off = to_utc(local, acct.region)
        book.add_txns(
            np.full(len(local), acct.index),
            utc,
            off,
            spending.cents_around(rng, 1400, 0.3, len(local)),
            "in",
            "ach",
            counterparty_name="CONSULTING PARTNERS LLP",
            memo="EXPENSE REIMBURSEMENT",
        )
        pop.lookalikes.append({"kind": "business_traveller", "refs": [acct.ref]})
        if k == 0:
            pop.lookalikes[-1]["cleared"] = True


def _remitters(book: WorldBook, pop: Population, scale: float) -> None:
    """Workers sending part of their pay home every few weeks (mcc 4829)."""
    rng = book.rng
    accts = list(pop.primary.values())
    chosen = rng.choice(len(accts), size=count(12, scale, 3), replace=False)
    for i in chosen:
        acct = accts[int(i)]
        days = np.arange(int(rng.integers(0, 14)), DAYS, int(rng.integers(14, 31)))
        local = START_S + days * DAY + rng.integers(10, 20, len(days)) * HOUR
        service = REMITTANCE_SERVICES[
            int(rng.integers(len(REMITTANCE_SERVICES)))
        ].upper()
        spending.card_purchases(
            book,
            acct,
            local,
            spending.cents_around(rng, 350, 0.3, len(days)),
            "4829",
            service,
        )
        pop.lookalikes.append({"kind": "remittance_sender", "refs": [acct.ref]})


def _car_sales(book: WorldBook, pop: Population, scale: float) -> None:
    """One large cash deposit from selling a car; one of them just under $10,000."""
    rng = book.rng
    accts = list(pop.primary.values())
    chosen = rng.choice(len(accts), size=count(3, scale, 2), replace=False)
    for k, i in enumerate(chosen):
        acct = accts[int(i)]
        dollars = 9600 if k == 1 else int(rng.integers(11, 25)) * 1000
        local = np.array([START_S + int(rng.integers(10, 170)) * DAY + 11 * HOUR])
        spending.cash(book, acct, local, np.array([dollars * 100]), "in")
        pop.lookalikes.append({"kind": "car_sale_cash", "refs": [acct.ref]})
        if k == 0:
            pop.lookalikes[-1]["cleared"] = True


def _cash_businesses(book: WorldBook, pop: Population, scale: float) -> None:
    """Restaurants and shops that bank their cash takings every few days and wire most of
    it to a supplier within two days: a funnel-account look-alike (cash in, out fast)."""
    rng = book.rng
    shops = [(b, a) for b, a in pop.businesses if b.category in ("restaurant", "retail", "bar")]
    if not shops:
        return
    k = min(len(shops), count(4, scale, 2))
    chosen = rng.choice(len(shops), size=k, replace=False)
    for n, i in enumerate(chosen):
        biz, acct = shops[int(i)]
        days = np.cumsum(rng.integers(1, 4, size=DAYS // 2))
        days = days[days < DAYS - 3]
        local = START_S + days * DAY + rng.integers(16, 19, len(days)) * HOUR
        cents = spending.cents_around(rng, float(rng.integers(900, 3500)), 0.3, len(days))
        spending.cash(book, acct, local, cents, "in")
        every = int(rng.integers(3, 8))
        pay_days = days[::every] + int(rng.integers(1, 3))
        out_local = START_S + pay_days * DAY + 10 * HOUR
        utc, off = to_utc(out_local, acct.region)
        chunk = np.add.reduceat(cents, np.arange(0, len(cents), every))[: len(pay_days)]
        supplier = SUPPLIERS[int(rng.integers(len(SUPPLIERS)))]
        book.add_txns(
            np.full(len(pay_days), acct.index), utc, off,
            (chunk * rng.uniform(0.8, 0.95, len(chunk))).astype(np.int64),
            "out", ("wire", "ach")[n % 2],
            counterparty_name=supplier, memo="INVOICE",
        )
        pop.lookalikes.append({"kind": "cash_business", "refs": [acct.ref], "business": biz.key})
        if n == 0:
            pop.lookalikes[-1]["cleared"] = True


SUPPLIERS = ("SYSCO FOOD SERVICES", "RESTAURANT DEPOT", "US FOODS INC", "WHOLESALE DIST CO",
             "CORE-MARK INTL")


def _benign_osint(book: WorldBook, pop: Population, scale: float) -> None:
    rng = book.rng
    for biz, acct in pop.businesses:
        owner = biz.owners[0]
        n_reg = 2 if rng.random() < 0.3 else 1
        refs = []
        for _ in range(n_reg):
            refs.append(
                book.add_osint(
                    "business_registry",
                    biz.key,
                    "business",
                    biz.name(rng),
                    address=biz.address.line(rng),
                    city=biz.address.city.name,
                    region=biz.address.city.region,
                    postal_code=biz.address.postal,
                    country="US",
                    phone=messiness.phone(rng, biz.phone)
                    if rng.random() < 0.5
                    else None,
                    website=biz.website if rng.random() < 0.6 else None,
                    related_names=[owner.name(rng, 0.6)],
                    url=f"https://sos.{biz.address.city.region.lower()}.example.gov/entity/{biz.key[1:]}",
                )
            )
        if biz.category in LICENCE:
            refs.append(
                book.add_osint(
                    "license",
                    biz.key,
                    "business",
                    biz.name(rng),
                    address=biz.address.line(rng),
                    city=biz.address.city.name,
                    region=biz.address.city.region,
                    postal_code=biz.address.postal,
                    country="US",
                    related_names=[owner.name(rng, 0.5)],
                    text=f"{LICENCE[biz.category]}, active, expires 2027-"
                    f"{int(rng.integers(1, 13)):02d}-01",
                )
            )
        if biz.category not in ("construction", "landscaping", "cleaning service"):
            n_rev = int(rng.integers(6, 20))
            for _ in range(n_rev):
                r = rng.random()
                if biz.category == "bar" and r < 0.35:
                    text = REVIEWS_LATE_BAR[int(rng.integers(len(REVIEWS_LATE_BAR)))]
                elif r < 0.75:
                    text = REVIEWS_POSITIVE[int(rng.integers(len(REVIEWS_POSITIVE)))]
                else:
                    text = REVIEWS_NEUTRAL[int(rng.integers(len(REVIEWS_NEUTRAL)))]
                refs.append(
                    book.add_osint(
                        "review",
                        biz.key,
                        "business",
                        biz.name(rng, 0.4),
                        city=biz.address.city.name,
                        region=biz.address.city.region,
                        phone=messiness.phone(rng, biz.phone)
                        if rng.random() < 0.3
                        else None,
                        website=biz.website if rng.random() < 0.3 else None,
                        text=text,
                        url=f"https://reviews.example.com/biz/{biz.key[1:]}/{int(rng.integers(10**6))}",
                    )
                )
        if biz.category == "staffing agency":
            t = NEWS_STAFFING_BENIGN[int(rng.integers(len(NEWS_STAFFING_BENIGN)))]
            refs.append(
                book.add_osint(
                    "news",
                    biz.key,
                    "business",
                    biz.name(rng),
                    city=biz.address.city.name,
                    region=biz.address.city.region,
                    related_names=[owner.name(rng)],
                    text=t.format(biz=biz.name(rng, 0.2), city=biz.address.city.name),
                    url=f"https://news.example.com/{int(rng.integers(10**7))}",
                )
            )
        for la in pop.lookalikes:
            if la.get("business") == biz.key:
                la["refs"].extend(refs)
    accts = list(pop.primary.values())
    people = [a.holder for a in accts]
    for _ in range(count(500, scale)):
        p = people[int(rng.integers(len(people)))]
        book.add_osint(
            "license",
            p.key,
            "person",
            p.name(rng, 0.5),
            date_of_birth=p.dob if rng.random() < 0.3 else None,
            city=p.address.city.name,
            region=p.address.city.region,
            country="US",
            text=f"{pick(rng, PERSON_LICENCES)} license, active",
        )
    for _ in range(count(600, scale)):
        p = people[int(rng.integers(len(people)))]
        text, cat = ADS_BENIGN[int(rng.integers(len(ADS_BENIGN)))]
        book.add_osint(
            "online_ad",
            p.key,
            "person",
            p.name(rng, 0.3) if rng.random() < 0.5 else p.first,
            city=p.address.city.name,
            region=p.address.city.region,
            phone=messiness.phone(rng, p.phone),
            email=messiness.email(rng, p.email) if rng.random() < 0.3 else None,
            text=text,
            url=f"https://classifieds.example.com/{cat.lower().replace(' ', '-')}/"
            f"{rng.integers(10**8)}",
        )
    bizs = [b for b, _ in pop.businesses]
    for _ in range(count(140, scale)):
        p = people[int(rng.integers(len(people)))]
        b = bizs[int(rng.integers(len(bizs)))]
        t = NEWS_BENIGN[int(rng.integers(len(NEWS_BENIGN)))]
        about_biz = "{name}" not in t
        key, etype = (b.key, "business") if about_biz else (p.key, "person")
        name = b.name(rng) if about_biz else p.name(rng, 0.4)
        book.add_osint(
            "news",
            key,
            etype,
            name,
            city=p.address.city.name,
            region=p.address.city.region,
            text=t.format(name=name, biz=b.name(rng, 0.2), city=p.address.city.name),
            url=f"https://news.example.com/{int(rng.integers(10**7))}",
        )
    for _ in range(count(360, scale)):
        p = people[int(rng.integers(len(people)))]
        b = bizs[int(rng.integers(len(bizs)))]
        t = COURT_BENIGN[int(rng.integers(len(COURT_BENIGN)))]
        about_biz = "{name}" not in t
        key, etype = (b.key, "business") if about_biz else (p.key, "person")
        name = b.name(rng) if about_biz else p.name(rng, 0.5)
        book.add_osint(
            "court_record",
            key,
            etype,
            name,
            date_of_birth=p.dob if not about_biz and rng.random() < 0.5 else None,
            address=p.address.line(rng)
            if not about_biz and rng.random() < 0.4
            else None,
            city=p.address.city.name,
            region=p.address.city.region,
            text=t.format(name=name, biz=b.name(rng, 0.2)),
            url=f"https://courts.example.gov/case/{int(rng.integers(10**8))}",
        )
    for _ in range(count(60, scale)):
        first = FOREIGN_FIRST[int(rng.integers(len(FOREIGN_FIRST)))]
        last = FOREIGN_LAST[int(rng.integers(len(FOREIGN_LAST)))]
        p = book.new_person(book.address(), last=last, first=first, age=(30, 70))
        book.add_osint(
            "sanctions",
            p.key,
            "person",
            f"{last.upper()}, {first}",
            aliases=[p.name(rng, 1.0), f"{first} {messiness.strip_accents(last)}"],
            date_of_birth=p.dob,
            country=FOREIGN_COUNTRIES[int(rng.integers(len(FOREIGN_COUNTRIES)))],
            text=SANCTIONS_TEXT[int(rng.integers(len(SANCTIONS_TEXT) - 1))],
            url=f"https://sanctions.example.gov/entry/{int(rng.integers(10**6))}",
        )
