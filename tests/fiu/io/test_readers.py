import json

import pyarrow as pa
import pytest

from fiu.errors import InputError
from fiu.io.inputs import list_inputs
from fiu.io.readers import ROW_SHAPE, read_file
from tests.conftest import osint, txn, write_csv, write_jsonl, write_parquet


def only(folder):
    (source,) = list_inputs(folder)
    return source, read_file(source)


def test_csv_reads_strings_with_file_and_row(tmp_path):
    write_csv(tmp_path / "transactions_a.csv", [txn(txn_id="T1"), txn(txn_id="T2", memo="")])
    _, result = only(tmp_path)
    (batch,) = result.batches
    assert batch.column("txn_id").to_pylist() == ["T1", "T2"]
    assert batch.column("_row").to_pylist() == [1, 2]
    assert batch.column("_file").to_pylist() == ["transactions_a.csv"] * 2
    assert batch.column("memo").to_pylist() == [None, None]
    assert batch.schema.field("amount").type == pa.string()


def test_csv_list_fields_split_on_semicolons(tmp_path):
    write_csv(tmp_path / "osint_r.csv", [osint(related_names=" Li Wei ; ;Wei Li"), osint(record_id="R2", related_names="")])
    _, result = only(tmp_path)
    assert result.batches[0].column("related_names").to_pylist() == [["Li Wei", "Wei Li"], None]


def test_csv_row_with_wrong_field_count_is_quarantined_by_number(tmp_path):
    path = write_csv(tmp_path / "transactions_a.csv", [txn(txn_id="T1"), txn(txn_id="T2"), txn(txn_id="T3")])
    lines = path.read_text().splitlines()
    lines[2] = lines[2] + ",extra"
    path.write_text("\n".join(lines) + "\n")
    _, result = only(tmp_path)
    assert [b["row"] for b in result.broken] == [2]
    assert result.broken[0]["failures"][0]["expectation"] == ROW_SHAPE
    assert result.batches[0].column("_row").to_pylist() == [1, 3]
    assert result.batches[0].column("txn_id").to_pylist() == ["T1", "T3"]


def test_jsonl_numbers_and_arrays_become_strings(tmp_path):
    write_jsonl(tmp_path / "osint_a.jsonl", [osint(related_names=["A B", "C D"]) | {"postal_code": 78701}])
    _, result = only(tmp_path)
    batch = result.batches[0]
    assert batch.column("postal_code").to_pylist() == ["78701"]
    assert batch.column("related_names").to_pylist() == [["A B", "C D"]]


def test_jsonl_broken_line_is_quarantined_and_the_rest_read(tmp_path):
    path = tmp_path / "transactions_b.jsonl"
    write_jsonl(path, [txn(txn_id="T1"), txn(txn_id="T2")])
    path.write_text(path.read_text().replace('"txn_id": "T2"', '"txn_id": "T2'))
    _, result = only(tmp_path)
    assert [b["row"] for b in result.broken] == [2]
    assert result.batches[0].column("txn_id").to_pylist() == ["T1"]


def test_parquet_is_read_with_row_numbers(tmp_path):
    write_parquet(tmp_path / "transactions_c.parquet", [txn(txn_id=f"T{i}") for i in range(3)], "transactions")
    _, result = only(tmp_path)
    assert result.batches[0].column("_row").to_pylist() == [1, 2, 3]


def test_missing_required_column_names_file_and_column(tmp_path):
    rows = [txn()]
    write_csv(tmp_path / "transactions_a.csv", rows, header=[c for c in rows[0] if c != "amount"])
    source = list_inputs(tmp_path)[0]
    with pytest.raises(InputError, match=r"transactions_a.csv: missing required column\(s\): amount"):
        read_file(source)


def test_wrong_encoding_is_a_file_error(tmp_path):
    write_csv(tmp_path / "transactions_a.csv", [txn(memo="café")])
    path = tmp_path / "transactions_a.csv"
    path.write_bytes(path.read_text().encode("latin-1"))
    with pytest.raises(InputError, match="transactions_a.csv"):
        read_file(list_inputs(tmp_path)[0])


def test_unknown_kind_and_format_are_refused(tmp_path):
    (tmp_path / "payments.csv").write_text("a\n1\n")
    with pytest.raises(InputError, match="payments.csv: unknown kind"):
        list_inputs(tmp_path)
    (tmp_path / "payments.csv").unlink()
    (tmp_path / "transactions.xlsx").write_text("x")
    with pytest.raises(InputError, match="transactions.xlsx: unknown format"):
        list_inputs(tmp_path)


def test_jsonl_dates_stay_as_written(tmp_path):
    write_jsonl(tmp_path / "osint_a.jsonl", [osint(date_of_birth="1964-06-14", observed_on="2026-02-01")])
    _, result = only(tmp_path)
    assert result.batches[0].column("date_of_birth").to_pylist() == ["1964-06-14"]


def test_the_records_digest_rests_on_the_rows_not_the_file_or_its_batches(tmp_path):
    from fiu.io.readers import records_digest

    rows = [{"partner_id": "bank-a", "txn_id": f"T{i}", "account_id": "A1",
             "timestamp": "2026-10-01T10:00:00Z", "amount": f"{i}.50", "currency": "USD",
             "direction": "in", "channel": "wire", "country": "US"} for i in range(7)]
    csv = tmp_path / "transactions_a.csv"
    csv.write_text(",".join(rows[0]) + "\n" + "".join(",".join(r.values()) + "\n" for r in rows))
    jsonl = tmp_path / "transactions_b.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows))
    (a, b) = list_inputs(tmp_path)
    digest = records_digest("transactions", read_file(a).batches)
    assert records_digest("transactions", read_file(b, batch_rows=3).batches) == digest
    rows[3]["amount"] = "3.51"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows))
    (_, b) = list_inputs(tmp_path)
    assert records_digest("transactions", read_file(b).batches) != digest
