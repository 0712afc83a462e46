"""Identifier variants: how one true person, business, phone or address gets written.

Each function takes the seeded generator and the true value, returns one written form.
The same entity is written differently by each bank and each open source, as in life:
accents dropped, `Last, First`, nicknames, middle initials, typos, five phone formats,
abbreviated street types and units, legal suffixes spelled several ways.
"""

from __future__ import annotations

import unicodedata

import numpy as np

from .names import DIRECTIONS, NICKNAMES, STREET_TYPES


def strip_accents(text: str) -> str:
    """`José Nguyễn` → `Jose Nguyen`."""
    decomposed = unicodedata.normalize("NFKD", text)
    return (
        "".join(c for c in decomposed if not unicodedata.combining(c))
        .replace("đ", "d")
        .replace("Đ", "D")
    )


def typo(rng: np.random.Generator, word: str) -> str:
    """One keyboard slip: swap, drop or double a letter (never the first)."""
    if len(word) < 4:
        return word
    i = int(rng.integers(1, len(word) - 1))
    kind = int(rng.integers(3))
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def person_name(
    rng: np.random.Generator,
    first: str,
    last: str,
    middle: str = "",
    messy: float = 0.5,
) -> str:
    """A written form of a person's name; `messy` is the chance of any variation.

    Variants: accents dropped, nickname, middle initial or full middle name,
    `Last, First`, upper case, one typo.
    """
    if rng.random() >= messy:
        return f"{first} {last}"
    f, m, la = first, middle, last
    if rng.random() < 0.5:
        f, m, la = strip_accents(f), strip_accents(m), strip_accents(la)
    if f in NICKNAMES and rng.random() < 0.35:
        f = str(rng.choice(NICKNAMES[f]))
    r = rng.random()
    mid = ""
    if m and r < 0.35:
        mid = f" {m[0]}."
    elif m and r < 0.5:
        mid = f" {m}"
    if rng.random() < 0.15:
        la = typo(rng, la) if rng.random() < 0.5 else la
        f = typo(rng, f) if la == last else f
    form = rng.random()
    if form < 0.3:
        text = f"{la}, {f}{mid}"
    else:
        text = f"{f}{mid} {la}"
    if rng.random() < 0.15:
        text = text.upper()
    return text


def business_name(
    rng: np.random.Generator, core: str, suffix: str, messy: float = 0.6
) -> str:
    """A written business name: `LLC`/`L.L.C.`, `Inc`/`Inc.`, `The …`, `&`/`and`."""
    if rng.random() >= messy:
        return f"{core} {suffix}".strip()
    c = core
    if "&" in c and rng.random() < 0.5:
        c = c.replace("&", "and")
    elif " and " in c and rng.random() < 0.5:
        c = c.replace(" and ", " & ")
    if rng.random() < 0.15 and not c.startswith("The "):
        c = "The " + c
    elif c.startswith("The ") and rng.random() < 0.5:
        c = c[4:]
    spellings = {
        "LLC": ("LLC", "L.L.C.", "Llc", ", LLC", ""),
        "Inc": ("Inc", "Inc.", ", Inc.", "Incorporated", ""),
        "Corp": ("Corp", "Corp.", "Corporation", ""),
        "Co": ("Co", "Co.", "Company", ""),
        "": ("", "", "LLC"),
    }[suffix]
    s = str(rng.choice(spellings))
    text = f"{c}{s}" if s.startswith(",") else f"{c} {s}".strip()
    r = rng.random()
    if r < 0.15:
        text = text.upper()
    elif r < 0.2:
        text = strip_accents(text)
    return text


PHONE_FORMATS = (
    "({a}) {e}-{n}",
    "{a}-{e}-{n}",
    "+1 {a} {e} {n}",
    "{a}{e}{n}",
    "{a}.{e}.{n}",
    "1-{a}-{e}-{n}",
    "+1{a}{e}{n}",
)


def phone(rng: np.random.Generator, digits: str) -> str:
    """One of seven common US formats of a 10-digit number."""
    fmt = PHONE_FORMATS[int(rng.integers(len(PHONE_FORMATS)))]
    return fmt.format(a=digits[:3], e=digits[3:6], n=digits[6:])


def obfuscated_phone(rng: np.random.Generator, digits: str) -> str:
    """A phone as escort ads hide it from filters: `five1two 555 01 23`."""
    words = (
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
    )
    out = []
    for i, d in enumerate(digits):
        out.append(words[int(d)] if rng.random() < 0.4 else d)
        if i in (2, 5):
            out.append(" ")
    return "".join(out)


def street_line(
    rng: np.random.Generator,
    number: int,
    direction: int,
    street: str,
    street_type: int,
    unit: str,
    messy: float = 0.5,
) -> str:
    """A written street line: `1200 North Oak Street Apt 4` or `1200 N Oak St. #4`.

    `direction` and `street_type` index `DIRECTIONS` and `STREET_TYPES`
    (`direction` −1 for none); `unit` is the bare unit number or empty.
    """
    full_dir = direction >= 0 and rng.random() >= messy * 0.8
    full_type = rng.random() >= messy
    parts = [str(number)]
    if direction >= 0:
        d = DIRECTIONS[direction]
        parts.append(d[0] if full_dir else d[1] + ("." if rng.random() < 0.3 else ""))
    parts.append(street)
    t = STREET_TYPES[street_type]
    parts.append(t[0] if full_type else t[1] + ("." if rng.random() < 0.3 else ""))
    text = " ".join(parts)
    if unit:
        form = int(rng.integers(5))
        text += (
            f" Apt {unit}",
            f" #{unit}",
            f" Unit {unit}",
            f", Apt. {unit}",
            f" APT {unit}",
        )[form]
    if rng.random() < 0.12:
        text = text.upper()
    return text


def email(rng: np.random.Generator, address: str) -> str:
    """An email as typed into a form: case changes, sometimes a plus tag."""
    user, _, domain = address.partition("@")
    r = rng.random()
    if r < 0.1:
        return address.upper()
    if r < 0.2:
        return f"{user.capitalize()}@{domain}"
    if r < 0.27:
        return f"{user}+{('ads', 'bank', 'work')[int(rng.integers(3))]}@{domain}"
    return address
