"""Ids that survive from run to run, and the events that say what changed.

Each run clusters the whole store afresh; this names the new clusters from the ids
issued before (`Registry`), by majority both ways:

- an old id passes to a new cluster holding more than half of the old id's members
  (those still in the store) when more than half of the cluster's previously seen
  members came from it: an entity that only grew keeps its id;
- otherwise a retired id whose last membership passes the same test is restored (an
  undone merge gives the absorbed entity its id back; a case found again keeps its id);
- otherwise the cluster gets a fresh keyed id (`fiu.ids.opaque_id` of its smallest
  ref, salted until it was never issued before).

An old id that passes nowhere is retired: `merged` into the one cluster now holding its
members, `split` into several, or `retired` when its records were all withdrawn; its
successors make every id ever released resolve (`Registry.resolve`).

Worked example: entity `a` = {1, 2, 3}, entity `b` = {4}; a new record 5 links 3 and 4.
The new cluster {1, 2, 3, 4, 5} holds all of `a` and 3 of its 4 previously seen members
came from `a`: it keeps `a` (event `grown` and `merged`, refs 4, 5); `b` is `merged`
into `a`. An analyst's cannot-link 3–4 later splits it again: {1, 2, 3, 5} keeps `a`,
{4} restores `b` (event `restored`).

A weekly store holds about a hundred thousand refs and as many ids, nearly all of them
unchanged from one week to the next; so refs and ids are numbered once (in sorted
order, so that numbers compare as the strings do), the overlap of old and new
memberships is counted with numpy, and Python objects are made only for the clusters
an event is told of.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..ids import opaque_id
from .store import ACTIVE, ID_SCHEMA, MEMBER_SCHEMA, MERGED, RETIRED, SPLIT, Registry


@dataclass(frozen=True)
class Assignment:
    """The stable id of each new cluster, the registry after this run, its events."""

    ids: dict[str, str]
    registry: Registry
    events: list[dict]


def fresh_id(prefix: str, refs: list[str], key: str, taken: set[str]) -> str:
    """The keyed id of the smallest ref, salted (`ref#1`, `ref#2` …) until new."""
    smallest = min(refs)
    candidate, n = opaque_id(prefix, smallest, key), 0
    while candidate in taken:
        n += 1
        candidate = opaque_id(prefix, f"{smallest}#{n}", key)
    return candidate


def assign_ids(
    clusters: dict[str, list[str]], registry: Registry, prefix: str, key: str, run: int
) -> Assignment:
    """Stable ids for `clusters` ({any label: member refs}, no ref in two) given the ids
    issued before."""
    labels = [label for label, refs in clusters.items() for _ in refs]
    refs = [ref for members in clusters.values() for ref in members]
    table = pa.table({"ref": pa.array(refs, pa.string()),
                      "label": pa.array(labels, pa.string())})
    return assign_table(table, registry, prefix, key, run)[0]


def _numbered(values: pa.Array, universe: pa.Array) -> np.ndarray:
    return pc.index_in(values, value_set=universe).to_numpy(zero_copy_only=False).astype(
        np.int64)


def _sorted_unique(*arrays: pa.Array) -> pa.Array:
    values = pc.unique(pa.chunked_array(arrays, pa.string()).combine_chunks())
    return values.take(pc.sort_indices(values))


def _first_per_group(groups: np.ndarray, *orders: np.ndarray) -> np.ndarray:
    """Positions of the first row of each group, rows ordered by `orders` within it."""
    order = np.lexsort((*reversed(orders), groups))
    first = np.ones(len(order), dtype=bool)
    first[1:] = groups[order][1:] != groups[order][:-1]
    return order[first]


def assign_table(
    members: pa.Table, registry: Registry, prefix: str, key: str, run: int
) -> tuple[Assignment, pa.Array]:
    """`assign_ids` over a table of (ref, label), one row a member ref; also the new id
    of every row."""
    ref_col = members["ref"].combine_chunks().cast(pa.string())
    label_col = members["label"].combine_chunks().cast(pa.string())
    entries, held = registry.entries, registry.memberships
    names = pc.unique(label_col)  # labels in the order they first appear
    code = _numbered(label_col, names)
    n_labels, n_rows = len(names), len(ref_col)
    refs = _sorted_unique(ref_col, held["ref"].combine_chunks())
    ids = _sorted_unique(entries["id"].combine_chunks(), held["id"].combine_chunks())
    n_refs, n_ids = len(refs), len(ids)
    new_ref = _numbered(ref_col, refs)
    held_id = _numbered(held["id"].combine_chunks(), ids)
    held_ref = _numbered(held["ref"].combine_chunks(), refs)
    entry_of = _numbered(entries["id"].combine_chunks(), ids)
    active = np.zeros(n_ids, dtype=bool)
    active[entry_of[pc.equal(entries["status"], ACTIVE).to_numpy(zero_copy_only=False)]] = True
    restorable = np.zeros(n_ids, dtype=bool)
    restorable[entry_of] = True
    restorable &= ~active

    # Old memberships of the refs present now, and the overlaps they make.
    row_of_ref = np.full(n_refs, -1, dtype=np.int64)
    row_of_ref[new_ref] = np.arange(n_rows)
    held_row = row_of_ref[held_ref]
    present = held_row >= 0
    j_id, j_row = held_id[present], held_row[present]
    live = np.bincount(j_id, minlength=n_ids)
    ref_active = np.zeros(n_refs, dtype=bool)
    ref_active[held_ref[active[held_id]]] = True
    row_active = ref_active[new_ref]
    row_seen = np.zeros(n_rows, dtype=bool)
    row_seen[j_row] = True
    seen_active = np.bincount(code, weights=row_active, minlength=n_labels)
    seen_any = np.bincount(code, weights=row_seen, minlength=n_labels)
    width = max(n_ids, 1)
    pairs, shared = np.unique(code[j_row] * width + j_id, return_counts=True)
    p_label, p_id = pairs // width, pairs % width

    smallest = np.full(n_labels, n_refs, dtype=np.int64)
    np.minimum.at(smallest, code, new_ref)
    label_order = np.lexsort((np.arange(n_labels), smallest))
    rank = np.empty(n_labels, dtype=np.int64)
    rank[label_order] = np.arange(n_labels)

    # An active id passes where it holds the majority both ways (one at most a cluster).
    old_of = np.full(n_labels, -1, dtype=np.int64)
    majority = (2 * shared > live[p_id])
    keep = np.flatnonzero(majority & active[p_id] & (2 * shared > seen_active[p_label]))
    first = keep[_first_per_group(p_label[keep], -shared[keep], p_id[keep])]
    old_of[p_label[first]] = p_id[first]
    # Otherwise a retired id, clusters in the order of their smallest ref.
    back = np.flatnonzero(majority & restorable[p_id] & (old_of[p_label] < 0)
                          & (2 * shared > seen_any[p_label]))
    back = back[np.lexsort((p_id[back], -shared[back], rank[p_label[back]]))]
    restored: set[int] = set()
    for label, old in zip(p_label[back].tolist(), p_id[back].tolist()):
        if old_of[label] < 0 and old not in restored:
            old_of[label] = old
            restored.add(old)

    id_names = ids.to_pylist()
    ref_names = refs.to_pylist()
    taken = set(entries["id"].to_pylist())
    new_of_label: list[str] = [""] * n_labels
    number_of_label = old_of.copy()
    for label in label_order.tolist():
        if old_of[label] >= 0:
            new_of_label[label] = id_names[old_of[label]]
        else:
            new_of_label[label] = fresh_id(prefix, [ref_names[smallest[label]]], key, taken)
            number_of_label[label] = len(id_names)
            id_names.append(new_of_label[label])
            taken.add(new_of_label[label])
    n_all = len(id_names)
    kept = np.zeros(n_all, dtype=bool)
    kept[number_of_label] = True
    row_id = number_of_label[code]

    def pad(flags: np.ndarray) -> np.ndarray:
        return np.concatenate([flags, np.zeros(n_all - len(flags), dtype=bool)])

    active, restorable = pad(active), pad(restorable)
    events = _cluster_events(code, new_ref, row_id, row_active, held_id * n_refs + held_ref,
                             n_refs, p_label, p_id, active, kept, number_of_label,
                             restored, old_of, n_ids, id_names, ref_names)
    told, passed_nowhere = _old_id_events(held_id, held_ref, held_row, row_id, active, kept,
                                          id_names, ref_names)
    events = sorted(events + told, key=lambda e: (e["id"], e["event"]))
    registry_now = _registry_after(entries, held, held_id, kept, passed_nowhere, id_names,
                                   new_of_label, ref_col, row_id, run)
    assignment = Assignment(dict(zip(names.to_pylist(), new_of_label)), registry_now, events)
    row_ids = pa.array(new_of_label, pa.string()).take(pa.array(code))
    return assignment, row_ids


def _cluster_events(code, new_ref, row_id, row_active, held_keys, n_refs, p_label, p_id,
                    active, kept, number_of_label, restored, old_of, n_ids, id_names,
                    ref_names) -> list[dict]:
    """new, restored, merged and grown: the events of the clusters of this run."""
    order = np.lexsort((new_ref, code))
    sorted_code = code[order]
    n_labels = len(number_of_label)
    starts = np.searchsorted(sorted_code, np.arange(n_labels), side="left")
    ends = np.searchsorted(sorted_code, np.arange(n_labels), side="right")
    joined = ~np.isin(row_id * n_refs + new_ref, held_keys)
    fresh = joined & ~row_active

    def refs_of(label: int, mask: np.ndarray | None = None) -> list[str]:
        rows = order[starts[label]:ends[label]]
        if mask is not None:
            rows = rows[mask[rows]]
        return [ref_names[r] for r in new_ref[rows].tolist()]

    sources: dict[int, list[str]] = {}
    other = (active[p_id] & ~kept[p_id] & (p_id != number_of_label[p_label]))
    for label, old in zip(p_label[other].tolist(), p_id[other].tolist()):
        sources.setdefault(label, []).append(id_names[old])
    told = set(sources) | set(code[fresh].tolist())
    told |= set(np.flatnonzero(old_of < 0).tolist())
    told |= {int(label) for label in np.flatnonzero(np.isin(old_of, list(restored)))}
    events: list[dict] = []
    for label in sorted(told):
        id_ = id_names[number_of_label[label]]
        if number_of_label[label] in restored:
            events.append({"event": "restored", "id": id_, "refs": refs_of(label)})
        elif number_of_label[label] >= n_ids:
            event = {"event": "new", "id": id_, "refs": refs_of(label)}
            if label in sources:
                event["from"] = sorted(sources[label])
            events.append(event)
        elif label in sources:
            events.append({"event": "merged", "id": id_, "merged": sorted(sources[label]),
                           "refs": refs_of(label, joined)})
        elif fresh[order[starts[label]:ends[label]]].any():
            events.append({"event": "grown", "id": id_, "refs": refs_of(label, fresh)})
    return events


def _old_id_events(held_id, held_ref, held_row, row_id, active, kept, id_names, ref_names
                   ) -> tuple[list[dict], dict[str, tuple[str, list[str]]]]:
    """Active ids before this run: those that passed nowhere (merged, split, retired:
    their events but for a merge, told by the survivor's, and {id: (status,
    successors)}), and those that passed but lost members to other clusters (split)."""
    present = held_row >= 0
    now = np.full(len(held_row), -1, dtype=np.int64)
    now[present] = row_id[held_row[present]]
    gone = np.flatnonzero(active[held_id] & ~kept[held_id])
    lost = np.flatnonzero(active[held_id] & kept[held_id] & present & (now != held_id))
    events: list[dict] = []
    passed_nowhere: dict[str, tuple[str, list[str]]] = {}
    by_old: dict[int, list[int]] = {}
    for i in gone[np.lexsort((held_ref[gone], held_id[gone]))].tolist():
        by_old.setdefault(int(held_id[i]), []).append(i)
    for old, rows in by_old.items():
        into = sorted({id_names[now[i]] for i in rows if now[i] >= 0})
        status = RETIRED if not into else MERGED if len(into) == 1 else SPLIT
        passed_nowhere[id_names[old]] = (status, into)
        if status != MERGED:
            event = {"event": status, "id": id_names[old],
                     "refs": [ref_names[held_ref[i]] for i in rows]}
            if into:
                event["into"] = into
            events.append(event)
    by_kept: dict[int, list[int]] = {}
    for i in lost[np.lexsort((held_ref[lost], held_id[lost]))].tolist():
        by_kept.setdefault(int(held_id[i]), []).append(i)
    for old, rows in by_kept.items():
        events.append({"event": "split", "id": id_names[old],
                       "refs": [ref_names[held_ref[i]] for i in rows],
                       "into": sorted({id_names[now[i]] for i in rows})})
    return events, passed_nowhere


def _registry_after(entries, held, held_id, kept, status, id_names, new_of_label, ref_col,
                    row_id, run) -> Registry:
    """The registry with this run's clusters under their ids (active, last seen now),
    the ids that passed nowhere marked with their successors, the rest as they were."""
    issued = pa.array(new_of_label, pa.string())
    current = pc.index_in(issued, value_set=entries["id"])
    first = pc.fill_null(pc.take(entries["first_run"], current), pa.scalar(run, pa.int32()))
    n = len(issued)
    now = pa.table({
        "id": issued,
        "status": pa.array([ACTIVE] * n, pa.string()),
        "successors": pa.ListArray.from_arrays(pa.array(np.zeros(n + 1, np.int32)),
                                               pa.array([], pa.string())),
        "first_run": first.cast(pa.int32()),
        "last_run": pa.array(np.full(n, run, np.int32)),
    }, schema=ID_SCHEMA)
    changed = pa.array(sorted(status), pa.string())
    untouched = entries.filter(pc.invert(pc.is_in(entries["id"], pa.concat_arrays(
        [issued, changed]))))
    before = entries.filter(pc.is_in(entries["id"], changed)).sort_by("id")
    retired = pa.table({
        "id": before["id"],
        "status": pa.array([status[i][0] for i in before["id"].to_pylist()], pa.string()),
        "successors": pa.array([status[i][1] for i in before["id"].to_pylist()],
                               pa.list_(pa.string())),
        "first_run": before["first_run"],
        "last_run": before["last_run"],
    }, schema=ID_SCHEMA)
    all_entries = pa.concat_tables([untouched, now, retired]).sort_by("id")
    names = pa.array(id_names, pa.string())
    stays = held.filter(pa.array(~kept[held_id]))
    fresh = pa.table({"id": names.take(pa.array(row_id)), "ref": ref_col}, schema=MEMBER_SCHEMA)
    memberships = pa.concat_tables([stays.select(MEMBER_SCHEMA.names).cast(MEMBER_SCHEMA),
                                    fresh]).sort_by([("id", "ascending"), ("ref", "ascending")])
    return Registry.of_tables(all_entries, memberships)
