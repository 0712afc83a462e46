"""A city's phone numbers never run out, however large the world."""

from __future__ import annotations

import numpy as np

from fiu.generate.book import WorldBook
from fiu.generate.names import CITIES


def test_a_city_with_more_people_than_its_555_exchange_has_lines_gets_unique_numbers() -> None:
    book = WorldBook(np.random.default_rng(0))
    city = CITIES[0]
    numbers = [book.phone_digits(city) for _ in range(12_000)]  # the exchange has 9,899
    assert len(set(numbers)) == len(numbers)
    assert all(n.startswith(city.area_code) and len(n) == 10 for n in numbers)
    exchanges = {n[3:6] for n in numbers}
    assert "555" in exchanges and len(exchanges) > 1
    assert not any(e.endswith("11") or e[0] in "01" for e in exchanges)
    # The first numbers, drawn while the exchange had room, are all 555 ones.
    assert all(n[3:6] == "555" for n in numbers[:5000])
