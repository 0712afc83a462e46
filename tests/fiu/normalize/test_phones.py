import numpy as np
import pyarrow as pa
import pytest

from fiu.normalize.phones import phone_to_e164, to_e164


@pytest.mark.parametrize(
    "raw, country, expected",
    [
        ("(512) 555-0100", None, "+15125550100"),
        ("512-555-0100", "US", "+15125550100"),
        ("512.555.0100", "US", "+15125550100"),
        ("5125550100", "US", "+15125550100"),
        ("1-512-555-0100", "US", "+15125550100"),
        ("+1 512 555 0100", "GB", "+15125550100"),
        ("+1-512-555-0100", None, "+15125550100"),
        ("1 (512) 555 0100", "US", "+15125550100"),
        ("512-555-0100 ext. 12", "US", "+15125550100"),
        ("tel:+1-512-555-0100", None, "+15125550100"),
        ("call 512 555 0100 anytime", "US", "+15125550100"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("0044 20 7946 0958", "US", "+442079460958"),
        ("011 44 20 7946 0958", "US", "+442079460958"),
        ("+52 55 1234 5678", "US", "+525512345678"),
        ("55 1234 5678", "MX", "+525512345678"),
    ],
)
def test_phone_formats_normalise_to_e164(raw, country, expected):
    assert phone_to_e164(raw, country) == expected


@pytest.mark.parametrize("raw", ["", "abc", "555-0100", "12"])
def test_unparseable_phones_are_null(raw):
    assert phone_to_e164(raw, "US") is None


def test_column_uses_each_rows_country_and_keeps_nulls():
    phones = pa.array(["020 7946 0958", "020 7946 0958", None, "(512) 555-0100"])
    countries = pa.array(["GB", None, "US", None])
    assert to_e164(phones, countries).to_pylist() == [
        "+442079460958",
        None,  # a UK number without its country is not a valid US one
        None,
        "+15125550100",
    ]


def test_north_american_fast_path_agrees_with_phonenumbers():
    rng = np.random.default_rng(3)
    formats = [
        "({a}) {b}-{c}", "{a}-{b}-{c}", "{a}.{b}.{c}", "+1 {a} {b} {c}", "1{a}{b}{c}",
        "{a}{b}{c}", "+1-{a}-{b}-{c}", "1 ({a}) {b} {c}", "+1 ({a}) {b}-{c}",
        "{a} {b} {c}", "1-{a}-{b}-{c}", " {a}/{b}-{c} ", "+{a}{b}{c}", "+44 {a} {b} {c}",
    ]
    phones, countries = [], []
    for i in range(300):
        a, b = rng.integers(100, 1000, size=2)  # includes invalid 0xx / 1xx codes
        c = f"{rng.integers(0, 10000):04d}"
        phones.append(formats[i % len(formats)].format(a=a, b=b, c=c))
        countries.append(["US", "CA", "GB", "MX", None][i % 5])
    got = to_e164(pa.array(phones), pa.array(countries)).to_pylist()
    expected = [phone_to_e164(p, c) for p, c in zip(phones, countries)]
    assert got == expected
