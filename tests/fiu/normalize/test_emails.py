import pyarrow as pa
import pytest

from fiu.normalize.emails import normalise_email, normalise_emails


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Ann.Lee@Example.com", "ann.lee@example.com"),
        ("  ann.lee@example.com ", "ann.lee@example.com"),
        ("ann.lee+ads@example.com", "ann.lee@example.com"),
        ("A.N.N.Lee+x@gmail.com", "annlee@gmail.com"),
        ("annlee@googlemail.com", "annlee@gmail.com"),
        ("mailto:ann@example.org", "ann@example.org"),
        ("<ann@example.org>", "ann@example.org"),
        ("not an email", None),
        ("ann@", None),
    ],
)
def test_email_forms_fold_to_one_mailbox(raw, expected):
    assert normalise_email(raw) == expected


def test_email_column_keeps_nulls():
    assert normalise_emails(pa.array([None, "A@B.CO"])).to_pylist() == [None, "a@b.co"]
