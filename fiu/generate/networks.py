"""Planted trafficking networks, one function per typology of INDICATORS.md.

Each planter opens the members' accounts (spread over the banks), writes their money
flows and files the open-source records that betray them, and returns a `Network` with
every planted account and osint ref and its role: `subject` for those who profit,
`potential_victim` for the people advertised, swept or used as account holders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import messiness, spending
from .book import BANKS, Account, Address, Business, Person, WorldBook, business_core
from .names import (
    AD_SITES,
    ADS_ESCORT,
    ADS_IMB,
    BUSINESS_WORDS,
    CITIES,
    COURT_FUNNEL,
    COURT_LABOR,
    ETHNIC_WORDS,
    FIRST_NAMES,
    NEWS_FUNNEL,
    NEWS_LABOR,
    REVIEWS_IMB_HINTS,
    REVIEWS_NEUTRAL,
    REVIEWS_POSITIVE,
    STAGE_NAMES,
)
from .population import Population
from .timeline import (
    DAY,
    DAYS,
    HOUR,
    HOURS_DAY,
    HOURS_LATE,
    HOURS_NIGHT,
    HOURS_SHOP,
    START_S,
    local_times,
    to_utc,
)

SUBJECT = "subject"
VICTIM = "potential_victim"

# Where networks operate: weighted towards the two states with a task force partner.
HOME_REGIONS = ("TX", "TX", "TX", "FL", "FL", "FL", "CA", "GA", "NY", "NV", "IL", "AZ")
LATIN_FIRST = tuple(n for n in FIRST_NAMES[80:108])


@dataclass(frozen=True)
class Ranges:
    """Per-network ranges of what the planters draw, beyond the default world's.

    The default world (`wide=False`) keeps the narrow values it always had (so its
    figures stay comparable); `WIDE` draws per network: how many banks the controller
    holds accounts at, the share of victims' money forwarded, the longest delay before
    forwarding, (escort) the chance that an advertised woman holds an account, and
    (funnel) the chance that the first funnel account is an accomplice's own, lived-on
    account and how many everyday purchases a month he makes on it.
    """

    wide: bool = False
    controller_banks: tuple[int, int] = (1, 3)
    forward_share: tuple[float, float] = (0.40, 0.95)
    delay_hours: tuple[int, int] = (2, 168)
    victims_hold_accounts: tuple[float, float] = (0.3, 1.0)
    # funnel: the chance that the first funnel account is an accomplice's own (else all
    # are in victims' names), and how many everyday purchases a month he makes on it
    accomplice_chance: tuple[float, float] = (0.2, 0.8)
    accomplice_purchases: tuple[float, float] = (3.0, 40.0)

    def draw(self, rng: np.random.Generator, narrow_share: tuple[float, float],
             narrow_delay: tuple[int, int]) -> tuple[int, tuple[float, float], tuple[int, int], float]:
        """(controller banks, share range, delay range in hours, victims hold accounts
        chance) of one network; the narrow values, without drawing, when not wide."""
        if not self.wide:
            return 1, narrow_share, narrow_delay, 1.0
        banks = int(rng.integers(self.controller_banks[0], self.controller_banks[1] + 1))
        centre = float(rng.uniform(*self.forward_share))
        share = (max(0.05, centre - 0.04), min(0.99, centre + 0.04))
        longest = int(rng.integers(self.delay_hours[0] + 1, self.delay_hours[1] + 1))
        hold = float(rng.uniform(*self.victims_hold_accounts))
        return banks, share, (self.delay_hours[0], longest), hold


NARROW = Ranges()
WIDE = Ranges(wide=True)


def _controller_accounts(book: WorldBook, net: Network, holder: Person, first: Account,
                         banks: int) -> list[Account]:
    """The controller's accounts at `banks` distinct banks (the first already open)."""
    accts = [first]
    others = [b for b in BANKS if b != first.partner]
    for bank in others[: banks - 1]:
        accts.append(_protected_account(book, net, holder, SUBJECT, partner=bank, messy=0.6))
    return accts


def _pick(rng: np.random.Generator, accts: list[Account], n: int) -> np.ndarray:
    """Indices of `n` payees among `accts` (no draw when there is one)."""
    if len(accts) == 1:
        return np.full(n, accts[0].index)
    return np.array([a.index for a in accts])[rng.integers(0, len(accts), n)]


@dataclass
class Network:
    network_id: str
    typology: str
    labelled: bool
    roles: dict[str, str] = field(default_factory=dict)

    def add(self, ref: str, role: str) -> str:
        self.roles[ref] = role
        return ref


def _protected_account(
    book: WorldBook,
    net: Network,
    holder: Person | Business,
    role: str,
    **kwargs: object,
) -> Account:
    acct = book.open_account(holder, protected=True, **kwargs)  # type: ignore[arg-type]
    net.add(acct.ref, role)
    return acct


def _osint(
    book: WorldBook,
    net: Network,
    role: str,
    source: str,
    key: str,
    etype: str,
    name: str,
    **fields: object,
) -> str:
    return net.add(
        book.add_osint(source, key, etype, name, protected=True, **fields), role
    )


def _other_bank(rng: np.random.Generator, bank: str) -> str:
    others = [b for b in BANKS if b != bank]
    return others[int(rng.integers(2))]


def _cities_in(rng: np.random.Generator, regions: list[str]) -> list[int]:
    """One city index in each of the regions."""
    out = []
    for r in regions:
        options = [i for i, c in enumerate(CITIES) if c.region == r]
        out.append(options[int(rng.integers(len(options)))])
    return out


def _distinct_regions(rng: np.random.Generator, home: str, k: int) -> list[str]:
    all_regions = sorted({c.region for c in CITIES} - {home})
    picks = rng.choice(len(all_regions), size=k - 1, replace=False)
    return [home, *[all_regions[int(i)] for i in picks]]


def _daily_spend(book: WorldBook, accts: list[Account]) -> None:
    spending.everyday_spending(book, np.array([a.index for a in accts], np.int64), 4.0)


# --- illicit massage business ------------------------------------------------------


def plant_massage_network(book: WorldBook, pop: Population, net: Network,
                          ranges: Ranges = NARROW) -> None:
    """Spas under common owners in ≥2 states: night receipts, round prices, no payroll,
    lodging and groceries, weekly round transfers to the owner, ads, telling reviews."""
    rng = book.rng
    home = HOME_REGIONS[int(rng.integers(len(HOME_REGIONS)))]
    owner = book.new_person(book.address(book.city(home)), age=(35, 65))
    owners = [owner]
    if rng.random() < 0.4:
        owners.append(book.new_person(owner.address, last=owner.last, age=(30, 60)))
    owner_acct = _protected_account(book, net, owner, SUBJECT)
    if rng.random() < 0.5:
        owner_acct2 = _protected_account(
            book,
            net,
            owner,
            SUBJECT,
            partner=_other_bank(rng, owner_acct.partner),
            messy=0.6,
        )
    else:
        owner_acct2 = owner_acct
    for co in owners[1:]:
        _protected_account(book, net, co, SUBJECT)
    regions = _distinct_regions(rng, home, int(rng.integers(2, 4)))
    n_spas = int(rng.integers(2, 5))
    spa_regions = [regions[i % len(regions)] for i in range(n_spas)]
    words = BUSINESS_WORDS["massage"]
    motel = "ECONOMY LODGE"
    for region in spa_regions:
        city = book.city(region)
        core = business_core(rng, words)
        spa = book.new_business("massage", core, city, owners)
        cat = ("massage", "Massage parlor", "spa", "health spa", "reflexology")[
            int(rng.integers(5))
        ]
        acct = _protected_account(book, net, spa, SUBJECT, category_text=cat, messy=0.4)
        # IMB-1, IMB-2: night card receipts at session prices
        n = int(rng.poisson(rng.integers(75, 110) * 6))
        night_share = rng.uniform(0.5, 0.75)
        hours = (
            night_share * HOURS_LATE / HOURS_LATE.sum()
            + (1 - night_share) * HOURS_SHOP / HOURS_SHOP.sum()
        )
        price = rng.choice(
            [80, 100, 120, 160, 200, 250], size=n, p=[0.15, 0.25, 0.25, 0.15, 0.1, 0.1]
        )
        cents = price * 100
        odd = rng.random(n) < 0.08
        cents[odd] = cents[odd] + rng.integers(1, 99, int(odd.sum())) * 50
        spending.merchant_receipts(book, acct, n, "7297", hours, cents.astype(np.int64))
        spending.monthly_bills(
            book,
            np.array([acct.index]),
            np.array(["PLAZA RETAIL LEASING"], object),
            np.array([float(rng.integers(2500, 4500))]),
            "LEASE",
        )
        # IMB-7: the business pays for lodging and bulk groceries
        k = int(rng.integers(10, 25))
        local = local_times(rng, k, HOURS_SHOP)
        spending.card_purchases(
            book, acct, local, spending.cents_around(rng, 75, 0.2, k), "7011", motel
        )
        weeks = np.arange(int(rng.integers(0, 7)), DAYS, 7)
        local = START_S + weeks * DAY + 11 * HOUR
        spending.card_purchases(
            book,
            acct,
            local,
            spending.cents_around(rng, 420, 0.3, len(weeks)),
            "5411",
            ("ASIAN SUPERMARKET", "SAMS CLUB #4821", "RESTAURANT DEPOT")[
                int(rng.integers(3))
            ],
        )
        # GEN-6: weekly round transfers business -> owner, sometimes to another bank
        target = owner_acct2 if rng.random() < 0.5 else owner_acct
        spending.regular_transfers(
            book,
            acct,
            target,
            7,
            (2000, 6000),
            500,
            ("wire", "ach")[int(rng.integers(2))],
            None,
        )
        # IMB-4: registry and licence name the owner, in spelling variants
        for _ in range(int(rng.integers(1, 3))):
            _osint(
                book,
                net,
                SUBJECT,
                "business_registry",
                spa.key,
                "business",
                spa.name(rng),
                address=spa.address.line(rng),
                city=city.name,
                region=region,
                postal_code=spa.address.postal,
                country="US",
                phone=messiness.phone(rng, spa.phone) if rng.random() < 0.6 else None,
                related_names=[o.name(rng, 0.8) for o in owners],
                url=f"https://sos.{region.lower()}.example.gov/entity/{spa.key[1:]}",
            )
        _osint(
            book,
            net,
            SUBJECT,
            "license",
            spa.key,
            "business",
            spa.name(rng),
            address=spa.address.line(rng),
            city=city.name,
            region=region,
            postal_code=spa.address.postal,
            country="US",
            related_names=[owner.name(rng, 0.8)],
            text="Massage establishment license, active"
            if rng.random() < 0.6
            else "Massage establishment license, expired",
        )
        # IMB-5: the spa's phone behind suggestive ads naming the women advertised
        for _ in range(int(rng.integers(2, 5))):
            victim = book.new_person(spa.address, age=(19, 35))
            stage = STAGE_NAMES[int(rng.integers(len(STAGE_NAMES)))]
            digits = spa.phone
            text = ADS_IMB[int(rng.integers(len(ADS_IMB)))].format(
                name=stage,
                city=city.name,
                ethnic=ETHNIC_WORDS[int(rng.integers(len(ETHNIC_WORDS)))],
                obf=messiness.obfuscated_phone(rng, digits)
                if rng.random() < 0.5
                else messiness.phone(rng, digits),
            )
            _osint(
                book,
                net,
                VICTIM,
                "online_ad",
                victim.key,
                "person",
                stage,
                aliases=[victim.first] if rng.random() < 0.3 else None,
                city=city.name,
                region=region,
                phone=messiness.phone(rng, digits),
                text=text,
                url=f"https://ads.example.com/bodyrubs/{int(rng.integers(10**8))}",
            )
        # IMB-6: reviews that hint at workers living on site, cash only, late hours
        for _ in range(int(rng.integers(3, 8))):
            r = rng.random()
            pool = (
                REVIEWS_IMB_HINTS
                if r < 0.6
                else (REVIEWS_POSITIVE if r < 0.85 else REVIEWS_NEUTRAL)
            )
            _osint(
                book,
                net,
                SUBJECT,
                "review",
                spa.key,
                "business",
                spa.name(rng, 0.4),
                city=city.name,
                region=region,
                phone=messiness.phone(rng, spa.phone) if rng.random() < 0.3 else None,
                text=pool[int(rng.integers(len(pool)))],
                url=f"https://reviews.example.com/biz/{spa.key[1:]}/{int(rng.integers(10**6))}",
            )
    _daily_spend(book, [owner_acct])


# --- escort / online commercial sex ------------------------------------------------


def plant_escort_network(book: WorldBook, pop: Population, net: Network,
                         ranges: Ranges = NARROW) -> None:
    """A controller moving a circuit of cities, paying ad sites, hotels, prepaid and
    crypto; the advertised women's accounts take night p2p payments and forward most of
    them to the controller within two days (wide: to any of his accounts, a drawn
    share after a drawn delay; some women hold no account)."""
    rng = book.rng
    home = HOME_REGIONS[int(rng.integers(len(HOME_REGIONS)))]
    boss = book.new_person(book.address(book.city(home)), age=(25, 50))
    boss_acct = _protected_account(book, net, boss, SUBJECT)
    banks, share, delay, hold = ranges.draw(rng, (0.75, 0.92), (2, 40))
    boss_accts = _controller_accounts(book, net, boss, boss_acct, banks)
    if rng.random() < 0.4:
        stash = _protected_account(
            book,
            net,
            boss,
            SUBJECT,
            partner=_other_bank(rng, boss_acct.partner),
            messy=0.6,
        )
        spending.regular_transfers(book, boss_acct, stash, 10, (1000, 5000), 100, "ach")
    # ESC-2: a circuit of hotels, a new state every week or so
    circuit = _cities_in(rng, _distinct_regions(rng, home, int(rng.integers(4, 7))))
    stays, day, legs = [], int(rng.integers(0, 5)), []
    while day < DAYS - 3:
        ci = circuit[len(stays) % len(circuit)]
        nights = int(rng.integers(2, 5))
        stays.append((ci, day, nights))
        legs.append((ci, day, day + nights + 1))
        day += nights + int(rng.integers(1, 5))
    spending.hotel_stays(book, boss_acct, stays, (69, 149))
    # ESC-1: small, frequent payments to ad sites
    days = np.cumsum(rng.integers(1, 4, size=90))
    days = days[days < DAYS]
    local = START_S + days * DAY + rng.integers(9, 24, len(days)) * HOUR
    sites = np.array([s.upper() for s in AD_SITES], object)[
        rng.integers(0, len(AD_SITES), len(days))
    ]
    spending.card_purchases(
        book,
        boss_acct,
        local,
        (rng.choice([15, 20, 25, 30, 45, 60], len(days)) * 100 - 1),
        "7311",
        sites,
    )
    # ESC-5: prepaid card loads and virtual currency
    for channel, mcc, names, every, typical in (
        (
            "prepaid",
            "6540",
            ("GREEN DOT RELOAD", "NETSPEND LOAD", "VANILLA PREPAID"),
            9,
            400,
        ),
        (
            "crypto",
            "6051",
            ("COINFLIP BTC ATM", "BITDEPOT KIOSK", "CRYPTO EXPRESS"),
            14,
            900,
        ),
    ):
        d = np.arange(int(rng.integers(0, every)), DAYS, every)
        d = d + rng.integers(0, 3, len(d))
        d = d[d < DAYS]
        local = START_S + d * DAY + rng.integers(10, 23, len(d)) * HOUR
        spending.card_purchases(
            book,
            boss_acct,
            local,
            spending.cents_around(rng, typical, 0.3, len(d)),
            mcc,
            np.array(names, object)[rng.integers(0, 3, len(d))],
            channel=channel,
        )
    # ESC-3, ESC-6: the women's accounts
    n_victims = int(rng.integers(3, 7))
    for v in range(n_victims):
        shares_boss = rng.random() < 0.5
        victim = book.new_person(
            boss.address if shares_boss else book.address(book.city(home)),
            age=(18, 27),
        )
        if hold >= 1.0 or rng.random() < hold:
            acct = _protected_account(
                book,
                net,
                victim,
                VICTIM,
                phone=boss.phone if rng.random() < 0.4 else None,
                opened_day=int(rng.integers(-240, -1)),
            )
            _victim_inflows_and_forwarding(book, acct, boss_accts, legs, share, delay)
        # ESC-4: the boss's phone and email behind ads under different names and cities
        stage_names = rng.choice(
            STAGE_NAMES, size=int(rng.integers(2, 5)), replace=False
        )
        for k, stage in enumerate(stage_names):
            ci = legs[int(rng.integers(len(legs)))][0]
            c = CITIES[ci]
            text = ADS_ESCORT[int(rng.integers(len(ADS_ESCORT)))].format(
                name=str(stage),
                city=c.name,
                ethnic=ETHNIC_WORDS[int(rng.integers(len(ETHNIC_WORDS)))],
                obf=messiness.obfuscated_phone(rng, boss.phone),
            )
            _osint(
                book,
                net,
                VICTIM,
                "online_ad",
                victim.key,
                "person",
                str(stage),
                aliases=[victim.first] if k == 0 and rng.random() < 0.4 else None,
                city=c.name,
                region=c.region,
                phone=messiness.phone(rng, boss.phone) if rng.random() < 0.85 else None,
                email=messiness.email(rng, boss.email) if rng.random() < 0.4 else None,
                text=text,
                url=f"https://ads.example.com/escorts/{int(rng.integers(10**8))}",
                observed_day=int(rng.integers(0, DAYS)),
            )
    if rng.random() < 0.3:
        _osint(
            book,
            net,
            SUBJECT,
            "court_record",
            boss.key,
            "person",
            boss.name(rng, 0.7),
            date_of_birth=boss.dob,
            city=boss.address.city.name,
            region=home,
            text=COURT_FUNNEL[1].format(name=boss.name(rng, 0.3)),
            url=f"https://courts.example.gov/case/{int(rng.integers(10**8))}",
        )
    _daily_spend(book, [boss_acct])


def _victim_inflows_and_forwarding(
    book: WorldBook,
    acct: Account,
    boss_accts: list[Account],
    legs: list[tuple[int, int, int]],
    share: tuple[float, float] = (0.75, 0.92),
    delay: tuple[int, int] = (2, 40),
) -> None:
    rng = book.rng
    n = int(rng.integers(60, 130))
    leg = rng.integers(0, len(legs), n)
    ci = np.array([legs[i][0] for i in leg])
    lo = np.array([legs[i][1] for i in leg])
    hi = np.array([max(legs[i][2], legs[i][1] + 1) for i in leg])
    local = local_times(rng, n, HOURS_NIGHT, lo, np.minimum(hi, DAYS))
    region = np.array([CITIES[i].region for i in ci], object)
    utc, off = to_utc(local, region)
    payers = [
        f"{FIRST_NAMES[int(a)]} {b}".upper()
        for a, b in zip(
            rng.integers(0, 80, n),
            rng.choice(
                (
                    "SMITH",
                    "JONES",
                    "MILLER",
                    "DAVIS",
                    "WILSON",
                    "MOORE",
                    "TAYLOR",
                    "CLARK",
                    "HALL",
                    "YOUNG",
                    "KING",
                    "WRIGHT",
                    "LOPEZ",
                    "HILL",
                    "GREEN",
                    "BAKER",
                    "NELSON",
                    "CARTER",
                    "REED",
                    "COOK",
                    "WARD",
                    "GRAY",
                    "KELLY",
                    "WOOD",
                ),
                n,
            ),
        )
    ]
    cents = rng.choice([150, 200, 250, 300, 350, 400, 500], n) * 100
    apps = np.array(["ZELLE", "VENMO", "CASH APP", "PAYPAL"], object)[
        rng.integers(0, 4, n)
    ]
    book.add_txns(
        np.full(n, acct.index),
        utc,
        off,
        cents,
        "in",
        "p2p",
        counterparty_name=np.array(payers, object),
        memo=apps,
    )
    # forward a share of what came in to the controller, some hours after the last payment
    order = np.argsort(utc, kind="stable")
    utc_sorted, cents_sorted = utc[order], cents[order]
    out_t, out_c = [], []
    i = 0
    while i < n:
        j = min(n, i + int(rng.integers(2, 6)))
        window = cents_sorted[i:j].sum()
        t = int(utc_sorted[j - 1]) + int(rng.integers(*delay)) * HOUR
        out_t.append(t)
        out_c.append(int(round(window * rng.uniform(*share) / 1000)) * 1000)
        i = j
    channel = ("p2p", "ach")[int(rng.integers(2))]
    book.transfer(
        np.full(len(out_t), acct.index),
        _pick(rng, boss_accts, len(out_t)),
        np.array(out_t, np.int64),
        np.array(out_c, np.int64),
        channel,
    )
    spending.everyday_spending(book, np.array([acct.index]), 5.0)


# --- labor trafficking --------------------------------------------------------------


def plant_labor_network(book: WorldBook, pop: Population, net: Network,
                        ranges: Ranges = NARROW) -> None:
    """A labor contractor whose workers' accounts, opened together at one address with
    the officer's phone, see payroll swept to the officer and fees paid back (wide: to
    any of the officer's accounts, a drawn share after a drawn delay)."""
    rng = book.rng
    home = HOME_REGIONS[int(rng.integers(len(HOME_REGIONS)))]
    city = book.city(home)
    officer = book.new_person(book.address(city), age=(35, 65))
    officer_acct = _protected_account(book, net, officer, SUBJECT)
    banks, share_range, delay, _ = ranges.draw(rng, (0.72, 0.9), (2, 40))
    officer_accts = _controller_accounts(book, net, officer, officer_acct, banks)
    words = BUSINESS_WORDS["labor contractor"]
    core = business_core(rng, words)
    biz = book.new_business("labor contractor", core, city, [officer])
    cat = ("labor contractor", "staffing agency", "farm labor contractor", "Staffing")[
        int(rng.integers(4))
    ]
    biz_acct = _protected_account(
        book,
        net,
        biz,
        SUBJECT,
        category_text=cat,
        partner=_other_bank(rng, officer_acct.partner)
        if rng.random() < 0.6
        else officer_acct.partner,
    )
    # LAB-4: registry, licence, and a wage claim in court or the news
    region = city.region
    _osint(
        book,
        net,
        SUBJECT,
        "business_registry",
        biz.key,
        "business",
        biz.name(rng),
        address=biz.address.line(rng),
        city=city.name,
        region=region,
        postal_code=biz.address.postal,
        country="US",
        phone=messiness.phone(rng, officer.phone),
        related_names=[officer.name(rng, 0.8)],
        url=f"https://sos.{region.lower()}.example.gov/entity/{biz.key[1:]}",
    )
    _osint(
        book,
        net,
        SUBJECT,
        "license",
        biz.key,
        "business",
        biz.name(rng),
        city=city.name,
        region=region,
        related_names=[officer.name(rng, 0.7)],
        text="Farm labor contractor certificate of registration, active",
    )
    source, templates = (("court_record", COURT_LABOR), ("news", NEWS_LABOR))[
        int(rng.integers(2))
    ]
    _osint(
        book,
        net,
        SUBJECT,
        source,
        biz.key,
        "business",
        biz.name(rng),
        city=city.name,
        region=region,
        related_names=[officer.name(rng, 0.6)],
        text=templates[int(rng.integers(len(templates)))].format(
            biz=biz.name(rng, 0.3), name=officer.name(rng, 0.3)
        ),
        url=f"https://{source.replace('_', '')}.example.gov/{int(rng.integers(10**8))}",
        observed_day=int(rng.integers(-300, 150)),
    )
    # LAB-2, LAB-3: workers' accounts opened within 14 days, one address, the officer's
    # phone
    housing = book.address(
        city, unit=str(int(rng.integers(1, 20))) if rng.random() < 0.5 else ""
    )
    d0 = int(rng.integers(-75, -14))  # workers' accounts opened in [d0, d0 + 14)
    main_bank = BANKS[int(rng.integers(3))]
    workers = []
    for _ in range(int(rng.integers(5, 13))):
        w = book.new_person(
            housing,
            first=LATIN_FIRST[int(rng.integers(len(LATIN_FIRST)))],
            age=(19, 45),
        )
        bank = main_bank if rng.random() < 0.75 else _other_bank(rng, main_bank)
        acct = _protected_account(
            book,
            net,
            w,
            VICTIM,
            partner=bank,
            opened_day=d0 + int(rng.integers(0, 14)),
            phone=officer.phone,
            messy=0.5,
        )
        workers.append(acct)
    # payroll in, then ≥70 % swept to the officer within 48 h (LAB-1), fee memos (LAB-5)
    first_day = max(d0 + 14, 0) + int(rng.integers(0, 14))
    days = np.arange(first_day, DAYS, 14)
    pay_src, pay_dst, pay_t, pay_c = [], [], [], []
    for acct in workers:
        salary = rng.uniform(850, 1300)
        for d in days:
            pay_src.append(biz_acct.index)
            pay_dst.append(acct.index)
            pay_t.append(START_S + int(d) * DAY + int(rng.integers(3, 7)) * HOUR)
            pay_c.append(int(round(salary * rng.uniform(0.95, 1.05) * 100)))
    pay_t_arr = np.array(pay_t, np.int64)
    utc, _ = to_utc(pay_t_arr, biz_acct.region)
    pay_c_arr = np.array(pay_c, np.int64)
    book.transfer(
        np.array(pay_src), np.array(pay_dst), utc, pay_c_arr, "ach", "PAYROLL"
    )
    n = len(pay_dst)
    sweep_t = utc + rng.integers(*delay, n) * HOUR
    share = rng.uniform(*share_range, n)
    sweep_c = (np.round(pay_c_arr * share / 500) * 500).astype(np.int64)
    memos = np.array(
        [
            "housing",
            "rent",
            "transport fee",
            "recruitment fee",
            "deduction",
            "",
            "housing + transport",
        ],
        object,
    )[rng.integers(0, 7, n)]
    memos[memos == ""] = None
    channel = ("p2p", "ach")[int(rng.integers(2))]
    book.transfer(
        np.array(pay_dst),
        _pick(rng, officer_accts, n),
        sweep_t,
        sweep_c,
        channel,
        memos,
    )
    # and now and then a fee straight to the business
    fee_idx = np.flatnonzero(rng.random(n) < 0.15)
    if len(fee_idx):
        book.transfer(
            np.array(pay_dst)[fee_idx],
            np.full(len(fee_idx), biz_acct.index),
            utc[fee_idx] + 50 * HOUR,
            rng.choice([150, 200, 250, 300], len(fee_idx)) * 100,
            "p2p",
            np.array(["recruitment fee", "visa fee", "transport fee"], object)[
                rng.integers(0, 3, len(fee_idx))
            ],
        )
    # the contractor's own business: growers pay weekly, buses and fuel
    weeks = np.arange(int(rng.integers(0, 7)), DAYS, 7)
    local = START_S + weeks * DAY + 10 * HOUR
    u, o = to_utc(local, biz_acct.region)
    book.add_txns(
        np.full(len(weeks), biz_acct.index),
        u,
        o,
        spending.cents_around(rng, 1500 * len(workers), 0.2, len(weeks)),
        "in",
        "ach",
        counterparty_name=("VALLEY GROWERS COOP", "SUNFRESH FARMS", "DELTA PACKING CO")[
            int(rng.integers(3))
        ],
        memo="LABOR INVOICE",
    )
    k = int(rng.integers(12, 30))
    spending.card_purchases(
        book,
        biz_acct,
        local_times(rng, k, HOURS_DAY),
        spending.cents_around(rng, 90, 0.4, k),
        np.array(["5541", "4131"], object)[rng.integers(0, 2, k)],
        np.array(["VALERO #2211", "GREYHOUND LINES"], object)[rng.integers(0, 2, k)],
    )
    _daily_spend(book, [officer_acct])
    spending.everyday_spending(book, np.array([a.index for a in workers]), 2.0)


# --- funnel accounts ----------------------------------------------------------------


def plant_funnel_network(book: WorldBook, pop: Population, net: Network,
                         ranges: Ranges = NARROW) -> None:
    """Accounts, mostly in victims' names, fed by cash in several states (some just
    under $10,000) and drained by wire to a controller within three days (wide: to
    any of his accounts, a drawn share after a drawn delay)."""
    rng = book.rng
    home = HOME_REGIONS[int(rng.integers(len(HOME_REGIONS)))]
    boss = book.new_person(book.address(book.city(home)), age=(28, 60))
    boss_acct = _protected_account(book, net, boss, SUBJECT)
    banks, share, delay, _ = ranges.draw(rng, (0.85, 0.98), (4, 60))
    boss_accts = _controller_accounts(book, net, boss, boss_acct, banks)
    n_funnels = int(rng.integers(2, 5))
    deposit_regions = _distinct_regions(rng, home, int(rng.integers(3, 6)))
    deposit_cities = _cities_in(rng, deposit_regions)
    accomplice_chance = float(rng.uniform(*ranges.accomplice_chance)) if ranges.wide else 0.4
    for f in range(n_funnels):
        in_victims_name = f > 0 or rng.random() >= accomplice_chance
        holder = book.new_person(
            book.address(book.city(deposit_regions[f % len(deposit_regions)])),
            age=(18, 40),
        )
        role = VICTIM if in_victims_name else SUBJECT
        own_account = ranges.wide and not in_victims_name
        acct = _protected_account(
            book, net, holder, role,
            opened_day=-int(rng.integers(200, 3650)) if own_account else int(rng.integers(-90, -1)),
        )
        _funnel_flows(book, acct, boss_accts, boss, deposit_cities, share, delay)
        if own_account:
            _lives_on_the_cut(book, acct, ranges)
    # GEN-5: the controller in a court record, the news or a sanctions list
    if rng.random() < 0.7:
        source = ("court_record", "news", "sanctions")[int(rng.integers(3))]
        name = boss.name(rng, 0.8)
        if source == "sanctions":
            fields = dict(
                aliases=[boss.name(rng, 1.0)],
                date_of_birth=boss.dob,
                country="US",
                text="Designated for human trafficking and forced labor.",
            )
        else:
            t = COURT_FUNNEL if source == "court_record" else NEWS_FUNNEL
            fields = dict(
                date_of_birth=boss.dob if source == "court_record" else None,
                city=boss.address.city.name,
                region=home,
                text=t[int(rng.integers(len(t)))].format(
                    name=boss.name(rng, 0.3), city=boss.address.city.name
                ),
            )
        _osint(
            book,
            net,
            SUBJECT,
            source,
            boss.key,
            "person",
            name,
            url=f"https://{source.replace('_', '')}.example.gov/{rng.integers(10**8)}",
            **fields,  # type: ignore[arg-type]
        )
    _daily_spend(book, [boss_acct])


def _lives_on_the_cut(book: WorldBook, acct: Account, ranges: Ranges) -> None:
    """An accomplice lends his own, long-held account and lives on what the drains leave:
    everyday card purchases at a drawn monthly rate, ATM cash, and (sometimes) wages of
    a job of his own. Accounts opened in victims' names get none of it: the controller
    holds the card."""
    rng = book.rng
    monthly = float(rng.uniform(*ranges.accomplice_purchases))
    spending.everyday_spending(book, np.array([acct.index], np.int64), monthly * DAYS / 30)
    k = int(rng.integers(2, 10))
    local = local_times(rng, k, HOURS_DAY)
    utc, off = to_utc(local, acct.region)
    book.add_txns(np.full(k, acct.index), utc, off, rng.choice([60, 100, 200, 300], k) * 100,
                  "out", "cash", counterparty_name="ATM WITHDRAWAL", city=acct.city,
                  region=acct.region)
    if rng.random() < 0.5:
        spending.external_payroll(book, [acct], [f"{acct.city} LOGISTICS LLC".upper()],
                                  np.array([float(rng.uniform(1200, 2600))]))


def _funnel_flows(
    book: WorldBook,
    acct: Account,
    boss_accts: list[Account],
    boss: Person,
    cities: list[int],
    share: tuple[float, float] = (0.85, 0.98),
    delay: tuple[int, int] = (4, 60),
) -> None:
    rng = book.rng
    day = int(rng.integers(0, 10))
    dep_t, dep_c, dep_r, dep_city = [], [], [], []
    out_t, out_c = [], []
    pending, last = 0, 0
    while day < DAYS - 4:
        for _ in range(int(rng.integers(1, 4))):
            ci = cities[int(rng.integers(len(cities)))]
            c = CITIES[ci]
            t = START_S + day * DAY + int(rng.integers(9, 17)) * HOUR
            dollars = (
                int(rng.integers(80, 99)) * 100 + int(rng.integers(0, 100))
                if rng.random() < 0.4
                else int(rng.integers(15, 75)) * 100
            )
            dep_t.append(t)
            dep_c.append(dollars * 100)
            dep_r.append(c.region)
            dep_city.append(c.name)
            pending += dollars * 100
            last = t
            day += int(rng.integers(0, 2))
        out_t.append(last + int(rng.integers(*delay)) * HOUR)
        out_c.append(int(round(pending * rng.uniform(*share) / 10000)) * 10000)
        pending = 0
        day += int(rng.integers(2, 5))
    local = np.array(dep_t, np.int64)
    spending.cash(
        book,
        acct,
        local,
        np.array(dep_c, np.int64),
        "in",
        np.array(dep_r, object),
        np.array(dep_city, object),
    )
    utc_out, _ = to_utc(np.array(out_t, np.int64), acct.region)
    cents_out = np.array(out_c, np.int64)
    external = rng.random(len(out_t)) < 0.2
    internal = ~external
    book.transfer(
        np.full(int(internal.sum()), acct.index),
        _pick(rng, boss_accts, int(internal.sum())),
        utc_out[internal],
        cents_out[internal],
        "wire",
    )
    if external.any():
        k = int(external.sum())
        u = utc_out[external]
        book.add_txns(
            np.full(k, acct.index),
            u,
            spending.offsets_for(book, acct, u),
            cents_out[external],
            "out",
            "wire",
            counterparty_name=boss.name(rng, 0.5).upper(),
            counterparty_account=f"FIRST COASTAL BANK ****{rng.integers(1000, 9999)}",
        )


PLANTERS: dict[str, Callable[[WorldBook, Population, Network, Ranges], None]] = {
    "illicit_massage_business": plant_massage_network,
    "escort_online_commercial_sex": plant_escort_network,
    "labor_trafficking": plant_labor_network,
    "funnel_account": plant_funnel_network,
}
PREFIX = {
    "illicit_massage_business": "imb",
    "escort_online_commercial_sex": "esc",
    "labor_trafficking": "lab",
    "funnel_account": "fun",
}


def plant_networks(book: WorldBook, pop: Population, scale: float,
                   ranges: Ranges = NARROW) -> list[Network]:
    """About `round(4 × scale)` networks of each typology (one more or fewer, at least 2,
    drawn per typology so worlds differ); about half labelled; parameters per `ranges`."""
    base = int(round(4 * scale))
    networks = []
    for typology, planter in PLANTERS.items():
        per_typology = max(2, base + int(book.rng.integers(-1, 2)))
        labelled = np.zeros(per_typology, bool)
        labelled[book.rng.permutation(per_typology)[: per_typology // 2]] = True
        for k in range(per_typology):
            net = Network(f"{PREFIX[typology]}-{k + 1}", typology, bool(labelled[k]))
            planter(book, pop, net, ranges)
            networks.append(net)
    return networks


__all__ = ["Network", "NARROW", "Ranges", "WIDE", "plant_networks", "SUBJECT", "VICTIM", "Address"]
