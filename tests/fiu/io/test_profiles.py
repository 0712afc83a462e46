"""Mapping profiles: each option on a small file, and profiles that do not fit."""
from pathlib import Path

import pytest

from fiu.errors import InputError
from fiu.io.inputs import list_inputs
from fiu.io.profiles import ProfileError, load_profile
from fiu.io.readers import check_header, read_file

BASE = """\
partner_id: bank-b
files:
  - match: "export_*.csv"
    kind: transactions
{options}
    columns:
      txn_id: Ref
      account_id: Acct
      timestamp: {timestamp}
      amount: {amount}
      currency: {{value: EUR}}
      channel: {{column: Type, map: {{TRF: wire, ATM: cash}}}}
      country: {{value: DE}}
{extra}"""


def folder(tmp_path: Path, header: str, rows: list[str], options: str = "",
           timestamp: str = "{column: When}", amount: str = "Amount", extra: str = "",
           encoding: str = "utf-8") -> Path:
    (tmp_path / "partners").mkdir(exist_ok=True)
    (tmp_path / "partners" / "bank-b.yaml").write_text(
        BASE.format(options=options, timestamp=timestamp, amount=amount, extra=extra))
    text = "\n".join([header, *rows]) + "\n"
    (tmp_path / "export_10.csv").write_bytes(text.encode(encoding))
    return tmp_path


def rows_of(tmp_path: Path) -> list[dict]:
    (source,) = list_inputs(tmp_path)
    check_header(source)
    result = read_file(source)
    assert not result.broken
    return [r for b in result.batches for r in b.to_pylist()]


def test_columns_constants_and_value_maps_give_contract_rows(tmp_path):
    folder(tmp_path, "Ref,Acct,When,Amount,Type",
           ["R1,A1,2026-10-01T10:00:00Z,12.50,TRF", "R2,A1,2026-10-02T11:00:00+02:00,3,ATM"],
           extra="      direction: {column: Dir}\n", amount="Amount")
    # direction must come from somewhere: add a column
    (tmp_path / "export_10.csv").write_text(
        "Ref,Acct,When,Amount,Type,Dir\nR1,A1,2026-10-01T10:00:00Z,12.50,TRF,in\n"
        "R2,A1,2026-10-02T11:00:00+02:00,3,ATM,out\n")
    rows = rows_of(tmp_path)
    assert [(r["txn_id"], r["partner_id"], r["currency"], r["channel"], r["direction"])
            for r in rows] == [("R1", "bank-b", "EUR", "wire", "in"), ("R2", "bank-b", "EUR", "cash", "out")]
    assert [r["_file"] for r in rows] == ["export_10.csv"] * 2 and [r["_row"] for r in rows] == [1, 2]


def test_decimal_comma_thousands_dot_and_a_signed_amount(tmp_path):
    folder(tmp_path, "Ref;Acct;When;Amount;Type", ['R1;A1;2026-10-01T10:00:00Z;"-1.234,50";TRF',
                                                  "R2;A1;2026-10-01T10:00:00Z;7,05;TRF",
                                                  "R3;A1;2026-10-01T10:00:00Z;12,00-;TRF"],
           options='    delimiter: ";"\n    decimal: ","\n    thousands: "."',
           amount="{signed: Amount}")
    rows = rows_of(tmp_path)
    assert [(r["amount"], r["direction"]) for r in rows] == [
        ("1234.50", "out"), ("7.05", "in"), ("12.00", "out")]


def test_a_value_that_is_no_number_in_the_partners_notation_is_passed_on_as_written(tmp_path):
    folder(tmp_path, "Ref;Acct;When;Amount;Type",
           [f"R{i};A1;2026-10-01T10:00:00Z;{v};TRF" for i, v in
            enumerate(["1.234,50", "12,50,00", "1.2.3", "k.A.", "12.50", "+3,5"])],
           options='    delimiter: ";"\n    decimal: ","\n    thousands: "."',
           amount="{signed: Amount}")
    assert [r["amount"] for r in rows_of(tmp_path)] == [
        "1234.50", "12,50,00", "1.2.3", "k.A.", "12.50", "3.5"]


def test_a_debit_credit_flag_gives_the_direction_and_an_unknown_flag_is_kept(tmp_path):
    folder(tmp_path, "Ref,Acct,When,Amount,Type,DC",
           ["R1,A1,2026-10-01T10:00:00Z,5.00,TRF,D", "R2,A1,2026-10-01T10:00:00Z,6.00,TRF,C",
            "R3,A1,2026-10-01T10:00:00Z,7.00,TRF,?"],
           amount="{column: Amount, flag: {column: DC, debit: [D, DR], credit: C}}")
    assert [r["direction"] for r in rows_of(tmp_path)] == ["out", "in", "?"]


def test_two_amount_columns_one_filled_a_zero_counting_as_empty(tmp_path):
    folder(tmp_path, "Ref,Acct,When,Debit,Credit,Type",
           ["R1,A1,2026-10-01T10:00:00Z,5.00,,TRF", "R2,A1,2026-10-01T10:00:00Z,0.00,6.00,TRF",
            "R3,A1,2026-10-01T10:00:00Z,1.00,2.00,TRF", "R4,A1,2026-10-01T10:00:00Z,,,TRF"],
           amount="{debit: Debit, credit: Credit}")
    rows = rows_of(tmp_path)
    assert [(r["amount"], r["direction"]) for r in rows] == [
        ("5.00", "out"), ("6.00", "in"), ("debit 1.00 and credit 2.00", None), (None, None)]


def test_a_time_zone_gives_the_offset_in_force_that_day(tmp_path):
    folder(tmp_path, "Ref,Acct,Day,Time,Amount,Type,Dir",
           ["R1,A1,15.07.2026,23:30,5,TRF,in", "R2,A1,15.01.2026,23:30,5,TRF,in",
            "R3,A1,31.02.2026,10:00,5,TRF,in"],
           options="    timezone: Europe/Berlin",
           timestamp='{column: [Day, Time], format: "%d.%m.%Y %H:%M"}',
           extra="      direction: Dir\n")
    rows = rows_of(tmp_path)
    assert [r["timestamp"] for r in rows] == [
        "2026-07-15 23:30:00+02:00", "2026-01-15 23:30:00+01:00", "31.02.2026 10:00"]
    assert {r["timestamp_precision"] for r in rows} == {"second"}


@pytest.mark.parametrize("split", [True, False])
def test_days_the_clock_changes_gap_ambiguous_and_missing_parts(tmp_path, split):
    """Offsets are looked up per day; the two days Berlin changes its clock are read row
    by row: 02:30 on 29 March does not exist (moved to the gap's end), 02:30 on 25
    October happens twice (the earlier, summer offset)."""
    rows = [("29.03.2026", "01:30"), ("29.03.2026", "02:30"), ("29.03.2026", "04:00"),
            ("25.10.2026", "02:30"), ("25.10.2026", "03:30"), ("15.07.2026", "23:30"),
            ("15.07.2026", ""), ("30.02.2026", "10:00")]
    if split:
        lines = [f"R{i},A1,{d},{t},5,TRF,in" for i, (d, t) in enumerate(rows)]
        header, column = "Ref,Acct,Day,Time,Amount,Type,Dir", "[Day, Time]"
    else:
        lines = [f"R{i},A1,{d} {t},5,TRF,in".replace(" ,", ",") for i, (d, t) in enumerate(rows)]
        header, column = "Ref,Acct,When,Amount,Type,Dir", "When"
    folder(tmp_path, header, lines, options="    timezone: Europe/Berlin",
           timestamp=f'{{column: {column}, format: "%d.%m.%Y %H:%M"}}',
           extra="      direction: Dir\n")
    assert [r["timestamp"] for r in rows_of(tmp_path)] == [
        "2026-03-29 01:30:00+01:00", "2026-03-29 03:00:00+02:00", "2026-03-29 04:00:00+02:00",
        "2026-10-25 02:30:00+02:00", "2026-10-25 03:30:00+01:00", "2026-07-15 23:30:00+02:00",
        "15.07.2026", "30.02.2026 10:00"]


def test_a_date_only_format_gives_dates_with_precision_date(tmp_path):
    folder(tmp_path, "Ref,Acct,Day,Amount,Type,Dir", ["R1,A1,01/10/2026,5,TRF,in"],
           timestamp='{column: Day, format: "%d/%m/%Y"}', extra="      direction: Dir\n")
    (row,) = rows_of(tmp_path)
    assert (row["timestamp"], row["timestamp_precision"]) == ("2026-10-01", "date")


def test_encoding_skip_rows_and_ignored_columns(tmp_path):
    folder(tmp_path, "Ref,Acct,When,Amount,Type,Dir,Name,Saldo",
           ["R1,A1,2026-10-01T10:00:00Z,5,TRF,in,Müller,9"],
           options="    encoding: cp1252\n    skip_rows: 0",
           extra="      direction: Dir\n      counterparty_name: Name\n    ignore: [Saldo]\n",
           encoding="cp1252")
    (source,) = list_inputs(tmp_path)
    result = read_file(source)
    assert result.batches[0].column("counterparty_name").to_pylist() == ["Müller"]
    assert result.ignored_columns == ["Saldo"]


def test_skip_rows_leaves_out_the_lines_above_the_header(tmp_path):
    folder(tmp_path, 'Statement of account 4711\nPeriod: October\nRef,Acct,When,Amount,Type,Dir',
           ["R1,A1,2026-10-01T10:00:00Z,5,TRF,in"], options="    skip_rows: 2",
           extra="      direction: Dir\n")
    (row,) = rows_of(tmp_path)
    assert (row["txn_id"], row["_row"]) == ("R1", 1)


def test_a_missing_column_is_a_file_error_naming_the_profile_key(tmp_path):
    folder(tmp_path, "Ref,Acct,When,Amount,Kind,Dir", ["R1,A1,2026-10-01T10:00:00Z,5,TRF,in"],
           extra="      direction: Dir\n")
    (source,) = list_inputs(tmp_path)
    with pytest.raises(InputError) as err:
        check_header(source)
    assert err.value.file == "export_10.csv"
    assert "profile bank-b.yaml files[0].columns.channel: no column 'Type'" in err.value.message


def test_a_new_column_neither_mapped_nor_ignored_is_refused(tmp_path):
    folder(tmp_path, "Ref,Acct,When,Amount,Type,Dir,New", ["R1,A1,2026-10-01T10:00:00Z,5,TRF,in,x"],
           extra="      direction: Dir\n    ignore: []\n")
    (source,) = list_inputs(tmp_path)
    with pytest.raises(InputError, match=r"files\[0\].ignore: column\(s\) New"):
        check_header(source)


def test_a_date_format_no_value_matches_is_a_file_error(tmp_path):
    folder(tmp_path, "Ref,Acct,Day,Amount,Type,Dir", ["R1,A1,2026-10-01,5,TRF,in"],
           timestamp='{column: Day, format: "%d.%m.%Y"}', extra="      direction: Dir\n")
    (source,) = list_inputs(tmp_path)
    with pytest.raises(InputError, match=r"columns.timestamp.format: no value matches '%d.%m.%Y' \(first: '2026-10-01'\)"):
        read_file(source)


def test_profile_problems_are_listed_with_file_line_and_key(tmp_path):
    path = tmp_path / "bank-x.yaml"
    path.write_text(
        "partner_id: bank-x\nfiles:\n  - match: '*.csv'\n    kind: transactions\n"
        "    delimeter: ';'\n    columns:\n      txn_id: Ref\n      amout: Amount\n"
        "      timestamp: {column: When, format: '%d.%m.%Y %H:%M'}\n"
    )
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    assert err.value.errors == [
        f"{path}:5 files[0].delimeter: unknown key (did you mean delimiter?)"]
    path.write_text(
        "partner_id: bank-x\nfiles:\n  - match: '*.csv'\n    kind: transactions\n"
        "    columns:\n      txn_id: Ref\n      amout: Amount\n"
        "      timestamp: {column: When, format: '%d.%m.%Y %H:%M'}\n"
    )
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    text = "\n".join(err.value.errors)
    assert f"{path}:7 files[0].columns.amout: not a transactions field of the contract (did you mean amount?)" in text
    assert f"{path}:8 files[0].columns.timestamp: a date-time format needs a `timezone`" in text
    assert "no mapping for required field 'account_id'" in text


def test_a_wrong_profile_exits_2_naming_the_key(tmp_path, capsys):
    from fiu.cli import main

    folder(tmp_path, "Ref,Acct,When,Amount,Kind,Dir", ["R1,A1,2026-10-01T10:00:00Z,5,TRF,in"],
           extra="      direction: Dir\n")
    (tmp_path / "partners.yaml").write_text("partners:\n  - {id: bank-b, kind: financial_institution}\n")
    assert main(["run", str(tmp_path), "--out", str(tmp_path.parent / "out-profile")]) == 2
    assert "export_10.csv: profile bank-b.yaml files[0].columns.channel: no column 'Type'" in capsys.readouterr().err


def test_profile_check_previews_contract_rows_and_lists_what_would_be_quarantined(tmp_path, capsys):
    from fiu.cli import main

    folder(tmp_path, "Ref,Acct,When,Amount,Type,Dir",
           ["R1,A1,2026-10-01T10:00:00Z,5,TRF,in", "R2,A1,2026-10-01T10:00:00Z,0,TRF,in",
            "R3,A1,2026-10-01T10:00:00Z,5,XYZ,in"], extra="      direction: Dir\n")
    code = main(["profile", "check", str(tmp_path / "partners" / "bank-b.yaml"),
                 str(tmp_path / "export_10.csv")])
    out = capsys.readouterr().out
    assert code == 1
    assert '"txn_id": "R1", "partner_id": "bank-b"' in out
    assert "3 rows: 1 accepted, 2 would be quarantined" in out
    assert "row 2: amount (from Amount) '0'" in out
    assert "row 3: channel (from Type) 'XYZ'" in out


def test_profile_init_drafts_a_profile_that_loads_and_reads_the_file(tmp_path, capsys):
    from fiu.cli import main

    data = tmp_path / "umsaetze.csv"
    data.write_bytes("Buchungsnr;Konto;Buchungstag;Betrag;S/H;Empfänger;Saldo\n"
                     "B1;DE01;01.10.2026;1.234,50;S;Müller;9\n".encode("cp1252"))
    draft = tmp_path / "bank-z.yaml"
    assert main(["profile", "init", str(data), "--partner-id", "bank-z", "--out", str(draft)]) == 0
    text = draft.read_text()
    assert "encoding: cp1252" in text and "decimal: ','" in text and "format: '%d.%m.%Y'" in text
    (profile,) = load_profile(draft)
    assert profile.columns["txn_id"] == {"column": "Buchungsnr"}
    assert profile.columns["timestamp"] == {"column": "Buchungstag", "format": "%d.%m.%Y"}
    assert profile.columns["counterparty_name"] == {"column": "Empfänger"}
    assert profile.ignore == ("Saldo",)


def test_a_byte_outside_the_encoding_is_named_by_its_offset_in_the_file(tmp_path):
    folder(tmp_path, "Title\nRef,Acct,When,Amount,Type,Dir,Name",
           ["R1,A1,2026-10-01T10:00:00Z,5,TRF,in,M\u00fcller"],
           options="    encoding: ascii\n    skip_rows: 1",
           extra="      direction: Dir\n      counterparty_name: Name\n", encoding="latin-1")
    (source,) = list_inputs(tmp_path)
    offset = (tmp_path / "export_10.csv").read_bytes().index(b"\xfc")
    with pytest.raises(InputError, match=f"not ascii: byte {offset} cannot"):
        read_file(source)


def test_dictionary_encoded_and_plain_columns_are_mapped_alike(tmp_path):
    """The reader hands date, time, flag and code columns over dictionary-encoded (the
    fast path) or plain (rows read one by one): both give the same contract values."""
    import pyarrow as pa

    (tmp_path / "partners").mkdir()
    (tmp_path / "partners" / "bank-b.yaml").write_text(BASE.format(
        options='    timezone: Europe/Berlin\n    decimal: ","\n    thousands: "."',
        timestamp='{column: [Day, Time], format: "%d.%m.%Y %H:%M:%S"}',
        amount="{column: Amount, flag: {column: DC, debit: S, credit: H}}", extra=""))
    (profile,) = load_profile(tmp_path / "partners" / "bank-b.yaml")
    days = ["29.03.2026", "29.03.2026", "25.10.2026", "15.07.2026", "15.07.2026", None,
            "31.12.2026", "30.02.2026", "01.01.2026", "15.07.2026", "15.01.2026"]
    times = ["01:30:00", "02:30:00", "02:30:00", "23:59:60", None, "10:00:00",
             "23:59:59", "10:00:00", "00:00:00", "7 Uhr", "12:00:00"]
    amounts = [" 7,05 ", "\u00a01.234,50", "+3,5", "12,00-", "12,50,00", "k.A.", None,
               "0,5", "1.000", "5", "9,99"]
    flags = ["S", "H", "S", "?", None, "H", "S", "S", "H", "H", "S"]
    plain = pa.table({"Ref": [f"R{i}" for i in range(len(days))], "Acct": ["A1"] * len(days),
                      "Day": days, "Time": times, "Amount": amounts, "DC": flags,
                      "Type": ["TRF", "ATM", None, "X"] * 2 + ["TRF"] * 3})
    coded = pa.table({name: (plain.column(name).dictionary_encode()
                             if name in profile.dictionary_columns() else plain.column(name))
                      for name in plain.column_names})
    expected = profile.apply(plain, "export_1.csv").to_pydict()
    assert profile.apply(coded, "export_1.csv").to_pydict() == expected
    assert expected["timestamp"][:5] == [
        "2026-03-29 01:30:00+01:00", "2026-03-29 03:00:00+02:00", "2026-10-25 02:30:00+02:00",
        "2026-07-16 00:00:00+02:00", "15.07.2026"]
    assert expected["timestamp"][5:] == [
        "10:00:00", "2026-12-31 23:59:59+01:00", "30.02.2026 10:00:00",
        "2026-01-01 00:00:00+01:00", "15.07.2026 7 Uhr", "2026-01-15 12:00:00+01:00"]
    assert expected["amount"] == ["7.05", "1234.50", "3.5", "-12.00", "12,50,00", "k.A.", None,
                                  "0.5", "1000", "5", "9.99"]
