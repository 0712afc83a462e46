"""The state folder: versions published atomically, the key checked, tombstones kept."""
import pyarrow as pa
import pytest

from fiu.errors import InputError, UsageError
from fiu.resolve.judgements import JUDGEMENT_SCHEMA
from fiu.resolve.settings import DEFAULT_SETTINGS
from fiu.state import weekly
from fiu.state.store import (
    SEEN_SCHEMA, Registry, building, clear_leftovers, key_check, open_state, publish_version,
    settings_hash, write_meta,
)


def _version(root, name, key="k"):
    built = building(root)
    write_meta(built, {"format": 1, "key_check": key_check(key), "runs": [{"run": 1}]})
    return publish_version(root, built, name)


def test_a_state_made_under_another_key_is_refused(tmp_path):
    _version(tmp_path, "000001")
    assert open_state(tmp_path, "k").run == 2
    with pytest.raises(UsageError, match="another FIU_ID_KEY"):
        open_state(tmp_path, "other")


def test_publishing_swaps_the_current_version_and_leftovers_are_cleared(tmp_path):
    _version(tmp_path, "000001")
    _version(tmp_path, "000002")
    assert open_state(tmp_path).version.name == "000002"
    assert not (tmp_path / "versions" / "000001").exists()
    (tmp_path / "versions" / ".building").mkdir()  # a killed run's half-built version
    clear_leftovers(tmp_path)
    assert sorted(p.name for p in (tmp_path / "versions").iterdir()) == ["000002"]


def test_a_folder_that_is_not_a_state_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="not a fiu state"):
        open_state(tmp_path)


def test_withdrawn_records_keep_a_tombstone_and_a_bad_ref_is_named(tmp_path):
    (tmp_path / "withdrawals.csv").write_text("ref\naccount:bank-a:A1\n")
    withdrawn = weekly.read_withdrawals(tmp_path)
    previous = pa.Table.from_pylist(
        [{"ref": "account:bank-a:A1", "kind": "accounts", "first_run": 1, "last_run": 1,
          "withdrawn_run": None}], schema=SEEN_SCHEMA)
    seen = weekly._seen(previous, [["osint", ["osint:R1"]]], withdrawn, 2)
    assert seen.to_pylist() == [
        {"ref": "account:bank-a:A1", "kind": "accounts", "first_run": 1, "last_run": 1,
         "withdrawn_run": 2},
        {"ref": "osint:R1", "kind": "osint", "first_run": 2, "last_run": 2, "withdrawn_run": None},
    ]
    (tmp_path / "withdrawals-2.csv").write_text("ref\nA1\n")
    with pytest.raises(InputError, match="withdrawals-2.csv row 1 column ref"):
        weekly.read_withdrawals(tmp_path)


def test_a_ref_sent_again_keeps_its_first_run_and_a_withdrawn_one_sent_again_is_back():
    previous = pa.Table.from_pylist(
        [{"ref": "osint:R1", "kind": "osint", "first_run": 1, "last_run": 1,
          "withdrawn_run": None},
         {"ref": "osint:R2", "kind": "osint", "first_run": 1, "last_run": 2,
          "withdrawn_run": 2}], schema=SEEN_SCHEMA)
    sent = [["osint", ["osint:R2", "osint:R3"]], ["osint", ["osint:R1", "osint:R3"]]]
    seen = weekly._seen(previous, sent, [], 3)
    assert seen.schema == SEEN_SCHEMA
    assert [(r["ref"], r["first_run"], r["last_run"], r["withdrawn_run"])
            for r in seen.to_pylist()] == [
        ("osint:R1", 1, 3, None), ("osint:R2", 1, 3, None), ("osint:R3", 3, 3, None)]


def test_judgements_accumulate_and_a_later_word_on_a_pair_wins(tmp_path):
    stored = pa.table({"left_ref": ["osint:A", "osint:C"], "right_ref": ["osint:B", "osint:D"],
                       "judgement": ["same", "different"]}, schema=JUDGEMENT_SCHEMA)
    new = tmp_path / "j.csv"
    new.write_text("left_ref,right_ref,judgement\nosint:B,osint:A,different\n")
    merged = weekly.merged_judgements(stored, str(new))
    assert merged.to_pylist() == [
        {"left_ref": "osint:A", "right_ref": "osint:B", "judgement": "different"},
        {"left_ref": "osint:C", "right_ref": "osint:D", "judgement": "different"},
    ]


def test_a_change_of_matching_settings_changes_the_hash_but_the_id_key_does_not():
    base = settings_hash(DEFAULT_SETTINGS)
    assert settings_hash(DEFAULT_SETTINGS.with_(id_key="x")) == base
    assert settings_hash(DEFAULT_SETTINGS.with_(max_block_size=300)) != base


def test_a_split_id_resolves_to_every_successor_that_is_still_active():
    registry = Registry({
        "ent-a": {"status": "split", "successors": ["ent-b", "ent-c"]},
        "ent-b": {"status": "active", "successors": []},
        "ent-c": {"status": "merged", "successors": ["ent-d"]},
        "ent-d": {"status": "active", "successors": []},
    })
    assert registry.resolve("ent-a") == ["ent-b", "ent-d"]
    assert registry.resolve("ent-x") == []
