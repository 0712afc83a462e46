"""Exit codes and messages of the command line (CONTRACT §5)."""
import pytest

from fiu.cli import main
from tests.conftest import txn, write_csv


def test_bad_usage_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["run"])
    assert exit_info.value.code == 2


def test_missing_input_folder_exits_2_naming_it(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]) == 2
    assert "nowhere: input folder does not exist" in capsys.readouterr().err


def test_file_missing_a_required_column_exits_2_naming_file_and_column(tmp_path, capsys):
    rows = [txn()]
    write_csv(tmp_path / "transactions_a.csv", rows, header=[c for c in rows[0] if c != "currency"])
    (tmp_path / "partners.yaml").write_text("partners:\n  - {id: bank-a, kind: financial_institution}\n")
    code = main(["run", str(tmp_path), "--out", str(tmp_path.parent / "out-missing")])
    assert code == 2
    assert "transactions_a.csv: missing required column(s): currency" in capsys.readouterr().err


def test_bad_partners_file_exits_2_with_every_problem(tmp_path, capsys):
    write_csv(tmp_path / "transactions_a.csv", [txn()])
    (tmp_path / "partners.yaml").write_text(
        "partners:\n  - {id: ../x, kind: financial_institution}\n  - {id: le, kind: police}\n"
    )
    assert main(["run", str(tmp_path), "--out", str(tmp_path.parent / "out-partners")]) == 2
    err = capsys.readouterr().err
    assert "partners[1] id" in err and "partners[2] kind: 'police'" in err


def test_out_folder_with_foreign_files_is_refused(tmp_path, capsys):
    write_csv(tmp_path / "transactions_a.csv", [txn()])
    (tmp_path / "partners.yaml").write_text("partners:\n  - {id: bank-a, kind: financial_institution}\n")
    out = tmp_path.parent / "out-foreign"
    out.mkdir()
    (out / "thesis.docx").write_text("precious")
    assert main(["run", str(tmp_path), "--out", str(out)]) == 2
    assert (out / "thesis.docx").exists()


@pytest.fixture(scope="module")
def skipping_run(tmp_path_factory):
    """One `--skip-bad-files --max-rows-per-file 2` run (a run costs seconds of Beam set-up
    whatever its size) over a good file, one missing a column (skipped at its header) and
    one over the row limit (skipped while read): (exit code, manifest)."""
    import json

    folder = tmp_path_factory.mktemp("skip")
    world, out = folder / "in", folder / "out"
    world.mkdir()
    rows = [txn(txn_id="T1")]
    write_csv(world / "transactions_a.csv", rows)
    write_csv(world / "transactions_b.csv", rows, header=[c for c in rows[0] if c != "amount"])
    write_csv(world / "transactions_c.csv", [txn(txn_id=f"T{i}") for i in range(2, 5)])
    (world / "partners.yaml").write_text(PARTNERS)
    code = main(["run", str(world), "--out", str(out), "--max-rows-per-file", "2", "--skip-bad-files"])
    return code, json.loads((out / "manifest.json").read_text())


def test_skip_bad_files_records_the_file_and_goes_on(skipping_run):
    code, manifest = skipping_run
    assert code == 0
    skipped = {f["file"]: f for f in manifest["skipped_files"]}
    assert sorted(skipped) == ["transactions_b.csv", "transactions_c.csv"]  # never a good file
    assert "amount" in skipped["transactions_b.csv"]["problem"]
    assert manifest["counts"]["transactions"] == {"read": 1, "accepted": 1, "quarantined": 0}


def test_out_folder_with_released_packages_is_refused(tmp_path, capsys):
    write_csv(tmp_path / "transactions_a.csv", [txn()])
    (tmp_path / "partners.yaml").write_text("partners:\n  - {id: bank-a, kind: financial_institution}\n")
    out = tmp_path.parent / "out-released"
    (out / "packages").mkdir(parents=True)
    (out / "audit.jsonl").write_text('{"case_id": "case-0123456789ab"}\n')
    assert main(["run", str(tmp_path), "--out", str(out)]) == 2
    assert "released packages" in capsys.readouterr().err
    assert (out / "audit.jsonl").exists() and (out / "packages").exists()


def test_run_with_relative_folders(tmp_path, monkeypatch):
    import json

    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    write_csv(tmp_path / "in" / "transactions_a.csv", [txn()])
    (tmp_path / "in" / "partners.yaml").write_text("partners:\n  - {id: bank-a, kind: financial_institution}\n")
    assert main(["run", "in", "--out", "out"]) == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["counts"]["transactions"]["accepted"] == 1
    assert (tmp_path / "out" / "validation").is_dir()


PARTNERS = "partners:\n  - {id: bank-a, kind: financial_institution}\n"


def test_a_field_over_max_field_chars_quarantines_the_row_not_the_file(tmp_path, capsys):
    import json

    write_csv(tmp_path / "transactions_a.csv",
              [txn(txn_id="T1"), txn(txn_id="T2", memo="m" * 41), txn(txn_id="T3")])
    (tmp_path / "partners.yaml").write_text(PARTNERS)
    out = tmp_path.parent / "out-field-limit"
    assert main(["run", str(tmp_path), "--out", str(out), "--max-field-chars", "40"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["transactions"] == {"read": 3, "accepted": 2, "quarantined": 1}
    assert manifest["config"]["max_field_chars"] == 40
    assert manifest["config"]["max_rows_per_file"] == 50_000_000
    (line,) = [json.loads(x) for x in (out / "quarantine" / "transactions.jsonl").read_text().splitlines()]
    assert line["row"] == 2 and line["failures"] == [{
        "expectation": "field_within_length_limit", "column": "memo",
        "value": "41 characters, over the limit of 40 (--max-field-chars)"}]


def test_a_file_over_max_rows_per_file_exits_2_naming_file_and_limit(tmp_path, capsys):
    write_csv(tmp_path / "transactions_a.csv", [txn(txn_id=f"T{i}") for i in range(3)])
    (tmp_path / "partners.yaml").write_text(PARTNERS)
    out = tmp_path.parent / "out-row-limit"
    assert main(["run", str(tmp_path), "--out", str(out), "--max-rows-per-file", "2"]) == 2
    assert "transactions_a.csv: more than 2 rows (the --max-rows-per-file limit)" in capsys.readouterr().err


def test_with_skip_bad_files_a_file_over_the_row_limit_is_recorded_and_the_run_goes_on(skipping_run):
    code, manifest = skipping_run
    assert code == 0
    (skipped,) = [f for f in manifest["skipped_files"] if f["file"] != "transactions_b.csv"]
    assert skipped["file"] == "transactions_c.csv" and "more than 2 rows" in skipped["problem"]
    assert manifest["counts"]["transactions"] == {"read": 1, "accepted": 1, "quarantined": 0}
    assert len(manifest["versions"]["code_sha256"]) == 64
    assert len(manifest["versions"]["code_sha256"]) == 64


@pytest.mark.parametrize("flag", ["--max-field-chars", "--max-rows-per-file"])
def test_a_limit_below_one_exits_2(tmp_path, capsys, flag):
    assert main(["run", str(tmp_path), "--out", str(tmp_path / "out"), flag, "0"]) == 2
    assert flag in capsys.readouterr().err


@pytest.mark.parametrize(
    "extra, named, hint",
    [
        (["--threshhold", "0.99"], "--threshhold", "--threshold"),
        (["--colour", "X"], "--colour", None),
        (["--max_field_chars=3"], "--max_field_chars", "--max-field-chars"),
        (["--direct_num_worker=2"], "--direct_num_worker", "--direct_num_workers"),
    ],
)
def test_an_option_neither_fiu_nor_beam_defines_exits_2_with_a_hint(
    tmp_path, capsys, extra, named, hint
):
    code = main(["run", str(tmp_path), "--out", str(tmp_path / "out"), *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert f"unknown option {named}" in err
    if hint:
        assert f"did you mean {hint}?" in err
    assert not (tmp_path / "out").exists()


def test_beam_options_still_pass_through(tmp_path, capsys):
    # A Beam flag is accepted; the run then fails on the missing folder, not the flag.
    code = main(["run", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"),
                 "--direct_num_workers=1", "--no_pipeline_type_check"])
    assert code == 2
    assert "input folder does not exist" in capsys.readouterr().err


def test_demo_refuses_an_unknown_option_too(tmp_path, capsys):
    assert main(["demo", "--dir", str(tmp_path), "--sed", "3"]) == 2
    assert "unknown option --sed (did you mean --seed?)" in capsys.readouterr().err


def test_a_second_run_on_the_same_out_folder_is_refused_at_its_start(tmp_path, capsys):
    from fiu.generate import generate_world
    from fiu.io.lock import LOCK_FILE, out_dir_lock

    generate_world(tmp_path / "world", seed=3, scale=0.05, truth_path=tmp_path / "truth.json")
    out = tmp_path / "out"
    (out / "cases.jsonl").parent.mkdir()
    (out / "cases.jsonl").write_text("from an earlier run\n")
    with out_dir_lock(out):  # the first run, still going
        assert main(["run", str(tmp_path / "world"), "--out", str(out)]) == 2
        message = capsys.readouterr().err
        assert "in use by a run that has not finished" in message and "pid" in message
        assert (out / "cases.jsonl").read_text() == "from an earlier run\n"  # untouched
    assert not (out / LOCK_FILE).exists()
    assert main(["run", str(tmp_path / "world"), "--out", str(out)]) == 0
    assert not (out / LOCK_FILE).exists()


def test_generate_with_weeks_cuts_the_world_into_deliveries(tmp_path, capsys):
    import pyarrow.parquet as pq

    from fiu.io.inputs import list_inputs
    from fiu.io.readers import read_batches

    world = tmp_path / "world"
    assert main(["generate", str(world), "--scale", "0.03", "--weeks", "3"]) == 0
    weeks = sorted((tmp_path / "world-weeks").iterdir())
    assert [w.name for w in weeks] == ["week-01", "week-02", "week-03"]
    delivered = sum(pq.read_metadata(f).num_rows for w in weeks
                    for f in w.glob("transactions*.parquet"))
    read = sum(b.num_rows for s in list_inputs(world) if s.kind == "transactions"
               for b in read_batches(s))
    assert delivered == read > 0
    assert "cut into 3 weekly deliveries" in capsys.readouterr().err


def test_generate_with_no_weeks_or_partner_shapes_and_weeks_exits_2(tmp_path, capsys):
    assert main(["generate", str(tmp_path / "w"), "--weeks", "0"]) == 2
    assert "--weeks 0" in capsys.readouterr().err
    assert main(["generate", str(tmp_path / "w"), "--weeks", "2", "--partner-shapes"]) == 2
    assert "--partner-shapes" in capsys.readouterr().err
    assert not (tmp_path / "w").exists()
