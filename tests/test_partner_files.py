"""A world in partners' own shapes (bank-a's CSV, bank-b's German export, bank-c's
camt.053 statements, each with its profile) against the same world in the contract's
files: the same rows accepted, the same quarantine reasons, byte-identical packages; and
the partner-shaped run's console, manifest and quarantine lines."""
import json
import subprocess
import sys
from pathlib import Path

import pytest


# --- the same world in partners' shapes and in the contract's --------------------------

CAMT_SCHEMAS = Path(__file__).resolve().parents[1].parent / "shared" / "formats" / "camt" / "xsd"
SEED, SCALE = 11, 0.15


@pytest.fixture(scope="module")
def both_shapes(tmp_path_factory):
    """One world written twice, run twice with a fixed id key: in partners' own shapes
    (bank-a's CSV, bank-b's German export, bank-c's camt.053 statements, each with its
    profile) and in the contract's files (bank-c's rows as its statements say them,
    dated without a time)."""
    if not (CAMT_SCHEMAS / "camt.053.001.02.xsd").is_file():
        pytest.skip(f"no ISO 20022 schemas at {CAMT_SCHEMAS} (the shared formats folder is absent)")
    from fiu.config import RunConfig
    from fiu.generate import generate_world
    from fiu.pipelines.run import run

    folder = tmp_path_factory.mktemp("shapes")
    patch = pytest.MonkeyPatch()
    patch.setenv("FIU_ID_KEY", "an installation's fixed key")
    patch.setenv("FIU_CAMT_SCHEMAS", str(CAMT_SCHEMAS))
    try:
        runs = {}
        for name, files in (("partner", False), ("contract", True)):
            world, out = folder / name, folder / f"{name}-out"
            generate_world(world, seed=SEED, scale=SCALE, partner_shapes=True,
                           contract_files=files, truth_path=folder / f"{name}.truth.json")
            if name == "partner":  # as an analyst runs it, to see the console too
                done = subprocess.run([sys.executable, "-m", "fiu.cli", "run", str(world), "--out",
                                       str(out)], check=False, capture_output=True, text=True,
                                      timeout=600)
                assert done.returncode == 0, done.stderr
                runs["console"] = done.stderr
                manifest = json.loads((out / "manifest.json").read_text())
            else:
                manifest = run(RunConfig(input_dir=str(world), out_dir=str(out)))
            runs[name] = (world, out, manifest)
    finally:
        patch.undo()
    return runs


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_packages_are_byte_identical_whatever_the_partners_shapes(both_shapes):
    partner, contract = (_tree(both_shapes[n][1] / "packages") for n in ("partner", "contract"))
    assert partner and partner.keys() == contract.keys()
    assert [name for name in partner if partner[name] != contract[name]] == []
    assert both_shapes["partner"][2]["run_id"] == both_shapes["contract"][2]["run_id"]
    world = both_shapes["partner"][0]
    assert (world / "camt053_bank-c_2026.xml").is_file() and (world / "partners" / "bank-c.yaml").is_file()


def test_the_same_rows_accepted_and_quarantined_for_the_same_reasons(both_shapes):
    renamed = {"bank-a_activity_2026.csv": "transactions_bank-a.csv",
               "umsaetze_bank-b_2026.csv": "transactions_bank-b.parquet",
               "camt053_bank-c_2026.xml": "transactions_bank-c.jsonl"}

    def reasons(out: Path) -> list:
        found = []
        for path in sorted((out / "quarantine").glob("*.jsonl")):
            for line in path.read_text().splitlines():
                q = json.loads(line)
                failures = []
                for f in q["failures"]:
                    f = {k: v for k, v in f.items() if k != "source_column"}  # the partner's column
                    for shaped, plain in renamed.items():
                        f["value"] = str(f["value"]).replace(shaped, plain)
                    failures.append(f)
                found.append((path.name, renamed.get(q["file"], q["file"]), q["row"], q["raw"], failures))
        return sorted(found, key=json.dumps)

    partner, contract = (both_shapes[n][2] for n in ("partner", "contract"))
    assert partner["counts"] == contract["counts"] and partner["counts"]["transactions"]["quarantined"] > 0
    assert reasons(both_shapes["partner"][1]) == reasons(both_shapes["contract"][1])


def test_the_console_shows_fius_own_lines_and_each_partner_file(both_shapes):
    console, out = both_shapes["console"], both_shapes["partner"][1]
    assert "WARNING" not in console and "INFO" not in console, console
    assert "apitools" in (out / "run.log").read_text()  # Beam's notice, kept in the log
    assert "camt053_bank-c_2026.xml (camt.053.001.02 statement, valid against its schema)" in console
    inputs = {f["file"]: f for f in both_shapes["partner"][2]["inputs"]}
    assert inputs["umsaetze_bank-b_2026.csv"]["profile"] == "bank-b.yaml files[0]"
    assert len(inputs["umsaetze_bank-b_2026.csv"]["profile_sha256"]) == 64
    assert inputs["camt053_bank-c_2026.xml"]["message"] == "camt.053.001.02"


def test_quarantine_lines_name_the_partners_own_column(both_shapes):
    lines = [json.loads(line) for line in
             (both_shapes["partner"][1] / "quarantine" / "transactions.jsonl").open()]
    german = [f for q in lines if q["file"] == "umsaetze_bank-b_2026.csv" for f in q["failures"]]
    assert {"S/H", "Betrag", "Umsatzart"} <= {f.get("source_column") for f in german}
    flags = [f for f in german if f.get("source_column") == "S/H"]
    assert flags and all(f["column"] == "direction" for f in flags)


def test_a_demo_without_schemas_writes_bank_c_as_csv_and_says_so(tmp_path, monkeypatch, capsys):
    """A statement is never read unvalidated: with no schema to check it against, the
    demo writes bank-c's export in the contract's shape and the other banks in their shapes."""
    from fiu.cli import main

    monkeypatch.delenv("FIU_CAMT_SCHEMAS", raising=False)
    demo = tmp_path / "demo"
    assert main(["demo", "--dir", str(demo), "--partner-shapes", "--scale", "0.05"]) == 0
    message = capsys.readouterr().err
    assert "camt.053.001.02.xsd" in message and "--camt-schemas" in message
    assert "bank-c's export in the contract's shape" in message
    world = demo / "world"
    assert not list(world.glob("*.xml"))
    assert (world / "transactions_bank-c.jsonl").is_file()
    assert sorted(p.stem for p in (world / "partners").glob("*.yaml")) == ["bank-a", "bank-b"]
    manifest = json.loads((demo / "out" / "manifest.json").read_text())
    assert manifest["counts"]["transactions"]["read"] > 0
