"""A business's mailbox and website are its own, even beside a namesake in its city."""

from __future__ import annotations

from collections import Counter

import numpy as np

from fiu.generate.book import WorldBook
from fiu.generate.names import CITIES
from fiu.generate.networks import plant_networks
from fiu.generate.population import plant_population


def _slug(url: str) -> str:
    """`info@x.example.com` and `https://www.x.example.com` both give `x`."""
    host = url.split("@", 1)[-1].split("://", 1)[-1]
    host = host.removeprefix("www.")
    assert host.endswith(".example.com"), url
    return host.removesuffix(".example.com")


def test_namesakes_in_one_city_get_their_own_mailbox_and_website() -> None:
    book = WorldBook(np.random.default_rng(0))
    city = CITIES[0]
    first = book.new_business("massage", "Happy Feet Massage", city=city)
    second = book.new_business("massage", "Happy Feet Massage", city=city)
    elsewhere = next(c for c in CITIES if c.name != city.name)
    third = book.new_business("massage", "Happy Feet Massage", city=elsewhere)

    emails = [b.email for b in (first, second, third)]
    websites = [b.website for b in (first, second, third)]
    assert len(set(emails)) == 3, emails
    assert len(set(websites)) == 3, websites
    for b in (first, second, third):
        assert _slug(b.email) == _slug(b.website)
    # The first of a name keeps the plain name-and-city mailbox.
    city_slug = city.name.lower().replace(" ", "")
    assert first.email == f"info@happyfeetmassage{city_slug}.example.com"


def test_no_two_businesses_of_a_world_share_a_mailbox_or_website() -> None:
    # Seed 6 at scale 0.2 plants two businesses of one name in one city.
    book = WorldBook(np.random.default_rng(6))
    pop = plant_population(book, 0.2)
    plant_networks(book, pop, 0.2)

    places = Counter((b.core, b.address.city) for b in book.businesses)
    assert any(n > 1 for n in places.values()), "no namesakes in one city to test"

    emails = Counter(b.email for b in book.businesses)
    websites = Counter(b.website for b in book.businesses)
    assert [e for e, n in emails.items() if n > 1] == []
    assert [w for w, n in websites.items() if n > 1] == []
    for b in book.businesses:
        assert _slug(b.email) == _slug(b.website)
