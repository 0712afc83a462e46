"""A corpus of malformed rows and files, each with the exact quarantine entry or error it
must give; and a property: whatever the mix and format, `read == accepted + quarantined`,
every valid row accepted and every corrupted one quarantined."""
from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fiu.errors import InputError
from fiu.io.inputs import list_inputs
from fiu.io.readers import ROW_SHAPE, check_header, read_file
from fiu.validate.split import CAST
from fiu.validate.suites import load_suites, unique_key
from fiu.validate.unique import drop_repeats, key_table, repeated_rows
from tests.conftest import account, osint, txn, write_csv, write_jsonl, write_parquet

NOT_NULL = "expect_column_values_to_not_be_null"
IN_SET = "expect_column_values_to_be_in_set"
REGEX = "expect_column_values_to_match_regex"
COMPOUND = "expect_compound_columns_to_be_unique"
UNIQUE = "expect_column_values_to_be_unique"
SUITES = load_suites()


def judge(folder: Path, validator) -> tuple[int, int, list[dict]]:
    """(read, accepted, quarantine lines) of a folder, as the pipeline judges it."""
    files = list_inputs(folder)
    for source in files:
        check_header(source)
    read = accepted = 0
    lines: list[dict] = []
    raw: dict[str, list[pa.RecordBatch]] = {}
    for source in files:
        result = read_file(source)
        lines += result.broken
        read += sum(b.num_rows for b in result.batches) + len(result.broken)
        raw.setdefault(source.kind, []).extend(result.batches)
    for kind, batches in raw.items():
        key = unique_key(SUITES[kind])
        repeats = repeated_rows(pa.concat_tables([key_table(b, key) for b in batches]))
        for batch in batches:
            batch, repeated = drop_repeats(kind, batch, repeats, key)
            typed, bad = validator.split(kind, batch)
            accepted += typed.num_rows
            lines += repeated + bad
    return read, accepted, sorted(lines, key=lambda line: (line["file"], line["row"]))


def entry(line: dict) -> tuple:
    return line["row"], [(f["expectation"], f["column"], f["value"]) for f in line["failures"]]


KINDS = {"transactions": txn, "accounts": account, "osint": osint}


def rows_with(kind: str, bad: dict, at: int = 2) -> list[dict]:
    """Three valid rows of a kind with `bad` overriding the row at 1-based `at`."""
    make = KINDS[kind]
    key = {"transactions": "txn_id", "accounts": "account_id", "osint": "record_id"}[kind]
    rows = [make(**{key: f"K{i}"}) for i in (1, 2, 3)]
    rows[at - 1] = {**rows[at - 1], **bad}
    return rows


ROW_CASES = [
    # (case, kind, override of row 2, expected failures of row 2)
    ("negative amount", "transactions", {"amount": "-45.00"}, [(REGEX, "amount", "-45.00")]),
    ("zero amount", "transactions", {"amount": "0"}, [(REGEX, "amount", "0")]),
    ("zero amount with decimals", "transactions", {"amount": "0.00"}, [(REGEX, "amount", "0.00")]),
    ("decimal comma", "transactions", {"amount": "12,50"}, [(REGEX, "amount", "12,50")]),
    ("exponent amount", "transactions", {"amount": "1e5"}, [(REGEX, "amount", "1e5")]),
    ("missing amount", "transactions", {"amount": ""}, [(NOT_NULL, "amount", None)]),
    ("unknown currency", "transactions", {"currency": "XYZ"}, [(IN_SET, "currency", "XYZ")]),
    ("lower-case currency", "transactions", {"currency": "usd"}, [(IN_SET, "currency", "usd")]),
    ("country not alpha-2", "transactions", {"country": "UK"}, [(IN_SET, "country", "UK")]),
    ("country alpha-3", "transactions", {"country": "USA"}, [(IN_SET, "country", "USA")]),
    ("missing country", "transactions", {"country": ""}, [(NOT_NULL, "country", None)]),
    ("bad direction", "transactions", {"direction": "sideways"}, [(IN_SET, "direction", "sideways")]),
    ("bad channel", "transactions", {"channel": "barter"}, [(IN_SET, "channel", "barter")]),
    ("timestamp without offset", "transactions", {"timestamp": "2026-03-04T23:15:00"},
     [(REGEX, "timestamp", "2026-03-04T23:15:00")]),
    ("US-style timestamp", "transactions", {"timestamp": "04/03/2026 23:15"},
     [(REGEX, "timestamp", "04/03/2026 23:15")]),
    ("hour 25", "transactions", {"timestamp": "2026-03-04T25:61:00-06:00"},
     [(REGEX, "timestamp", "2026-03-04T25:61:00-06:00")]),
    ("day that does not exist", "transactions", {"timestamp": "2026-02-30T01:00:00Z"},
     [(CAST, "timestamp", "2026-02-30T01:00:00Z")]),
    ("five-digit MCC", "transactions", {"merchant_category_code": "72970"},
     [(REGEX, "merchant_category_code", "72970")]),
    ("MCC with a letter", "transactions", {"merchant_category_code": "72a7"},
     [(REGEX, "merchant_category_code", "72a7")]),
    ("missing txn_id", "transactions", {"txn_id": ""}, [(NOT_NULL, "txn_id", None)]),
    ("missing partner_id", "transactions", {"partner_id": ""}, [(NOT_NULL, "partner_id", None)]),
    ("missing account_id", "transactions", {"account_id": ""}, [(NOT_NULL, "account_id", None)]),
    ("repeated txn_id", "transactions", {"txn_id": "K1"},
     [(COMPOUND, "partner_id,txn_id", "repeats f.csv row 1")]),
    ("several rules at once", "transactions", {"amount": "-1", "currency": "ZZZ", "direction": "up"},
     [(REGEX, "amount", "-1"), (IN_SET, "currency", "ZZZ"), (IN_SET, "direction", "up")]),
    ("bad holder_type", "accounts", {"holder_type": "person"}, [(IN_SET, "holder_type", "person")]),
    ("month 13", "accounts", {"opened_on": "2025-13-01"}, [(REGEX, "opened_on", "2025-13-01")]),
    ("31 February", "accounts", {"date_of_birth": "1985-02-31"}, [(CAST, "date_of_birth", "1985-02-31")]),
    ("missing holder_name", "accounts", {"holder_name": ""}, [(NOT_NULL, "holder_name", None)]),
    ("repeated account", "accounts", {"account_id": "K1"},
     [(COMPOUND, "partner_id,account_id", "repeats f.csv row 1")]),
    ("bad source", "osint", {"source": "twitter"}, [(IN_SET, "source", "twitter")]),
    ("bad entity_type", "osint", {"entity_type": "company"}, [(IN_SET, "entity_type", "company")]),
    ("observed_on in words", "osint", {"observed_on": "June 5"}, [(REGEX, "observed_on", "June 5")]),
    ("missing name", "osint", {"name": ""}, [(NOT_NULL, "name", None)]),
    ("repeated record_id", "osint", {"record_id": "K1"}, [(UNIQUE, "record_id", "repeats f.csv row 1")]),
    ("osint country", "osint", {"country": "ZZ"}, [(IN_SET, "country", "ZZ")]),
]


@pytest.mark.parametrize("case, kind, bad, expected", ROW_CASES, ids=[c[0] for c in ROW_CASES])
def test_malformed_row_gives_its_exact_quarantine_entry(tmp_path, validator, case, kind, bad, expected):
    write_csv(tmp_path / f"{kind}_f.csv", rows_with(kind, bad))
    read, accepted, lines = judge(tmp_path, validator)
    for line in lines:
        for f in line["failures"]:
            if isinstance(f["value"], str):
                f["value"] = f["value"].replace(f"{kind}_f.csv", "f.csv")
    assert (read, accepted) == (3, 2)
    assert [entry(line) for line in lines] == [(2, sorted(expected, key=lambda e: (e[1], e[0])))]
    assert lines[0]["file"] == f"{kind}_f.csv"
    assert {k: lines[0]["raw"][k] for k in bad} == {k: v or None for k, v in bad.items()}


def _extra_field(folder):
    path = write_csv(folder / "transactions_a.csv", rows_with("transactions", {}))
    lines = path.read_text().splitlines()
    lines[2] += ",extra"
    path.write_text("\n".join(lines) + "\n")


def _broken_json_line(folder):
    path = write_jsonl(folder / "transactions_a.jsonl", rows_with("transactions", {}))
    lines = path.read_text().splitlines()
    lines[1] = lines[1][:-5]
    path.write_text("\n".join(lines) + "\n")


def _array_line(folder):
    path = write_jsonl(folder / "transactions_a.jsonl", rows_with("transactions", {}))
    lines = path.read_text().splitlines()
    lines[1] = '["T2", "bank-a"]'
    path.write_text("\n".join(lines) + "\n")


SHAPE_CASES = [
    ("CSV row with an extra field", _extra_field, "16 fields where the header has 15"),
    ("JSON line cut short", _broken_json_line, "invalid JSON: Expecting ':' delimiter"),
    ("JSON line that is an array", _array_line, "not a JSON object"),
]


@pytest.mark.parametrize("case, make, reason", SHAPE_CASES, ids=[c[0] for c in SHAPE_CASES])
def test_row_that_is_not_a_record_is_quarantined_by_number(tmp_path, validator, case, make, reason):
    make(tmp_path)
    read, accepted, lines = judge(tmp_path, validator)
    assert (read, accepted) == (3, 2)
    assert [entry(line) for line in lines] == [(2, [(ROW_SHAPE, None, reason)])]


def _rows():
    return rows_with("transactions", {})


def _truncated_parquet(folder):
    path = write_parquet(folder / "transactions_a.parquet", _rows(), "transactions")
    path.write_bytes(path.read_bytes()[:-12])


def _csv_cut_in_quotes(folder):
    path = write_csv(folder / "transactions_a.csv", rows_with("transactions", {"memo": 'said "hi", left'}))
    text = path.read_text()
    path.write_text(text[: text.rindex('"hi"') - 3])


def _binary_jsonl(folder):
    (folder / "transactions_a.jsonl").write_bytes(os.urandom(64) + b"\x00" * 8)


def _nul_jsonl(folder):
    (folder / "transactions_a.jsonl").write_bytes(b'{"txn_id": "T1"}\n\x00\x01\x02\n')


def _garbage_text_jsonl(folder):
    (folder / "transactions_a.jsonl").write_text("~~~ not json ~~~\n<<<>>>\n")


def _latin1_csv(folder):
    path = write_csv(folder / "transactions_a.csv", [txn(memo="café")])
    path.write_bytes(path.read_text().encode("latin-1"))


def _utf16_csv(folder):
    path = write_csv(folder / "transactions_a.csv", [txn()])
    path.write_bytes(path.read_text().encode("utf-16"))


def _latin1_parquet(folder):
    """Parquet strings are not checked for UTF-8 by the format or by Arrow's reader."""
    rows = [txn(), txn(txn_id="T2", memo="caf\xe9")]
    table = pa.table({k: [r[k] for r in rows] for k in rows[0]})
    memo = pa.array([r["memo"].encode("latin-1") for r in rows], pa.binary()).view(pa.string())
    pq.write_table(table.set_column(table.column_names.index("memo"), "memo", memo),
                   folder / "transactions_a.parquet")


def _missing_column(fmt):
    def make(folder):
        rows = [{k: v for k, v in txn().items() if k != "amount"}]
        if fmt == "csv":
            write_csv(folder / "transactions_a.csv", rows)
        elif fmt == "jsonl":
            write_jsonl(folder / "transactions_a.jsonl", rows)
        else:
            pq.write_table(pa.table({k: [v] for k, v in rows[0].items()}), folder / "transactions_a.parquet")
    return make


def _empty_csv(folder):
    (folder / "transactions_a.csv").write_text("")


def _garbage_parquet(folder):
    (folder / "transactions_a.parquet").write_bytes(b"PAR1" + b"\x07" * 64)


def _unknown_kind(folder):
    write_csv(folder / "payments.csv", [txn()])


def _unknown_format(folder):
    (folder / "transactions.xlsx").write_bytes(b"PK")


FILE_CASES = [
    ("truncated Parquet", _truncated_parquet, "transactions_a.parquet: cannot read parquet file"),
    ("garbage Parquet", _garbage_parquet, "transactions_a.parquet: cannot read parquet file"),
    ("CSV cut inside a quoted field", _csv_cut_in_quotes,
     "transactions_a.csv: truncated: the file ends inside a quoted field"),
    ("binary JSON Lines", _binary_jsonl, "transactions_a.jsonl: not UTF-8"),
    ("JSON Lines with NUL bytes", _nul_jsonl, "transactions_a.jsonl: binary content: NUL byte at offset 17"),
    ("JSON Lines of text that is no JSON", _garbage_text_jsonl,
     "transactions_a.jsonl: missing required column(s): txn_id"),
    ("Latin-1 CSV", _latin1_csv, "transactions_a.csv: not UTF-8"),
    ("UTF-16 CSV", _utf16_csv, "transactions_a.csv: not UTF-8"),
    ("Latin-1 strings in Parquet", _latin1_parquet,
     "transactions_a.parquet row 2 column memo: not UTF-8: byte 3"),
    ("CSV missing a required column", _missing_column("csv"),
     "transactions_a.csv: missing required column(s): amount"),
    ("JSON Lines missing a required column", _missing_column("jsonl"),
     "transactions_a.jsonl: missing required column(s): amount"),
    ("Parquet missing a required column", _missing_column("parquet"),
     "transactions_a.parquet: missing required column(s): amount"),
    ("empty CSV", _empty_csv, "transactions_a.csv: empty file: no header row"),
    ("unknown kind", _unknown_kind, "payments.csv: unknown kind"),
    ("unknown format", _unknown_format, "transactions.xlsx: unknown format"),
]


@pytest.mark.parametrize("case, make, message", FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_bad_file_is_an_input_error_naming_file_and_problem(tmp_path, validator, case, make, message):
    make(tmp_path)
    with pytest.raises(InputError) as raised:
        judge(tmp_path, validator)
    assert str(raised.value).startswith(message)
    assert raised.value.exit_code == 2


def test_every_file_problem_is_also_raised_by_the_reader_alone(tmp_path):
    """A worker that reads a file the pre-flight check never saw still refuses it."""
    for i, (case, make, message) in enumerate(FILE_CASES[:-2]):
        folder = tmp_path / str(i)
        folder.mkdir()
        make(folder)
        (source,) = list_inputs(folder)
        with pytest.raises(InputError, match=message.split(": ", 1)[1][:20].replace("(", r"\(")):
            read_file(source)


CORRUPTIONS = [
    ("amount", "-3.00"), ("amount", ""), ("amount", "abc"), ("currency", "ABC"),
    ("country", "ZZ"), ("direction", "up"), ("channel", "venmo"),
    ("timestamp", "2026-03-04T23:15:00"), ("timestamp", "2026-02-30T01:00:00Z"),
    ("merchant_category_code", "12345"), ("txn_id", ""), ("account_id", ""),
]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    fmt=st.sampled_from(["csv", "jsonl", "parquet"]),
    plan=st.lists(st.one_of(st.none(), st.sampled_from(range(len(CORRUPTIONS)))), min_size=1, max_size=12),
)
def test_any_mix_of_rows_is_split_exactly(tmp_path_factory, validator, fmt, plan):
    folder = tmp_path_factory.mktemp(fmt)
    rows = []
    for i, corruption in enumerate(plan, start=1):
        row = txn(txn_id=f"T{i}", amount=f"{i}.50")
        if corruption is not None:
            field, value = CORRUPTIONS[corruption]
            row[field] = value
        rows.append(row)
    path = folder / f"transactions_p.{fmt}"
    {"csv": write_csv, "jsonl": write_jsonl}.get(fmt, lambda p, r: write_parquet(p, r, "transactions"))(path, rows)
    read, accepted, lines = judge(folder, validator)
    corrupted = [i for i, c in enumerate(plan, start=1) if c is not None]
    assert read == len(plan) == accepted + len(lines)
    assert [line["row"] for line in lines] == corrupted
    for line in lines:
        field, value = CORRUPTIONS[plan[line["row"] - 1]]
        assert field in {f["column"] for f in line["failures"]}
