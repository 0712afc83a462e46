"""Phone numbers to E.164 (`+15125550100`), with the record's country as default region."""
from __future__ import annotations

import re
from typing import Optional

import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc

from .unique import StrArray, as_array, map_unique

DEFAULT_REGION = "US"
_SEP = "\x1f"
_INTL_00 = re.compile(r"^\s*00(?=\s*[1-9])")
_POSSIBLE = phonenumbers.ValidationResult.IS_POSSIBLE


def _parse(text: str, region: str) -> Optional[phonenumbers.PhoneNumber]:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_valid_number(number):
        return number
    # Synthetic and newly allocated ranges are often not "valid" in the metadata yet,
    # but a full-length number is still an identifier worth matching on.
    if phonenumbers.is_possible_number_with_reason(number) == _POSSIBLE:
        return number
    return None


def phone_to_e164(text: str, region: Optional[str] = None) -> Optional[str]:
    """One phone number in any common format as E.164, or None when unparseable.

    >>> phone_to_e164("(512) 555-0100")
    '+15125550100'
    >>> phone_to_e164("020 7946 0958", "GB")
    '+442079460958'
    """
    region = (region or DEFAULT_REGION).strip().upper() or DEFAULT_REGION
    text = text.strip()
    if not text:
        return None
    text = _INTL_00.sub("+", text)  # 00 is the international prefix almost everywhere
    number = _parse(text, region)
    if number is None:
        # Free text such as "call 512 555 0100 anytime": take the first number in it.
        match = next(iter(phonenumbers.PhoneNumberMatcher(text, region)), None)
        number = match.number if match is not None else None
    if number is None:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _from_joined(joined: str) -> Optional[str]:
    text, _, region = joined.partition(_SEP)
    return phone_to_e164(text, region or None)


# Regions of the North American Numbering Plan that parse a bare ten-digit number as
# country code 1 (the commonest by far in partner data).
_NANP_REGIONS = pa.array(["US", "CA", "PR", "VI", "GU", "AS", "MP"])
_DIALLABLE = r"^\+?[0-9 ().\-/]+$"
_NANP_DIGITS = r"^1?(?P<n>[2-9][0-9]{2}[2-9][0-9]{6})$"


def _nanp_fast_path(phones: pa.Array, regions: pa.Array) -> pa.Array:
    """E.164 for the rows whose answer needs no metadata, null for the rest.

    A row qualifies when it holds only digits and the usual separators, and its digits
    are a North American number (`NXX NXX XXXX`, optionally after `1`) that either
    carries `+1` or is read in a NANP region. `phonenumbers` gives `+1` + those ten
    digits for every such row (the test suite checks this against it); doing them in
    Arrow skips its per-number regex work, the bulk of normalisation time.
    """
    text = pc.utf8_trim_whitespace(phones)
    plain = pc.match_substring_regex(text, _DIALLABLE)
    plus = pc.starts_with(text, "+")
    digits = pc.replace_substring_regex(text, r"[^0-9]", "")
    national = pc.struct_field(pc.extract_regex(digits, _NANP_DIGITS), [0])
    in_nanp = pc.is_in(regions, value_set=_NANP_REGIONS)
    # `+` means a country code follows: only `+1` + ten digits is North American.
    plus_ok = pc.and_(plus, pc.equal(pc.utf8_length(digits), 11))
    ok = pc.and_(plain, pc.if_else(plus, plus_ok, in_nanp))
    ok = pc.and_(pc.fill_null(ok, False), pc.is_valid(national))
    e164 = pc.binary_join_element_wise(pa.scalar("+1"), national, "")
    return pc.if_else(ok, e164, pa.scalar(None, pa.string()))


def to_e164(
    phones: StrArray, countries: Optional[StrArray] = None, default_region: str = DEFAULT_REGION
) -> pa.Array:
    """Every phone of a column as E.164 (null when unparseable), parsed once per distinct
    (phone, country) pair; `countries` (ISO alpha-2) gives each row's default region.

    Plain North American numbers are done in Arrow (`_nanp_fast_path`); only the rest go
    through `phonenumbers`.
    """
    phones = as_array(phones)
    if countries is None:
        regions = pa.array([default_region] * len(phones), pa.string())
    else:
        regions = pc.fill_null(as_array(countries), default_region)
    fast = _nanp_fast_path(phones, regions)
    slow = pc.and_(pc.is_null(fast), pc.is_valid(phones))
    if not pc.any(slow).as_py():
        return fast
    slow_rows = pc.indices_nonzero(slow)
    joined = pc.binary_join_element_wise(
        phones.take(slow_rows), regions.take(slow_rows), _SEP
    )
    parsed = map_unique(joined, _from_joined)
    # Scatter the parsed values back: rows not parsed slowly keep the fast answer.
    positions = pc.subtract(pc.cumulative_sum(pc.cast(slow, pa.int64())), 1)
    from_slow = parsed.take(pc.max_element_wise(positions, 0))
    return pc.if_else(slow, from_slow, fast)
