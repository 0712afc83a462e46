"""Street lines folded so that the same building and unit compare equal.

`12 North Main Street, Apt. 4` and `12 N Main St #4` both become `12 N MAIN ST UNIT 4`:
upper case ASCII, punctuation dropped, USPS street suffixes and directions, every unit
designator (`Apt`, `#`, `Suite`, `Unit`, `Rm`) as `UNIT`. When a line also carries city,
state and ZIP, usaddress labels the tokens and only the street and unit are kept.
"""
from __future__ import annotations

import re
from typing import Optional

import pyarrow as pa
import pyarrow.compute as pc

from .names import fold
from .unique import StrArray, as_array, map_unique

_SUFFIXES = {
    "STREET": "ST", "STR": "ST", "STRT": "ST", "AVENUE": "AVE", "AV": "AVE", "AVEN": "AVE",
    "AVN": "AVE", "BOULEVARD": "BLVD", "BOUL": "BLVD", "BLV": "BLVD", "ROAD": "RD",
    "DRIVE": "DR", "DRV": "DR", "LANE": "LN", "COURT": "CT", "CRT": "CT", "PLACE": "PL",
    "HIGHWAY": "HWY", "HIWAY": "HWY", "PARKWAY": "PKWY", "PKY": "PKWY", "CIRCLE": "CIR",
    "CIRC": "CIR", "TERRACE": "TER", "TERR": "TER", "SQUARE": "SQ", "TRAIL": "TRL",
    "FREEWAY": "FWY", "EXPRESSWAY": "EXPY", "EXPWY": "EXPY", "TURNPIKE": "TPKE",
    "PIKE": "PIKE", "ALLEY": "ALY", "CROSSING": "XING", "PLAZA": "PLZ", "POINT": "PT",
    "CENTER": "CTR", "CENTRE": "CTR", "HEIGHTS": "HTS", "CROSSROAD": "XRD", "LOOP": "LOOP",
    "MOUNT": "MT", "MOUNTAIN": "MTN", "JUNCTION": "JCT", "COVE": "CV", "CREEK": "CRK",
    "ESTATES": "ESTS", "GARDENS": "GDNS", "GROVE": "GRV", "HARBOR": "HBR", "HILL": "HL",
    "HOLLOW": "HOLW", "ISLAND": "IS", "LAKE": "LK", "LANDING": "LNDG", "MEADOWS": "MDWS",
    "PARK": "PARK", "RIDGE": "RDG", "ROUTE": "RTE", "SPRINGS": "SPGS", "STATION": "STA",
    "VALLEY": "VLY", "VIEW": "VW", "VILLAGE": "VLG", "WAY": "WAY",
}
_DIRECTIONS = {
    "NORTH": "N", "SOUTH": "S", "EAST": "E", "WEST": "W", "NORTHEAST": "NE",
    "NORTHWEST": "NW", "SOUTHEAST": "SE", "SOUTHWEST": "SW",
}
_SUFFIX_FORMS = frozenset(_SUFFIXES.values())
_ORDINALS = {
    "FIRST": "1ST", "SECOND": "2ND", "THIRD": "3RD", "FOURTH": "4TH", "FIFTH": "5TH",
    "SIXTH": "6TH", "SEVENTH": "7TH", "EIGHTH": "8TH", "NINTH": "9TH", "TENTH": "10TH",
}
_UNIT_MARKERS = frozenset(
    "APT APARTMENT UNIT STE SUITE # NO NUM NUMBER RM ROOM SPC SPACE LOT DEPT".split()
)
_FLOOR_MARKERS = frozenset("FL FLR FLOOR".split())
_UNIT_DASH = re.compile(r"(?<=[0-9])-(?=[A-Z]\b)")
_DOTTED_DIRECTION = re.compile(r"\b([NS])\.\s?([EW])\.")
_TOKEN = re.compile(r"#|[A-Z0-9]+(?:/[0-9]+)?")
_STATE_ZIP = re.compile(r"\b[A-Z]{2}\.?\s+\d{5}(?:-\d{4})?\s*$")
_UNIT_PART = re.compile(r"^\s*(#|APT|APARTMENT|UNIT|STE|SUITE|RM|ROOM|FL|FLR|FLOOR|SPC|LOT)\b")
_STREET_LABELS = frozenset(
    {
        "AddressNumberPrefix", "AddressNumber", "AddressNumberSuffix",
        "StreetNamePreModifier", "StreetNamePreDirectional", "StreetNamePreType",
        "StreetName", "StreetNamePostType", "StreetNamePostDirectional",
        "StreetNamePostModifier", "OccupancyType", "OccupancyIdentifier",
        "SubaddressType", "SubaddressIdentifier", "BuildingName", "USPSBoxType",
        "USPSBoxID", "USPSBoxGroupType", "USPSBoxGroupID", "LandmarkName",
        "CornerOf", "IntersectionSeparator", "Recipient",
    }
)


def _street_part(text: str) -> str:
    """The street-and-unit part of a line that may also hold city, state and ZIP."""
    if "," in text:
        first, *rest = text.split(",")
        units = [part for part in rest if _UNIT_PART.match(part)]
        return " ".join([first, *units])
    if _STATE_ZIP.search(text):
        import usaddress  # only lines that end in a state and ZIP need the tagger

        try:
            tagged = usaddress.parse(text)
        except Exception:  # the tagger fails on odd input; fall back to the raw line
            return text
        return " ".join(token for token, label in tagged if label in _STREET_LABELS)
    return text


def _standard_tokens(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in _UNIT_MARKERS or token in _FLOOR_MARKERS:
            marker = "FL" if token in _FLOOR_MARKERS else "UNIT"
            j = i + 1
            while j < len(tokens) and (tokens[j] in _UNIT_MARKERS):
                j += 1  # `Apt #4`
            if j < len(tokens):
                ident = tokens[j]
                # `4-B` and `4 B` read as `4B`
                if j + 1 < len(tokens) and len(tokens[j + 1]) == 1 and tokens[j + 1].isalpha():
                    ident += tokens[j + 1]
                    j += 1
                out += [marker, ident]
                i = j + 1
                continue
            i = j
            continue
        if token in ("P", "PO") and tokens[i + 1 : i + 3] in (["O", "BOX"], ["BOX"]):
            skip = 3 if tokens[i + 1] == "O" else 2
            out.append("PO BOX")
            i += skip
            continue
        token = _DIRECTIONS.get(token, token)
        token = _ORDINALS.get(token, token)
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        street_word = following in _SUFFIXES or following in _SUFFIX_FORMS  # `Court St`
        if out and token in _SUFFIXES and not street_word:
            token = _SUFFIXES[token]
        out.append(token)
        i += 1
    return out


def address_line(text: str) -> Optional[str]:
    """One street line in standard form, None when nothing is left.

    >>> address_line("12 North Main Street, Apt. 4-B")
    '12 N MAIN ST UNIT 4B'
    >>> address_line("12 n main st #4b, Austin, TX 78701")
    '12 N MAIN ST UNIT 4B'
    """
    text = fold(text).upper()
    text = _street_part(text)
    text = _UNIT_DASH.sub("", text)  # 4-B → 4B
    text = _DOTTED_DIRECTION.sub(r"\1\2", text)  # N.W. → NW
    tokens = _standard_tokens(_TOKEN.findall(text))
    return " ".join(tokens) or None


def normalise_addresses(addresses: StrArray) -> pa.Array:
    """`address_line` over a column, once per distinct value."""
    return map_unique(addresses, address_line)


def postal_codes(values: StrArray) -> pa.Array:
    """Postal codes upper case without spaces or punctuation, a US ZIP+4 cut to five
    digits; null when nothing is left.

    >>> postal_codes(pa.array(["78701-1234", "m5v 2t6", " "])).to_pylist()
    ['78701', 'M5V2T6', None]
    """
    postal = pc.utf8_upper(pc.replace_substring_regex(as_array(values), r"[^0-9A-Za-z]", ""))
    zip5 = pc.extract_regex(postal, r"^(?P<z>[0-9]{5})(?:[0-9]{4})?$")
    postal = pc.if_else(pc.is_valid(zip5), pc.struct_field(zip5, [0]), postal)
    return pc.if_else(pc.equal(postal, ""), pa.scalar(None, pa.string()), postal)


def city_names(values: StrArray) -> pa.Array:
    """City names folded to upper-case ASCII words, once per distinct value.

    >>> city_names(pa.array(["San José", "st. james"])).to_pylist()
    ['SAN JOSE', 'ST JAMES']
    """
    return map_unique(values, lambda c: " ".join(_TOKEN.findall(fold(c).upper())) or None)


def regions(values: StrArray) -> pa.Array:
    """Region (state, province) codes upper case, trimmed; null when empty."""
    region = pc.utf8_upper(pc.utf8_trim_whitespace(as_array(values)))
    return pc.if_else(pc.equal(region, ""), pa.scalar(None, pa.string()), region)


def _place(postal: pa.Array, cities: pa.Array, region_codes: pa.Array) -> pa.Array:
    """Postal code (US ZIP cut to five digits) or else `CITY REGION`, upper case."""
    postal = postal_codes(postal)
    city = city_names(cities)
    region = regions(region_codes)
    city_region = pc.binary_join_element_wise(
        pc.fill_null(city, ""), pc.fill_null(region, ""), " "
    )
    city_region = pc.utf8_trim_whitespace(city_region)
    city_region = pc.if_else(
        pc.equal(city_region, ""), pa.scalar(None, pa.string()), city_region
    )
    return pc.coalesce(postal, city_region)


def address_keys(
    address_norm: StrArray,
    postal_codes: StrArray,
    cities: StrArray,
    regions: StrArray,
) -> pa.Array:
    """`address_norm` + `|` + place: same building and unit. Null without a street line.

    >>> address_keys(pa.array(["12 MAIN ST"]), pa.array(["78701-1234"]),
    ...              pa.array(["Austin"]), pa.array(["TX"])).to_pylist()
    ['12 MAIN ST|78701']
    """
    address_norm = as_array(address_norm)
    place = _place(as_array(postal_codes), as_array(cities), as_array(regions))
    return pc.binary_join_element_wise(
        address_norm, pc.fill_null(place, ""), "|"
    )
