"""Limits on field length and rows per file (fiu/io/limits.py, applied by the reader)."""
import pyarrow as pa
import pytest

from fiu.errors import InputError, UsageError
from fiu.io.inputs import list_inputs
from fiu.io.limits import FIELD_LENGTH, Limits, field_lengths
from fiu.io.readers import ROW_SHAPE, read_file
from tests.conftest import osint, txn, write_csv, write_jsonl, write_parquet

SMALL = Limits(max_field_chars=30, max_rows_per_file=1000)


def read(folder, limits=SMALL):
    (source,) = list_inputs(folder)
    return read_file(source, limits=limits)


def rows_of(result):
    accepted = [r for b in result.batches for r in b.column("_row").to_pylist()]
    return accepted, sorted(line["row"] for line in result.broken)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_a_field_over_the_limit_quarantines_its_row_naming_column_and_limit(tmp_path, fmt):
    rows = [txn(txn_id="T1"), txn(txn_id="T2", memo="m" * 31), txn(txn_id="T3", memo="m" * 30)]
    {"csv": lambda: write_csv(tmp_path / "transactions_a.csv", rows),
     "jsonl": lambda: write_jsonl(tmp_path / "transactions_a.jsonl", rows),
     "parquet": lambda: write_parquet(tmp_path / "transactions_a.parquet", rows, "transactions")}[fmt]()
    result = read(tmp_path)
    accepted, quarantined = rows_of(result)
    assert accepted == [1, 3] and quarantined == [2]
    (line,) = result.broken
    assert line["failures"] == [{
        "expectation": FIELD_LENGTH, "column": "memo",
        "value": "31 characters, over the limit of 30 (--max-field-chars)",
    }]
    assert line["raw"]["txn_id"] == "T2" and line["file"] == f"transactions_a.{fmt}"


def test_characters_are_counted_not_bytes_and_list_items_are_summed(tmp_path):
    write_csv(tmp_path / "osint_a.csv", [
        osint(record_id="R1", name="é" * 30),                      # 60 bytes, 30 characters
        osint(record_id="R2", related_names="abcdefghijklmno;abcdefghijklmnop"),  # 31 in all
    ])
    result = read(tmp_path)
    assert rows_of(result) == ([1], [2])
    assert result.broken[0]["failures"][0]["column"] == "related_names"


def test_every_over_long_column_is_named_and_the_quarantined_value_is_cut(tmp_path):
    write_csv(tmp_path / "transactions_a.csv", [txn(memo="m" * 5000, city="c" * 40)])
    (line,) = read(tmp_path).broken
    assert [f["column"] for f in line["failures"]] == ["city", "memo"]
    assert len(line["raw"]["memo"]) < 300 and line["raw"]["memo"].endswith("more characters]")


def test_a_field_longer_than_pythons_csv_limit_in_a_file_with_a_malformed_row(tmp_path):
    """A regression: the exact CSV path (taken when a row has the wrong number of
    fields) hit Python csv's 131,072-character field limit and failed with csv.Error
    (exit 1) instead of quarantining the row."""
    path = write_csv(tmp_path / "transactions_a.csv", [txn(memo="m" * 200_000), txn(txn_id="T2"),
                                                       txn(txn_id="T3")])
    lines = path.read_text().splitlines()
    lines[2] += ",extra"
    path.write_text("\n".join(lines) + "\n")
    result = read(tmp_path, Limits())
    assert rows_of(result) == ([3], [1, 2])
    by_row = {line["row"]: line["failures"][0]["expectation"] for line in result.broken}
    assert by_row == {1: FIELD_LENGTH, 2: ROW_SHAPE}


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_a_file_over_the_row_limit_is_an_input_error_naming_file_and_limit(tmp_path, fmt):
    rows = [txn(txn_id=f"T{i}") for i in range(4)]
    {"csv": lambda: write_csv(tmp_path / "transactions_a.csv", rows),
     "jsonl": lambda: write_jsonl(tmp_path / "transactions_a.jsonl", rows),
     "parquet": lambda: write_parquet(tmp_path / "transactions_a.parquet", rows, "transactions")}[fmt]()
    with pytest.raises(InputError, match=rf"transactions_a.{fmt}: more than 3 rows \(the --max-rows-per-file limit\)"):
        read(tmp_path, Limits(max_rows_per_file=3))
    assert sum(b.num_rows for b in read(tmp_path, Limits(max_rows_per_file=4)).batches) == 4


def test_broken_rows_count_towards_the_row_limit(tmp_path):
    path = write_jsonl(tmp_path / "transactions_a.jsonl", [txn(txn_id="T1"), txn(txn_id="T2")])
    path.write_text(path.read_text() + "not json\n")
    with pytest.raises(InputError, match="more than 2 rows"):
        read(tmp_path, Limits(max_rows_per_file=2))


def test_lengths_are_computed_per_column_not_per_row():
    lengths = field_lengths(pa.chunked_array([pa.array(["ab", None]), pa.array(["ééé"])]))
    assert lengths.tolist() == [2, 0, 3]
    lists = field_lengths(pa.array([["a", "bc"], None, []], pa.list_(pa.string())))
    assert lists.tolist() == [3, 0, 0]


@pytest.mark.parametrize("bad", [0, -1, True, 1.5])
def test_a_limit_below_one_is_a_usage_error(bad):
    with pytest.raises(UsageError, match="must be a whole number"):
        Limits(max_field_chars=bad)


@pytest.mark.parametrize("text", ["null\n", "null\n{}\n", '{"txn_id": "T1"}\nnull\n', " 1\n", "[]\n"])
def test_a_jsonl_line_that_is_not_an_object_never_reaches_pyarrows_reader(tmp_path, text):
    """Found by the reader fuzz target: pyarrow 25's `read_json` kills the process with
    SIGSEGV on a file whose first line is `null`, and reads a later `null` line as a row
    of nulls. Such files take the exact path: the line is quarantined, or the file is an
    InputError. Run in a child process, so a crash fails the test instead of the suite."""
    import subprocess
    import sys

    (tmp_path / "transactions_a.jsonl").write_text(text)
    probe = (
        "import sys\nfrom fiu.errors import InputError\nfrom fiu.io.inputs import list_inputs\n"
        "from fiu.io.readers import read_file\n"
        "try:\n    r = read_file(list_inputs(sys.argv[1])[0])\n"
        "    print(sum(b.num_rows for b in r.batches), [l['failures'][0]['value'] for l in r.broken])\n"
        "except InputError as e:\n    print('InputError', e)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-500:]
    if "null" in text:
        assert "not a JSON object" in done.stdout or "InputError" in done.stdout
