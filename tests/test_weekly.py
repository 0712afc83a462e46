"""Weekly runs on a state folder, end to end: a small generated world in two weekly
deliveries. Three pipeline runs, shared by the tests of this module (a run costs
about 15 s of Beam set-up whatever its size; the same week on a state that already holds
it, which tells nothing and resends nothing, is tested on `assign_ids` and
`write_case_packages` directly):

1. week 1 on a new state;
2. week 2, killed while the state is being published (outputs are out, state is not);
3. week 2 again, on the state the killed run left: the previous one, whole;
4. week 2 on week 1's state without its kept pair levels (everything compared anew).

Week 2 also sends some of week 1's records again, changed, and withdraws others.
"""
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fiu.cli import main
from fiu.config import RunConfig
from fiu.generate import generate_world
from fiu.generate.weeks import split_into_weeks
from fiu.io.lock import out_dir_lock
from fiu.pipelines.run import run
from fiu.resolve import resolve
from fiu.resolve.kept_levels import KEPT_LEVELS, read_kept
from fiu.resolve.settings import DEFAULT_SETTINGS
from fiu.resolve.weights import MatchWeights
from fiu.state import weekly
from fiu.state.ids import assign_ids
from fiu.state.memberships import case_members, entity_of, groups
from fiu.state.store import ENTITIES, Registry, open_state

KEY = "weekly-test-key"


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _events(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "changes.jsonl").read_text().splitlines()]


class Killed(Exception):
    pass


@pytest.fixture(scope="module")
def weeks(tmp_path_factory):
    folder = tmp_path_factory.mktemp("weekly")
    generate_world(folder / "world", seed=4, scale=0.01, truth_path=folder / "truth.json")
    week1, week2 = split_into_weeks(folder / "world", folder / "weeks", 2)
    ads = pq.read_table(week1 / "osint_ads.parquet")
    again = ads.slice(0, 6).to_pylist()
    for i, row in enumerate(again):  # another name, or another phone
        row.update({"name": row["name"] + " x"} if i % 2 else {"phone": "+1 512 555 0199"})
    pq.write_table(pa.Table.from_pylist(again, schema=ads.schema),
                   week2 / "osint_ads-again.parquet")
    gone = ["osint:" + r for r in ads["record_id"].to_pylist()[6:10]]
    (week2 / "withdrawals.csv").write_text("ref\n" + "\n".join(gone) + "\n")
    mp = pytest.MonkeyPatch()
    mp.setenv("FIU_ID_KEY", KEY)
    state = folder / "state"

    def go(week, name):
        return run(RunConfig(input_dir=str(week), out_dir=str(folder / name), state_dir=str(state)))

    go(week1, "out1")
    seen_after_1 = open_state(state).seen()
    shutil.copytree(state, folder / "state-plain", symlinks=True)
    shutil.copy(open_state(state).version / KEPT_LEVELS, folder / "kept1.parquet")
    (open_state(folder / "state-plain").version / KEPT_LEVELS).unlink()

    real_publish = weekly.publish_version

    def killed_midway(root, built, name):  # the folder renamed, the link not yet swapped
        (built.parent / name).mkdir()
        raise Killed

    mp.setattr(weekly, "publish_version", killed_midway)
    with pytest.raises(Killed):
        go(week2, "out2")
    mp.setattr(weekly, "publish_version", real_publish)
    left = open_state(state)
    left_seen = left.seen()
    manifests = {"3": go(week2, "out3")}
    run(RunConfig(input_dir=str(week2), out_dir=str(folder / "out4"),
                  state_dir=str(folder / "state-plain")))
    yield {"folder": folder, "state": state, "gone": gone[0][len("osint:"):],
           "kept1": folder / "kept1.parquet", "left": left, "left_seen": left_seen, "seen1": seen_after_1,
           "week2": week2, "manifests": manifests}
    mp.undo()


def test_a_run_killed_while_publishing_its_state_leaves_the_previous_state_whole(weeks):
    left = weeks["left"]
    assert left.version.name == "000001" and left.run == 2
    assert weeks["left_seen"].equals(weeks["seen1"])
    assert (weeks["folder"] / "out2" / "manifest.json").exists()


def test_same_input_on_the_same_state_gives_identical_outputs(weeks):
    out2, out3 = weeks["folder"] / "out2", weeks["folder"] / "out3"
    for name in ("cases.jsonl", "entities.parquet", "changes.jsonl"):
        assert (out2 / name).read_bytes() == (out3 / name).read_bytes(), name
    assert _files(out2 / "packages") == _files(out3 / "packages")


def test_kept_pair_levels_give_what_comparing_every_pair_gives(weeks):
    """Week 2 with week 1's kept levels (changed and withdrawn records among them)
    and week 2 comparing everything anew: the same outputs, and the same levels kept."""
    folder = weeks["folder"]
    out3, out4 = folder / "out3", folder / "out4"
    for name in ("cases.jsonl", "entities.parquet", "entity_edges.parquet", "changes.jsonl"):
        assert (out3 / name).read_bytes() == (out4 / name).read_bytes(), name
    assert _files(out3 / "packages") == _files(out4 / "packages")
    kept, plain = (open_state(s).version / KEPT_LEVELS for s in (weeks["state"], folder / "state-plain"))
    assert pq.read_table(kept).equals(pq.read_table(plain))
    week1 = read_kept(weeks["kept1"], DEFAULT_SETTINGS)
    week2 = read_kept(kept, DEFAULT_SETTINGS)
    reused = (week1.find(week2.key_a, week2.key_b) >= 0).sum()
    assert 0 < reused < len(week1.key_a)  # changed and withdrawn records' pairs are not
    refs = set(pq.read_table(out3 / "entities.parquet")["ref"].to_pylist())
    assert "osint:" + weeks["gone"] not in refs


def test_entities_and_cases_that_only_grew_keep_their_ids(weeks):
    folder, seen1 = weeks["folder"], set(weeks["seen1"]["ref"].to_pylist())
    for before, after in ((groups(entity_of(folder / "out1")), groups(entity_of(folder / "out3"))),
                          (case_members(folder / "out1"), case_members(folder / "out3"))):
        grew = kept = 0
        for old_id, old in before.items():
            holders = [i for i, refs in after.items() if old <= refs]
            if holders and all(r not in seen1 for r in after[holders[0]] - old):
                grew += 1
                kept += holders[0] == old_id
        assert grew and kept == grew


def test_every_id_that_changed_is_in_changes_jsonl(weeks):
    folder = weeks["folder"]
    before, after = entity_of(folder / "out1"), entity_of(folder / "out3")
    named = {e["id"] for e in _events(folder / "out3")}
    named |= {m for e in _events(folder / "out3") for m in e.get("merged", []) + e.get("from", [])}
    changed = {r for r in before if r in after and before[r] != after[r]}  # not withdrawn
    assert all(before[r] in named and after[r] in named for r in changed)
    assert {e["event"] for e in _events(folder / "out3")} <= {
        "new", "grown", "merged", "split", "retired", "restored", "shrunk"}


def test_packages_mark_what_is_new_since_the_recipients_last_package(weeks):
    packages = list((weeks["folder"] / "out3" / "packages").rglob("package.json"))
    since = [json.loads(p.read_text())["since_last_package"] for p in packages]
    again = [s for s in since if s["previous_run"] == 1]
    assert again and any(s["new_refs"] for s in again)


def test_the_manifest_tells_the_changes_and_the_drift_a_refit_would_cause(weeks):
    state = weeks["manifests"]["3"]["state"]
    events = _events(weeks["folder"] / "out3")
    assert sum(state["changes"]["entity"].values()) == sum(e["kind"] == "entity" for e in events)
    assert state["model"]["fitted_run"] == 1 and state["model"]["refit"] is None
    drift = state["model"]["refit_drift"]
    assert 0 <= drift["pairs_changing_decision"] <= drift["pairs"]


def test_stream_equals_one_run_over_the_union_with_the_same_model(weeks):
    """The stream's entities are those of one resolution of all records with the frozen
    model, whatever the order of rows; where ids differ, changes.jsonl says why."""
    state = open_state(weeks["state"])
    store = {k: pq.read_table(p) for k, p in state.record_files().items()}
    settings = DEFAULT_SETTINGS.with_(id_key=KEY)
    frozen = MatchWeights.from_dict(state.model()["weights"], settings)
    batch = resolve(store["accounts"], store["osint"], settings, weights=frozen).entities
    shuffled = resolve(store["accounts"].take(list(range(store["accounts"].num_rows))[::-1]),
                       store["osint"].take(list(range(store["osint"].num_rows))[::-1]),
                       settings, weights=frozen).entities
    assert batch.equals(shuffled)
    labels = dict(zip(batch["ref"].to_pylist(), batch["entity_id"].to_pylist()))
    stream = entity_of(weeks["folder"] / "out3")
    assert set(groups(labels).values()) == set(groups(stream).values())
    clusters = {label: sorted(refs) for label, refs in groups(labels).items()}
    fresh = assign_ids(clusters, Registry(), "ent", KEY, 1)
    batch_ids = {r: fresh.ids[labels[r]] for r in labels}
    history = state.changes()
    # A stream id differs from the union's when it kept its name while growing or was
    # made from older ids, or when the union's name was taken earlier by another entity.
    changed_since_new = {e["id"] for e in history if e["event"] != "new" or e.get("from")}
    named = {i for e in history for i in [e["id"], *e.get("merged", []), *e.get("into", [])]}
    differ = {r for r in stream if stream[r] != batch_ids[r]}
    assert all(stream[r] in changed_since_new or batch_ids[r] in named for r in differ)


def test_a_second_run_on_a_state_in_use_is_refused_and_the_state_untouched(weeks, tmp_path, capsys):
    state = weeks["state"]
    before = _files(state / "current")
    with out_dir_lock(state, "--state"):
        code = main(["run", str(weeks["week2"]), "--out", str(tmp_path / "o"), "--state", str(state)])
    assert code == 2
    message = capsys.readouterr().err
    assert "--state" in message and "in use by a run that has not finished" in message and "pid" in message
    assert _files(state / "current") == before


def test_a_state_needs_a_fixed_id_key(weeks, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("FIU_ID_KEY")
    out = tmp_path / "o"
    assert main(["run", str(weeks["week2"]), "--out", str(out), "--state", str(tmp_path / "s")]) == 2
    assert "FIU_ID_KEY" in capsys.readouterr().err and not out.exists()


def test_fiu_changes_shows_the_last_run_and_where_an_id_stands(weeks, capsys):
    assert main(["changes", str(weeks["state"])]) == 0
    assert capsys.readouterr().out.startswith("run 2 of 2: ")
    registry = open_state(weeks["state"]).registry(ENTITIES)
    some = sorted(registry.ids)[0]
    assert main(["changes", str(weeks["state"]), "--id", some]) == 0
    assert capsys.readouterr().out.startswith(f"{some}: ")


def test_a_cannot_link_judgement_keeps_a_pair_apart_in_every_later_run(weeks, tmp_path):
    state = open_state(weeks["state"])
    registry = state.registry(ENTITIES)
    a, b = next(sorted(refs)[:2] for refs in registry.members.values() if len(refs) > 1)
    judgements = tmp_path / "judgements.csv"
    judgements.write_text(f"left_ref,right_ref,judgement\n{a},{b},different\n")
    held = weekly.merged_judgements(state.judgements(), str(judgements))
    later = weekly.merged_judgements(held, None)  # the next run brings no file
    store = {k: pq.read_table(p) for k, p in state.record_files().items()}
    settings = DEFAULT_SETTINGS.with_(id_key=KEY)
    frozen = MatchWeights.from_dict(state.model()["weights"], settings)
    entities = resolve(store["accounts"], store["osint"], settings, later, frozen).entities
    ids = dict(zip(entities["ref"].to_pylist(), entities["entity_id"].to_pylist()))
    assert ids[a] != ids[b]
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_a_refit_fits_on_the_whole_store_and_publishes_a_new_model(weeks, tmp_path, capsys):
    state = tmp_path / "state"
    shutil.copytree(weeks["state"], state, symlinks=True)
    before = open_state(state)
    ids_before = before.registry(ENTITIES).ids  # read now: a refit drops the old version
    assert main(["resolve", "refit", "--state", str(state)]) == 0
    out = capsys.readouterr().out
    assert "records that would change entity:" in out
    after = open_state(state)
    assert after.version.name == "000002-refit1" and after.run == before.run
    assert after.model()["fitted_because"] == "refit requested"
    assert after.registry(ENTITIES).ids == ids_before
