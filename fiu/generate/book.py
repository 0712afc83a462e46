"""The world being built: true people and businesses, and the records about them.

`WorldBook` hands out entities, opens accounts at partners, files open-source records
and collects transaction blocks (column arrays, never one dict per transaction). Every
record remembers its true entity; the truth file is read off the book at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import messiness
from .names import CITIES, CITY_WEIGHTS, FIRST_NAMES, LAST_NAMES, STREET_NAMES, City
from .timeline import iso_date, offsets_at_utc

BANKS = ("bank-a", "bank-b", "bank-c")


def pick(rng: np.random.Generator, options: Any) -> Any:
    """One element of a sequence, drawn from the seeded generator."""
    return options[int(rng.integers(len(options)))]


def business_core(rng: np.random.Generator, words: tuple[tuple[str, ...], ...]) -> str:
    """A business name without legal suffix: a first word and a trade word."""
    return f"{pick(rng, words[0])} {pick(rng, words[1])}"


@dataclass
class Address:
    number: int
    direction: int  # index into names.DIRECTIONS, -1 for none
    street: str
    street_type: int  # index into names.STREET_TYPES
    unit: str
    city: City
    postal: str

    def line(
        self, rng: np.random.Generator, messy: float = 0.5, with_unit: bool = True
    ) -> str:
        unit = self.unit if with_unit else ""
        return messiness.street_line(
            rng, self.number, self.direction, self.street, self.street_type, unit, messy
        )


@dataclass
class Person:
    key: str
    first: str
    middle: str
    last: str
    dob: str
    address: Address
    phone: str  # 10 digits
    email: str

    def name(self, rng: np.random.Generator, messy: float = 0.5) -> str:
        return messiness.person_name(rng, self.first, self.last, self.middle, messy)

    @property
    def true_name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class Business:
    key: str
    core: str
    suffix: str
    category: str
    address: Address
    phone: str
    email: str
    website: str
    owners: list[Person] = field(default_factory=list)

    def name(self, rng: np.random.Generator, messy: float = 0.6) -> str:
        return messiness.business_name(rng, self.core, self.suffix, messy)

    @property
    def true_name(self) -> str:
        return f"{self.core} {self.suffix}".strip()


Holder = Person | Business


@dataclass
class Account:
    index: int
    partner: str
    account_id: str
    holder: Holder
    region: str  # where the holder lives or trades
    city: str
    payee_names: tuple[str, ...]  # how other banks see this holder on transfers

    @property
    def ref(self) -> str:
        return f"account:{self.partner}:{self.account_id}"

    @property
    def counterparty(self) -> str:
        return f"{self.partner}:{self.account_id}"


TXN_FIELDS = (
    "acct",
    "utc",
    "off",
    "cents",
    "direction",
    "channel",
    "counterparty_name",
    "counterparty_account",
    "merchant_category_code",
    "city",
    "region",
    "country",
    "currency",
    "memo",
)


# Collisions in a row after which a city's 555 exchange counts as full.
_FULL_AFTER = 50


class WorldBook:
    """Everything planted so far; ids are random but unique, so order leaks nothing."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.people: list[Person] = []
        self.businesses: list[Business] = []
        self.accounts: list[Account] = []
        self.account_rows: list[dict[str, Any]] = []
        self.osint_rows: list[dict[str, Any]] = []
        self.entity_of: dict[str, str] = {}  # ref -> true entity key
        self.protected: set[str] = set()  # refs of planted networks: never corrupted
        self.txn_blocks: list[dict[str, np.ndarray]] = []
        self._ids: set[str] = set()
        self._phones: set[str] = set()
        self._emails: set[str] = set()
        self._city_p = np.array(CITY_WEIGHTS, dtype=float) / sum(CITY_WEIGHTS)

    # --- ids -----------------------------------------------------------------------

    def unique_id(self, make: Any) -> str:
        """A fresh id from `make(rng)`, retried until unused anywhere in the world."""
        while True:
            value = make(self.rng)
            if value not in self._ids:
                self._ids.add(value)
                return value

    def account_id(self, partner: str) -> str:
        def make(rng: np.random.Generator) -> str:
            n = int(rng.integers(10**6, 10**7))
            if partner == "bank-a":
                return f"A{n:08d}"
            if partner == "bank-b":
                return f"BB-{n:07d}"
            return f"77{n:08d}"

        return self.unique_id(make)

    def record_id(self, prefix: str) -> str:
        return self.unique_id(lambda rng: f"{prefix}-{int(rng.integers(10**7, 10**8))}")

    def phone_digits(self, city: City) -> str:
        """A fresh number in the fictional 555 exchange of the city's area code.

        The exchange holds 9,899 lines; a city of a very large world fills it, and then
        numbers come from the area code's other exchanges (after `_FULL_AFTER`
        collisions in a row, which a half-full exchange gives once in 2^50 draws).
        """
        collisions = 0
        while True:
            line = int(self.rng.integers(100, 10_000))
            if line == 1212:
                continue
            exchange = "555"
            if collisions >= _FULL_AFTER:
                exchange = f"{int(self.rng.integers(200, 1000)):03d}"
                if exchange.endswith("11"):
                    continue
            digits = f"{city.area_code}{exchange}{line:04d}"
            if digits not in self._phones:
                self._phones.add(digits)
                return digits
            collisions += 1

    # --- places and entities ----------------------------------------------------------

    def city(self, region: str | None = None) -> City:
        if region is None:
            return CITIES[int(self.rng.choice(len(CITIES), p=self._city_p))]
        options = [c for c in CITIES if c.region == region]
        return options[int(self.rng.integers(len(options)))]

    def address(self, city: City | None = None, unit: str | None = None) -> Address:
        rng = self.rng
        city = city or self.city()
        direction = int(rng.integers(4)) if rng.random() < 0.3 else -1
        if unit is None:
            unit = str(int(rng.integers(1, 40))) if rng.random() < 0.2 else ""
        return Address(
            number=int(rng.integers(100, 9900)),
            direction=direction,
            street=str(rng.choice(STREET_NAMES)),
            street_type=int(rng.integers(10)),
            unit=unit,
            city=city,
            postal=city.zip_prefix + f"{int(rng.integers(0, 100)):02d}",
        )

    def new_person(
        self,
        address: Address | None = None,
        last: str | None = None,
        first: str | None = None,
        phone: str | None = None,
        age: tuple[int, int] = (19, 75),
    ) -> Person:
        rng = self.rng
        address = address or self.address()
        first = first or str(rng.choice(FIRST_NAMES))
        last = last or str(rng.choice(LAST_NAMES))
        middle = str(rng.choice(FIRST_NAMES)) if rng.random() < 0.6 else ""
        year = 2026 - int(rng.integers(*age))
        dob = f"{year}-{int(rng.integers(1, 13)):02d}-{int(rng.integers(1, 29)):02d}"
        key = f"P{len(self.people) + 1:06d}"
        user = messiness.strip_accents(f"{first}.{last}").lower().replace(" ", "")
        user = user.replace("'", "")
        domain = ("example.com", "example.net", "example.org", "mail.example")[
            int(rng.integers(4))
        ]
        mail = f"{user}{int(rng.integers(1, 999))}@{domain}"
        while mail in self._emails:
            mail = f"{user}{int(rng.integers(1, 9999))}@{domain}"
        self._emails.add(mail)
        person = Person(
            key,
            first,
            middle,
            last,
            dob,
            address,
            phone or self.phone_digits(address.city),
            mail,
        )
        self.people.append(person)
        return person

    def new_business(
        self,
        category: str,
        core: str,
        city: City | None = None,
        owners: list[Person] | None = None,
        suffix: str | None = None,
    ) -> Business:
        rng = self.rng
        address = self.address(
            city, unit="" if rng.random() < 0.7 else f"{int(rng.integers(100, 300))}"
        )
        if suffix is None:
            suffix = ("LLC", "LLC", "Inc", "Corp", "Co", "")[int(rng.integers(6))]
        slug = "".join(
            ch for ch in messiness.strip_accents(core).lower() if ch.isalnum()
        )
        slug = f"{slug}{address.city.name.lower().replace(' ', '')}"
        key = f"B{len(self.businesses) + 1:06d}"
        # A mailbox and a website belong to one business: a namesake in the same city
        # gets its own.
        if f"info@{slug}.example.com" in self._emails:
            slug = f"{slug}{key[1:].lstrip('0')}"
        self._emails.add(f"info@{slug}.example.com")
        business = Business(
            key,
            core,
            suffix,
            category,
            address,
            self.phone_digits(address.city),
            f"info@{slug}.example.com",
            f"https://www.{slug}.example.com",
            owners or [],
        )
        self.businesses.append(business)
        return business

    # --- records --------------------------------------------------------------------

    def open_account(
        self,
        holder: Holder,
        partner: str | None = None,
        opened_day: int | None = None,
        address: Address | None = None,
        phone: str | None = None,
        protected: bool = False,
        messy: float = 0.3,
        category_text: str | None = None,
    ) -> Account:
        """Open an account and write its KYC row as this partner would have typed it."""
        rng = self.rng
        partner = partner or BANKS[int(rng.integers(3))]
        address = address or holder.address
        if opened_day is None:
            opened_day = (
                -int(rng.integers(30, 3650))
                if rng.random() < 0.92
                else int(rng.integers(0, 150))
            )
        account_id = self.account_id(partner)
        is_person = isinstance(holder, Person)
        name = holder.name(rng, messy)
        row: dict[str, Any] = {
            "partner_id": partner,
            "account_id": account_id,
            "holder_name": name,
            "holder_type": "individual" if is_person else "business",
            "date_of_birth": holder.dob if is_person and rng.random() < 0.9 else None,
            "address": address.line(rng, messy, with_unit=rng.random() >= 0.08),
            "city": address.city.name
            if rng.random() < 0.97
            else address.city.name.upper(),
            "region": address.city.region,
            "postal_code": address.postal,
            "country": "US",
            "phone": messiness.phone(rng, phone or holder.phone)
            if rng.random() < 0.9
            else None,
            "email": messiness.email(rng, holder.email)
            if rng.random() < 0.75
            else None,
            "opened_on": iso_date(opened_day),
            "business_category": None
            if is_person
            else (category_text or holder.category),
        }
        payees = tuple(holder.name(rng, 0.6).upper() for _ in range(3))
        account = Account(
            len(self.accounts),
            partner,
            account_id,
            holder,
            address.city.region,
            address.city.name,
            payees,
        )
        self.accounts.append(account)
        self.account_rows.append(row)
        self.entity_of[account.ref] = holder.key
        if protected:
            self.protected.add(account.ref)
        return account

    def add_osint(
        self,
        source: str,
        entity_key: str,
        entity_type: str,
        name: str,
        observed_day: int | None = None,
        protected: bool = False,
        **fields: Any,
    ) -> str:
        """File one open-source record about `entity_key`; returns its ref."""
        prefix = {
            "business_registry": "REG",
            "online_ad": "AD",
            "review": "REV",
            "license": "LIC",
            "court_record": "CRT",
            "news": "NEWS",
            "sanctions": "SAN",
        }[source]
        record_id = self.record_id(prefix)
        if observed_day is None:
            observed_day = int(self.rng.integers(-200, 181))
        row = {
            "record_id": record_id,
            "source": source,
            "observed_on": iso_date(observed_day),
            "entity_type": entity_type,
            "name": name,
            **fields,
        }
        self.osint_rows.append(row)
        ref = f"osint:{record_id}"
        self.entity_of[ref] = entity_key
        if protected:
            self.protected.add(ref)
        return ref

    # --- transactions ----------------------------------------------------------------

    def add_txns(
        self,
        acct: np.ndarray,
        utc: np.ndarray,
        off: np.ndarray,
        cents: np.ndarray,
        direction: Any,
        channel: Any,
        counterparty_name: Any = None,
        counterparty_account: Any = None,
        merchant_category_code: Any = None,
        city: Any = None,
        region: Any = None,
        country: Any = "US",
        currency: Any = "USD",
        memo: Any = None,
    ) -> None:
        """Add a block of transactions; scalars broadcast to the block's length."""
        n = len(acct)
        if n == 0:
            return
        given = {
            "direction": direction,
            "channel": channel,
            "counterparty_name": counterparty_name,
            "counterparty_account": counterparty_account,
            "merchant_category_code": merchant_category_code,
            "city": city,
            "region": region,
            "country": country,
            "currency": currency,
            "memo": memo,
        }
        block = {
            "acct": np.asarray(acct, dtype=np.int64),
            "utc": np.asarray(utc, dtype=np.int64),
            "off": np.asarray(off, dtype=np.int16),
            "cents": np.asarray(cents, dtype=np.int64),
        }
        for name, value in given.items():
            if isinstance(value, np.ndarray):
                block[name] = value.astype(object)
            elif isinstance(value, list):
                block[name] = np.array(value, dtype=object)
            else:
                block[name] = np.full(n, value, dtype=object)
        for name, arr in block.items():
            if len(arr) != n:
                raise ValueError(
                    f"transaction field {name} has {len(arr)} values, not {n}"
                )
        self.txn_blocks.append(block)

    def transfer(
        self,
        src: np.ndarray,
        dst: np.ndarray,
        utc: np.ndarray,
        cents: np.ndarray,
        channel: Any,
        memo: Any = None,
        lag_s: int = 0,
    ) -> None:
        """Money between two partner accounts: the out row at the sender, the in row
        at the receiver (`lag_s` later), each naming the other as `partner:account`."""
        src = np.asarray(src, dtype=np.int64)
        dst = np.asarray(dst, dtype=np.int64)
        if len(src) == 0:
            return
        rng = self.rng
        pick = rng.integers(0, 3, size=len(src))
        src_region = np.array([self.accounts[i].region for i in src], dtype=object)
        dst_region = np.array([self.accounts[i].region for i in dst], dtype=object)
        dst_names = np.array(
            [self.accounts[i].payee_names[k] for i, k in zip(dst, pick)], dtype=object
        )
        src_names = np.array(
            [self.accounts[i].payee_names[k] for i, k in zip(src, pick)], dtype=object
        )
        dst_cp = np.array([self.accounts[i].counterparty for i in dst], dtype=object)
        src_cp = np.array([self.accounts[i].counterparty for i in src], dtype=object)
        self.add_txns(
            src,
            utc,
            offsets_at_utc(utc, src_region),
            cents,
            "out",
            channel,
            counterparty_name=dst_names,
            counterparty_account=dst_cp,
            memo=memo,
        )
        utc_in = utc + lag_s
        self.add_txns(
            dst,
            utc_in,
            offsets_at_utc(utc_in, dst_region),
            cents,
            "in",
            channel,
            counterparty_name=src_names,
            counterparty_account=src_cp,
            memo=memo,
        )

    def txn_columns(self) -> dict[str, np.ndarray]:
        """All blocks concatenated, one array per field."""
        return {
            name: np.concatenate([b[name] for b in self.txn_blocks])
            for name in TXN_FIELDS
        }
