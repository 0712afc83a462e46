"""Single-byte encodings parsed as bytes and made UTF-8 column by column."""
import pyarrow as pa
import pytest

from fiu.errors import InputError
from fiu.io.inputs import list_inputs
from fiu.io.readers import read_file
from fiu.io.single_byte import byte_table, first_undefined, to_utf8

PROFILE = """\
partner_id: bank-b
files:
  - match: "export_*.csv"
    kind: transactions
    encoding: {encoding}
    delimiter: ";"
    skip_rows: 1
    columns:
      txn_id: Ref
      account_id: Acct
      timestamp: When
      amount: Amount
      direction: Dir
      currency: {{value: EUR}}
      channel: {{column: Type, map: {{Überw: wire, Bar: cash}}}}
      counterparty_name: Name
      country: {{value: DE}}
"""
HEADER = "Ref;Acct;When;Amount;Dir;Type;Name"


def read(tmp_path, rows: list[str], encoding: str):
    (tmp_path / "partners").mkdir(exist_ok=True)
    (tmp_path / "partners" / "bank-b.yaml").write_text(PROFILE.format(encoding=encoding))
    text = "Kontoauszug für Müller\n" + "\n".join([HEADER, *rows]) + "\n"
    (tmp_path / "export_1.csv").write_bytes(text.encode(encoding))
    (source,) = list_inputs(tmp_path)
    return read_file(source)


def test_single_byte_encodings_are_known_and_others_are_not():
    assert byte_table("latin-1")[0xFC] == "ü"
    assert byte_table("cp1252")[0x80] == "€" and byte_table("cp1252")[0x81] == "\ufffe"
    assert byte_table("ascii")[0x41] == "A" and byte_table("ascii")[0xFC] == "\ufffe"
    for other in ("utf-8", "utf-16", "shift_jis", "cp037", "no-such-codec"):
        assert byte_table(other) is None


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "iso8859-15"])
def test_names_codes_and_plain_columns_come_out_as_utf8(tmp_path, encoding):
    euro = "€" if encoding != "latin-1" else "E"
    rows = [f"R1;A1;2026-10-01T10:00:00Z;5;in;Überw;Jörg Müller {euro}",
            "R2;A1;2026-10-01T11:00:00Z;7;out;Bar;Plain Name",
            "R3;A1;2026-10-01T12:00:00Z;9;out;Bar;"]
    result = read(tmp_path, rows, encoding)
    (batch,) = result.batches
    assert batch.column("counterparty_name").to_pylist() == [
        f"Jörg Müller {euro}", "Plain Name", None]
    assert batch.column("channel").to_pylist() == ["wire", "cash", "cash"]
    assert batch.column("_row").to_pylist() == [1, 2, 3]


def test_a_row_of_the_wrong_shape_with_non_ascii_bytes_is_quarantined_by_number(tmp_path):
    rows = ["R1;A1;2026-10-01T10:00:00Z;5;in;Überw;Jörg",
            "R2;A1;2026-10-01T11:00:00Z;7;out;Bar;Müller;extra field",
            "R3;A1;2026-10-01T12:00:00Z;9;out;Bar;Zoë"]
    result = read(tmp_path, rows, "latin-1")
    assert [line["row"] for line in result.broken] == [2]
    assert result.broken[0]["raw"]["Name"] == "Müller"
    assert [r["counterparty_name"] for b in result.batches for r in b.to_pylist()] == ["Jörg", "Zoë"]


def test_a_byte_the_encoding_lacks_is_named_by_its_offset_in_the_file(tmp_path):
    (tmp_path / "partners").mkdir()
    (tmp_path / "partners" / "bank-b.yaml").write_text(PROFILE.format(encoding="cp1252"))
    data = ("Titel\n" + HEADER + "\nR1;A1;2026-10-01T10:00:00Z;5;in;Bar;M").encode() + b"\x81\n"
    (tmp_path / "export_1.csv").write_bytes(data)
    (source,) = list_inputs(tmp_path)
    offset = data.index(b"\x81")
    with pytest.raises(InputError, match=f"not cp1252: byte {offset} cannot"):
        read_file(source)
    assert first_undefined(data, offset + 1, "cp1252") is None


def test_sliced_and_dictionary_arrays_keep_their_values():
    raw = "ä,b,,Ö€x,ß".encode("cp1252").split(b",")
    values = pa.array(raw, pa.binary()).cast(pa.string(), safe=False)
    table = pa.table({"plain": values, "codes": values.dictionary_encode()}).slice(1, 4)
    recoded = to_utf8(table, "cp1252")
    expected = ["b", "", "Ö€x", "ß"]
    assert recoded.column("plain").to_pylist() == expected
    assert recoded.column("codes").cast(pa.string()).to_pylist() == expected
    recoded.validate(full=True)
