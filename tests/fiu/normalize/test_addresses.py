import pyarrow as pa
import pytest

from fiu.normalize.addresses import address_keys, address_line, normalise_addresses


@pytest.mark.parametrize(
    "raw",
    [
        "123 Main St Apt 4",
        "123 Main Street, Apt. 4",
        "123 MAIN STREET APARTMENT 4",
        "123 Main St. #4",
        "123 main st # 4",
        "123 Main St, Unit 4",
        "123 Main Street Unit #4",
        "123 Main St Ste 4",
        "123 Main St Suite 4",
        "123 Main St Rm 4",
        "123 Main St, Apt 4, Austin, TX 78701",
        "123 Main St Apt 4 Austin TX 78701",
        "  123   Main   St   Apt   4  ",
    ],
)
def test_unit_forms_and_suffixes_standardise(raw):
    assert address_line(raw) == "123 MAIN ST UNIT 4"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1600 Pennsylvania Avenue Northwest", "1600 PENNSYLVANIA AVE NW"),
        ("1600 Pennsylvania Ave. N.W.", "1600 PENNSYLVANIA AVE NW"),
        ("200 West First Street", "200 W 1ST ST"),
        ("200 W. 1st St.", "200 W 1ST ST"),
        ("45 North Lake Boulevard", "45 N LAKE BLVD"),
        ("9 Sunset Blvd., Apt 4-B", "9 SUNSET BLVD UNIT 4B"),
        ("P.O. Box 123", "PO BOX 123"),
        ("PO Box 123", "PO BOX 123"),
        ("10 Court St", "10 COURT ST"),
        ("7 Broadway, Floor 3", "7 BROADWAY FL 3"),
        ("45 Calle José Martí", "45 CALLE JOSE MARTI"),
        ("88 Oak Parkway", "88 OAK PKWY"),
    ],
)
def test_directions_ordinals_and_suffixes(raw, expected):
    assert address_line(raw) == expected


def test_address_key_is_line_and_place():
    norm = normalise_addresses(pa.array(["12 Main St #4", "12 Main St #4", None, "5 Oak Ln"]))
    keys = address_keys(
        norm,
        pa.array(["78701-1234", None, "78701", None]),
        pa.array(["Austin", "Austin", None, None]),
        pa.array(["TX", "tx", None, None]),
    )
    assert keys.to_pylist() == [
        "12 MAIN ST UNIT 4|78701", "12 MAIN ST UNIT 4|AUSTIN TX", None, "5 OAK LN|",
    ]
