"""The whole pipeline on a small generated world, on the default runner (`e2e_world` in conftest)."""
import json

import pyarrow.parquet as pq


def test_every_row_read_is_accepted_or_quarantined(e2e_world):
    _, _, manifest, _ = e2e_world
    for kind, counts in manifest["counts"].items():
        assert counts["read"] == counts["accepted"] + counts["quarantined"], kind
    assert manifest["counts"]["transactions"]["read"] > 0
    assert sum(f["rows"] for f in manifest["inputs"]) == sum(c["read"] for c in manifest["counts"].values())


def test_every_injected_invalid_row_is_quarantined_and_no_valid_one(e2e_world):
    _, _, _, report = e2e_world
    validation = report["validation"]
    assert validation["injected_invalid"] > 0
    assert validation["caught"] == validation["injected_invalid"]
    assert validation["valid_rows_quarantined"] == 0


def test_every_accepted_account_and_osint_record_has_one_entity(e2e_world):
    folder, _, manifest, _ = e2e_world
    entities = pq.read_table(folder / "out" / "entities.parquet").to_pydict()
    assert len(entities["ref"]) == len(set(entities["ref"]))
    assert len(entities["ref"]) == manifest["counts"]["accounts"]["accepted"] + manifest["counts"]["osint"]["accepted"]


def test_planted_networks_are_found(e2e_world):
    _, _, _, report = e2e_world
    assert report["networks"]["recall"] >= 0.8, report["networks"]


def test_no_package_leaks_what_its_recipient_may_not_see(e2e_world):
    _, _, _, report = e2e_world
    assert report["leaks"]["packages_checked"] > 0
    assert report["leaks"]["leaks"] == 0, report["leaks"]["examples"]


def test_packages_exist_for_every_case_at_or_above_the_threshold(e2e_world):
    folder, _, manifest, _ = e2e_world
    cases = [json.loads(l) for l in (folder / "out" / "cases.jsonl").read_text().splitlines()]
    packaged = {p.name for p in (folder / "out" / "packages").iterdir()}
    above = {c["case_id"] for c in cases if c["score"] >= manifest["config"]["threshold"]}
    assert above and above <= packaged


def test_every_match_is_explained_and_fiu_explain_shows_the_waterfall(e2e_world, capsys):
    from fiu.cli import main

    folder, _, manifest, _ = e2e_world
    edges = pq.read_table(folder / "out" / "entity_edges.parquet").to_pandas()
    assert edges["is_match"].any()
    weights = manifest["resolution"]["weights"]
    parts = [c for c in edges.columns if c.endswith("_weight") and c not in ("prior_weight", "match_weight")]
    total = edges["prior_weight"] + edges[parts].sum(axis=1)
    assert (abs(total - edges["match_weight"]) < 1e-4).all()  # the waterfall adds up
    threshold = weights["threshold_match_weight"]  # rounded to 1e-6 in the manifest
    assert (edges.loc[edges["is_match"], "match_weight"] >= threshold - 1e-5).all()
    assert (edges.loc[~edges["is_match"], "match_weight"] < threshold + 1e-5).all()
    match = edges[edges["is_match"]].iloc[0]
    assert main(["explain", str(folder / "out"), match["left_ref"], match["right_ref"]]) == 0
    shown = capsys.readouterr().out
    assert "prior (λ)" in shown and "match" in shown and "name" in shown
    assert main(["explain", str(folder / "out"), match["left_ref"], "osint:not-a-record"]) == 2
