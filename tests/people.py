"""Background people for resolution tests: what a bank's book looks like around the
few records a test is about."""
from __future__ import annotations

import datetime as dt
from typing import Any


def account(account_id: str, holder_name: str, **fields: Any) -> dict[str, Any]:
    return {"partner_id": fields.pop("partner_id", "bank-a"), "account_id": account_id,
            "holder_name": holder_name, "holder_type": fields.pop("holder_type", "individual"),
            "country": fields.pop("country", "US"), **fields}


def background_rows(n: int = 300, seed: int = 11) -> list[dict[str, Any]]:
    """Unrelated people as banks hold them: names drawn from the world generator's name
    lists, their own date of birth, phone and address in the generator's cities. One in
    four is also at the other bank as `LAST, First` (at the same address, at a new one in
    the same city, or with only the city); one in ten shares a landline and address with
    a relative. Fitting needs them: u and λ are estimated over the whole comparison
    space, m from the pairs that match."""
    import numpy as np

    from fiu.generate.names import CITIES, FIRST_NAMES, LAST_NAMES, STREET_NAMES

    rng = np.random.default_rng(seed)

    def pick(values):
        return values[int(rng.integers(len(values)))]

    def home(city) -> dict[str, Any]:
        return {"address": f"{rng.integers(1, 9999)} {pick(STREET_NAMES)} St",
                "city": city.name, "region": city.region,
                "postal_code": f"{city.zip_prefix}{rng.integers(0, 99):02d}"}

    rows = []
    for i in range(n):
        city = pick(CITIES)
        first, last = str(pick(FIRST_NAMES)), str(pick(LAST_NAMES))
        area, exchange, line = city.area_code, rng.integers(200, 999), rng.integers(0, 9999)
        born = dt.date(1950, 1, 1) + dt.timedelta(days=int(rng.integers(0, 20000)))
        address = home(city)
        rows.append(account(f"X{i}", f"{first} {last}", partner_id="bank-a",
                            phone=f"({area}) {exchange}-{line:04d}", date_of_birth=born,
                            **address))
        if i % 4 == 0:
            roll = rng.random()
            elsewhere = (address if roll < 0.4 else home(city) if roll < 0.7
                         else {"city": city.name, "region": city.region})
            rows.append(account(f"Y{i}", f"{last.upper()}, {first}", partner_id="bank-b",
                                phone=f"{area}.{exchange}.{line:04d}", date_of_birth=born,
                                **elsewhere))
        if i % 10 == 1:  # a household: another person on the same landline and address
            relative = str(pick(FIRST_NAMES))
            other = dt.date(1950, 1, 1) + dt.timedelta(days=int(rng.integers(0, 20000)))
            rows.append(account(f"H{i}", f"{relative} {last}", partner_id="bank-b",
                                phone=f"{area}-{exchange}-{line:04d}", date_of_birth=other,
                                **address))
    return rows
