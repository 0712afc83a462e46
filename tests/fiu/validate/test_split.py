import pyarrow as pa
import pytest

from fiu.contract import COLUMNS, KINDS, raw_schema, typed_schema
from fiu.validate.split import CAST
from fiu.validate.suites import load_suites, unique_key
from fiu.validate.unique import drop_repeats, key_table, repeated_rows
from tests.conftest import account, txn


def raw_batch(kind, rows, file="f.csv"):
    schema = raw_schema(kind)
    data = {name: [r.get(name) or None for r in rows] for name in schema.names if not name.startswith("_")}
    data["_file"] = [file] * len(rows)
    data["_row"] = list(range(1, len(rows) + 1))
    return pa.RecordBatch.from_pydict(data, schema=schema)


def failures_of(lines):
    return {line["row"]: {(f["expectation"], f["column"]) for f in line["failures"]} for line in lines}


def test_every_contract_column_is_checked_by_its_suite():
    suites = load_suites()
    for kind in KINDS:
        columns = {e["kwargs"].get("column") for e in suites[kind]["expectations"]}
        required = {c.name for c in COLUMNS[kind] if c.required}
        assert required <= columns, kind


@pytest.mark.parametrize(
    "field, value, expectation",
    [
        ("amount", "-45.00", "expect_column_values_to_match_regex"),
        ("amount", "0", "expect_column_values_to_match_regex"),
        ("amount", "12,50", "expect_column_values_to_match_regex"),
        ("amount", None, "expect_column_values_to_not_be_null"),
        ("currency", "XYZ", "expect_column_values_to_be_in_set"),
        ("country", "UK", "expect_column_values_to_be_in_set"),
        ("direction", "sideways", "expect_column_values_to_be_in_set"),
        ("channel", "barter", "expect_column_values_to_be_in_set"),
        ("timestamp", "2026-03-04T23:15:00", "expect_column_values_to_match_regex"),
        ("timestamp", "04/03/2026 23:15", "expect_column_values_to_match_regex"),
        ("merchant_category_code", "72970", "expect_column_values_to_match_regex"),
        ("txn_id", None, "expect_column_values_to_not_be_null"),
        ("timestamp", "2026-02-30T01:00:00Z", CAST),
    ],
)
def test_bad_transaction_field_is_quarantined_with_its_reason(validator, field, value, expectation):
    batch = raw_batch("transactions", [txn(txn_id="T1"), txn(**{"txn_id": "T2", field: value})])
    accepted, lines = validator.split("transactions", batch)
    assert accepted.column("txn_id").to_pylist() == ["T1"]
    assert failures_of(lines) == {2: {(expectation, field)}}
    assert lines[0]["raw"][field] == value
    assert lines[0]["file"] == "f.csv"


def test_a_row_breaking_several_rules_lists_them_all(validator):
    batch = raw_batch("transactions", [txn(amount="-1", currency="ZZZ", direction="up")])
    _, lines = validator.split("transactions", batch)
    assert {f["column"] for f in lines[0]["failures"]} == {"amount", "currency", "direction"}


def test_accepted_rows_are_typed_with_ref_and_local_offset(validator):
    batch = raw_batch("transactions", [txn(amount="120.50", timestamp="2026-03-04T23:15:00-06:00")])
    accepted, lines = validator.split("transactions", batch)
    assert lines == []
    assert accepted.schema == typed_schema("transactions")
    row = accepted.to_pylist()[0]
    assert row["amount"] == 120.5
    assert row["ref"] == "txn:bank-a:T1"
    assert row["utc_offset_minutes"] == -360
    assert row["timestamp"].isoformat() == "2026-03-05T05:15:00+00:00"


def test_account_dates_are_checked(validator):
    batch = raw_batch("accounts", [account(), account(account_id="A2", opened_on="2025-13-01")])
    accepted, lines = validator.split("accounts", batch)
    assert accepted.column("ref").to_pylist() == ["account:bank-a:A1"]
    assert failures_of(lines) == {2: {("expect_column_values_to_match_regex", "opened_on")}}


def test_repeated_key_keeps_the_first_row_by_file_then_row():
    key = unique_key(load_suites()["transactions"])
    first = raw_batch("transactions", [txn(txn_id="T1"), txn(txn_id="T2")], file="a.csv")
    second = raw_batch("transactions", [txn(txn_id="T2"), txn(txn_id="T3")], file="b.csv")
    repeats = repeated_rows(pa.concat_tables([key_table(first, key), key_table(second, key)]))
    kept_first, lines_first = drop_repeats("transactions", first, repeats, key)
    kept_second, lines_second = drop_repeats("transactions", second, repeats, key)
    assert kept_first.num_rows == 2 and lines_first == []
    assert kept_second.column("txn_id").to_pylist() == ["T3"]
    assert lines_second[0]["row"] == 1
    assert lines_second[0]["failures"][0]["value"] == "repeats a.csv row 2"


def test_same_txn_id_at_two_partners_is_not_a_repeat():
    key = unique_key(load_suites()["transactions"])
    batch = raw_batch("transactions", [txn(txn_id="T1"), txn(txn_id="T1", partner_id="bank-b")])
    assert repeated_rows(key_table(batch, key)).num_rows == 0


@pytest.mark.parametrize(
    "timestamp, offset",
    [
        ("2026-03-04T23:15:00Z", 0),
        ("2026-03-04T23:15Z", 0),
        ("2026-03-04T23:15:00+05:30", 330),
        ("2026-03-04T23:15:00+0530", 330),
        ("2026-03-04T23:15:00.123-03:30", -210),
        ("2026-03-04 23:15-0000", 0),
    ],
)
def test_the_written_offset_is_kept_in_minutes(validator, timestamp, offset):
    batch = raw_batch("transactions", [txn(timestamp=timestamp), txn(txn_id="T2")])
    accepted, lines = validator.split("transactions", batch)
    assert lines == []
    assert accepted.column("utc_offset_minutes").to_pylist() == [offset, -360]


def test_only_days_missing_from_their_month_fail_the_cast(validator):
    days = ["2024-02-29", "2023-02-29", "2026-01-31", "2026-04-31", "2026-12-30", "2026-06-28"]
    rows = [txn(txn_id=f"T{i}", timestamp=f"{day}T10:00:00Z") for i, day in enumerate(days)]
    accepted, lines = validator.split("transactions", raw_batch("transactions", rows))
    assert failures_of(lines) == {2: {(CAST, "timestamp")}, 4: {(CAST, "timestamp")}}
    assert [t.date().isoformat() for t in accepted.column("timestamp").to_pylist()] == [
        "2024-02-29", "2026-01-31", "2026-12-30", "2026-06-28"
    ]


def test_a_batch_level_expectation_must_name_its_column():
    from fiu.validate.split import BatchValidator

    suite = {"name": "transactions", "expectations": [
        {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 1}}]}
    with pytest.raises(ValueError, match="expect_table_row_count_to_be_between"):
        BatchValidator({"transactions": suite})
