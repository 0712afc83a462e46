"""Kept levels: a stream of weekly stores (growth, changed records, withdrawals)
compared with the last week's kept levels gives exactly the pairs, levels and
frequencies of comparing everything anew."""
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from fiu.resolve import parties_with_frequencies
from fiu.resolve.blocking import block_rows
from fiu.resolve.compare import pair_levels
from fiu.resolve.kept_levels import (
    KeptLevels, pair_levels_reusing, read_kept, with_fingerprints, write_kept,
)
from fiu.resolve.parties import party_batch
from fiu.resolve.settings import DEFAULT_SETTINGS

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from resolution import World  # noqa: E402


def _weekly_stores(weeks: int = 3):
    """Parties of each week's store: a world's records arriving in weekly slices;
    from the second week on, some records held come again changed (another name,
    phone or street) and some are withdrawn."""
    accounts, osint = World(1200, seed=11).tables()
    parties = pa.concat_tables([
        pa.Table.from_batches([party_batch("accounts", accounts)]),
        pa.Table.from_batches([party_batch("osint", osint)]),
    ])
    rng = np.random.default_rng(5)
    week_of = rng.integers(0, weeks, parties.num_rows)
    store = None
    for week in range(weeks):
        arrived = parties.filter(pa.array(week_of == week))
        if store is None:
            store = arrived
            yield store
            continue
        n = store.num_rows
        changed = rng.random(n) < 0.05
        withdrawn = ~changed & (rng.random(n) < 0.03)
        names = store["names"].to_pylist()
        phones = store["phone_norm"].to_pylist()
        streets = store["street"].to_pylist()
        for i in np.flatnonzero(changed):
            pick = rng.integers(3)
            if pick == 0 and names[i]:
                names[i] = [names[i][0] + "e", *names[i][1:]]
            elif pick == 1:
                phones[i] = None if phones[i] else "+15125550199"
            else:
                streets[i] = (streets[i] or "") + " APT 2"
        store = store.set_column(store.schema.get_field_index("names"), "names",
                                 pa.array(names, store.schema.field("names").type))
        store = store.set_column(store.schema.get_field_index("phone_norm"), "phone_norm",
                                 pa.array(phones, pa.string()))
        store = store.set_column(store.schema.get_field_index("street"), "street",
                                 pa.array(streets, pa.string()))
        store = pa.concat_tables([store.filter(pa.array(~withdrawn)), arrived])
        yield store


def _rows(store: pa.Table, settings) -> pa.RecordBatch:
    return block_rows(with_fingerprints(parties_with_frequencies(store, settings)), settings)


def test_kept_levels_give_the_pairs_of_comparing_everything(tmp_path):
    settings = DEFAULT_SETTINGS
    path = tmp_path / "pair_levels.parquet"
    reused = []
    for store in _weekly_stores():
        rows = _rows(store, settings)
        full, full_counts = pair_levels(rows, settings)
        kept = read_kept(path, settings)
        pairs, counts, keep = pair_levels_reusing(rows, settings, kept)
        assert pairs.equals(full) and counts == full_counts
        write_kept(path, [keep], settings)
        found = kept.find(keep.column("key_a").to_numpy(), keep.column("key_b").to_numpy())
        reused.append(((found >= 0).sum(), keep.num_rows))
    # Weeks 2 and 3 reuse most of the last week's pairs, not those of changed or
    # withdrawn records.
    assert reused[0][0] == 0
    assert all(0.7 * before < r < before for (r, _), (_, before) in zip(reused[1:], reused))


def test_a_changed_record_is_compared_again():
    settings = DEFAULT_SETTINGS
    store = next(_weekly_stores())
    rows = _rows(store, settings)
    full, _ = pair_levels(rows, settings)
    _, _, keep = pair_levels_reusing(rows, settings, KeptLevels.empty(settings))
    # Kept levels claiming every name level is 0: a pair whose record changed must
    # not take them.
    table = pa.Table.from_batches([keep])
    lying = table.set_column(table.schema.get_field_index("name"), "name",
                             pa.array(np.zeros(table.num_rows, np.int8)))
    kept = KeptLevels(lying["key_a"].to_numpy(), lying["key_b"].to_numpy(),
                      np.column_stack([lying[c.name].to_numpy() for c in settings.comparisons]))
    order = np.argsort(kept.key_a, kind="stable")
    kept = KeptLevels(kept.key_a[order], kept.key_b[order], kept.levels[order])
    changed_ref = full.column("left_ref")[int(np.flatnonzero(
        full.column("name").to_numpy() == 3)[0])]
    names = store["names"].to_pylist()
    at = store["ref"].to_pylist().index(changed_ref.as_py())
    names[at] = ["somebody else entirely"]
    store = store.set_column(store.schema.get_field_index("names"), "names",
                             pa.array(names, store.schema.field("names").type))
    pairs, _, _ = pair_levels_reusing(_rows(store, settings), settings, kept)
    touched = pc.or_(pc.equal(pairs.column("left_ref"), changed_ref),
                     pc.equal(pairs.column("right_ref"), changed_ref))
    again, _ = pair_levels(_rows(store, settings), settings)
    assert pairs.filter(touched).equals(again.filter(touched))
    assert not pairs.filter(pc.invert(touched)).equals(again.filter(pc.invert(touched)))


def test_levels_kept_under_other_settings_are_not_used(tmp_path):
    path = tmp_path / "pair_levels.parquet"
    store = next(_weekly_stores())
    _, _, keep = pair_levels_reusing(_rows(store, DEFAULT_SETTINGS), DEFAULT_SETTINGS,
                                     KeptLevels.empty(DEFAULT_SETTINGS))
    write_kept(path, [keep], DEFAULT_SETTINGS)
    assert len(read_kept(path, DEFAULT_SETTINGS).key_a) == len(np.unique(
        keep.column("key_a").to_numpy()))
    other = replace(DEFAULT_SETTINGS, max_block_size=150)
    assert len(read_kept(path, other).key_a) == 0
    assert len(read_kept(tmp_path / "none.parquet", DEFAULT_SETTINGS).key_a) == 0


@pytest.mark.parametrize("column", ["names", "related", "street", "party_type"])
def test_a_fingerprint_changes_with_what_comparisons_read(column):
    store = next(_weekly_stores())
    batch = parties_with_frequencies(store, DEFAULT_SETTINGS)
    before = with_fingerprints(batch).column("fingerprint_a").to_numpy()
    values = batch.column(column).to_pylist()
    values[0] = ["x"] if isinstance(values[0], list) or values[0] is None and column in (
        "names", "related") else "x"
    changed = batch.set_column(batch.schema.get_field_index(column), column,
                               pa.array(values, batch.schema.field(column).type))
    after = with_fingerprints(changed).column("fingerprint_a").to_numpy()
    assert after[0] != before[0] and (after[1:] == before[1:]).all()
