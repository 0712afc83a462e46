import pyarrow as pa
import pytest

from fiu.normalize.names import business_name, looks_like_business, person_name, typed_names


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("John Smith", "john smith"),
        ("SMITH, JOHN", "john smith"),
        ("Smith, John Q.", "john smith"),
        ("Mr. John Smith Jr.", "john smith"),
        ("Dr. John Q. Smith", "john smith"),
        ("Bill Smith", "william smith"),
        ("Smith, Bob", "robert smith"),
        ("José Núñez", "jose nunez"),
        ("Nguyễn Thị Lan", "nguyen thi lan"),
        ("O'Brien, Patrick", "patrick obrien"),
        ("Søren Ærø", "soren aero"),
        ("Иван Петров", "ivan petrov"),
        ("J. Smith", "j smith"),
        ("Smith, Jr.", "smith"),
    ],
)
def test_person_names_fold(raw, expected):
    assert person_name(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Golden Lotus Spa LLC", "golden lotus spa"),
        ("Golden Lotus Spa, L.L.C.", "golden lotus spa"),
        ("THE GOLDEN LOTUS SPA INC.", "golden lotus spa"),
        ("Golden Lotus Spa Corp", "golden lotus spa"),
        ("Golden Lotus Spa Co.", "golden lotus spa"),
        ("Golden Lotus Spa Corporation", "golden lotus spa"),
        ("Golden Lotus Spa, Inc", "golden lotus spa"),
        ("Smith & Sons Co.", "smith and sons"),
        ("Smith and Sons", "smith and sons"),
        ("Acme Staffing S.A. de C.V.", "acme staffing"),
        ("Jade Nails LLC dba Jade Spa", "jade nails"),
        ("The Company", "company"),
    ],
)
def test_business_suffixes_and_punctuation_drop(raw, expected):
    assert business_name(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [("Golden Lotus Spa", True), ("Smith & Co", True), ("A.B.C. Ltd", True),
     ("Maria Lopez", False), ("Candy", False)],
)
def test_untyped_names_are_guessed(raw, expected):
    assert looks_like_business(raw) is expected


def test_typed_names_follow_each_rows_kind():
    names = pa.array(["Smith, John", "Smith, John", "Lotus Spa LLC", None])
    business = pa.array([False, True, False, False])
    person = pa.array([True, False, False, False])
    assert typed_names(names, business, person).to_pylist() == [
        "john smith", "smith john", "lotus spa", None,
    ]
