"""Hostile text in every free-text field of a generated world: the run completes and
nothing it writes can run a script, a formula, or write outside the out folder."""
import csv
import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fiu.config import RunConfig
from fiu.generate import generate_world
from fiu.pipelines.run import run

SCRIPT = "<script>document.title='pwned'</script>"
IMG = '<img src=x onerror="alert(1)">'
FORMULA = '=HYPERLINK("http://evil.example","click")'
# Names keep their own text first, so resolution still sees them; free text is replaced.
SUFFIXED = {"name", "holder_name", "counterparty_name", "address", "city"}
REPLACED = {"text", "memo", "business_category", "url", "website"}
FORMULA_CELL = re.compile(r"^[=+\-@\t\r]")


def _poison_value(column: str, value: str | None) -> str | None:
    if not value:
        return value
    if column in SUFFIXED:
        return f"{value} {IMG}"
    return f"{FORMULA} {SCRIPT} ../../../etc/passwd"


def _poison_folder(folder: Path) -> None:
    for path in sorted(folder.iterdir()):
        if path.suffix == ".csv":
            with path.open(encoding="utf-8", newline="") as handle:
                rows = list(csv.DictReader(handle))
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
                writer.writeheader()
                for row in rows:
                    writer.writerow({k: _poison_value(k, v) if k in SUFFIXED | REPLACED else v
                                     for k, v in row.items()})
        elif path.suffix == ".jsonl":
            lines = []
            for line in path.read_text("utf-8").splitlines():
                record = json.loads(line)
                lines.append(json.dumps({k: _poison_value(k, v) if k in SUFFIXED | REPLACED
                                         and isinstance(v, str) else v for k, v in record.items()}))
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        elif path.suffix == ".parquet":
            table = pq.read_table(path)
            for name in table.column_names:
                if name in SUFFIXED | REPLACED and pa.types.is_string(table.schema.field(name).type):
                    values = [_poison_value(name, v) for v in table.column(name).to_pylist()]
                    table = table.set_column(table.schema.get_field_index(name), name,
                                             pa.array(values, pa.string()))
            pq.write_table(table, path)


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    generate_world(folder / "world", seed=31, scale=0.2, truth_path=folder / "truth.json")
    _poison_folder(folder / "world")
    manifest = run(RunConfig(input_dir=str(folder / "world"), out_dir=str(folder / "out")))
    return folder, manifest


def test_run_on_hostile_text_completes_and_loses_nothing(hostile_run):
    _, manifest = hostile_run
    for kind, counts in manifest["counts"].items():
        assert counts["read"] == counts["accepted"] + counts["quarantined"], kind
    assert manifest["packages"]


def test_no_brief_holds_live_markup_from_the_inputs(hostile_run):
    folder, _ = hostile_run
    briefs = sorted((folder / "out" / "packages").glob("*/*/brief.html"))
    assert briefs
    for brief in briefs:
        page = brief.read_text("utf-8")
        assert "<script" not in page.lower() and "<img" not in page.lower(), brief


def test_no_csv_cell_would_run_as_a_formula(hostile_run):
    folder, _ = hostile_run
    files = sorted((folder / "out" / "packages").glob("*/*/identifiers.csv"))
    assert files
    planted = 0
    for path in files:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    planted += "HYPERLINK" in cell or "onerror" in cell
                    assert not FORMULA_CELL.match(cell) or re.fullmatch(r"\+\d{7,15}", cell), cell
    assert planted, "the planted text should reach the screening files, made harmless"


def test_every_output_stays_inside_the_out_folder(hostile_run):
    folder, _ = hostile_run
    out = (folder / "out").resolve()
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(out)
    assert not (folder / "etc").exists() and not any(p.name == "passwd" for p in folder.rglob("*"))
