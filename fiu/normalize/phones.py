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


def to_e164(
    phones: StrArray, countries: Optional[StrArray] = None, default_region: str = DEFAULT_REGION
) -> pa.Array:
    """Every phone of a column as E.164 (null when unparseable), parsed once per distinct
    (phone, country) pair; `countries` (ISO alpha-2) gives each row's default region.
    """
    phones = as_array(phones)
    if countries is None:
        regions = pa.array([default_region] * len(phones), pa.string())
    else:
        regions = pc.fill_null(as_array(countries), default_region)
    joined = pc.binary_join_element_wise(phones, regions, _SEP)
    return map_unique(joined, _from_joined)
