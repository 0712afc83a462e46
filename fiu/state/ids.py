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
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from ..ids import opaque_id
from .store import ACTIVE, MERGED, RETIRED, SPLIT, Registry


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


def _majority(refs: list[str], owner: dict[str, list[str]], live: Counter, pool: set[str]
              ) -> tuple[str | None, Counter]:
    """The id in `pool` that holds the majority both ways over `refs`, and the counts."""
    counts: Counter = Counter()
    seen = 0
    for ref in refs:
        owners = owner.get(ref)
        if owners:
            seen += 1
            counts.update(o for o in owners if o in pool)
    for old, shared in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if 2 * shared > live[old] and 2 * shared > seen:
            return old, counts
    return None, counts


def assign_ids(
    clusters: dict[str, list[str]], registry: Registry, prefix: str, key: str, run: int
) -> Assignment:
    """Stable ids for `clusters` ({any label: member refs}) given the ids issued before."""
    present = {r for refs in clusters.values() for r in refs}
    active = {i for i, e in registry.ids.items() if e["status"] == ACTIVE}
    retired = set(registry.ids) - active
    active_owner: dict[str, list[str]] = defaultdict(list)
    retired_owner: dict[str, list[str]] = defaultdict(list)
    for id_, refs in registry.members.items():
        target = active_owner if id_ in active else retired_owner
        for ref in refs:
            target[ref].append(id_)
    live = Counter(o for r in present for o in active_owner.get(r, ()))
    live.update(o for r in present for o in retired_owner.get(r, ()))
    old_of: dict[str, str] = {}  # cluster label → the old id it keeps
    from_old: dict[str, Counter] = {}
    labels = sorted(clusters, key=lambda lab: min(clusters[lab]))
    for label in labels:
        old, counts = _majority(clusters[label], active_owner, live, active)
        from_old[label] = counts
        if old is not None:
            old_of[label] = old
    restorable = set(retired)
    restored: set[str] = set()
    for label in labels:
        if label in old_of:
            continue
        old, _ = _majority(clusters[label], active_owner | retired_owner, live, restorable)
        if old is not None:
            old_of[label] = old
            restorable.discard(old)
            restored.add(old)
    taken = set(registry.ids)
    ids: dict[str, str] = {}
    for label in labels:
        ids[label] = old_of.get(label) or fresh_id(prefix, clusters[label], key, taken)
        taken.add(ids[label])

    entries = {i: dict(e) for i, e in registry.ids.items()}
    members = {i: list(m) for i, m in registry.members.items()}
    events: list[dict] = []
    new_of_ref = {r: ids[label] for label, refs in clusters.items() for r in refs}
    kept = set(ids.values())
    for label in labels:
        id_, refs = ids[label], sorted(clusters[label])
        before = set(registry.members.get(id_, ()))
        entry = entries.get(id_)
        if id_ in restored:
            events.append({"event": "restored", "id": id_, "refs": refs})
        elif entry is None:
            event = {"event": "new", "id": id_, "refs": refs}
            sources = sorted(o for o in from_old[label] if o not in kept)
            if sources:
                event["from"] = sources
            events.append(event)
        else:
            joined = sorted(set(refs) - before)
            absorbed = sorted(o for o in from_old[label] if o != id_ and o not in kept)
            fresh = [r for r in joined if r not in active_owner]
            if absorbed:
                events.append({"event": "merged", "id": id_, "merged": absorbed,
                               "refs": joined})
            elif fresh:
                events.append({"event": "grown", "id": id_, "refs": fresh})
        first = entry["first_run"] if entry else run
        entries[id_] = {"id": id_, "status": ACTIVE, "successors": [], "first_run": first,
                        "last_run": run}
        members[id_] = refs
    for old in sorted(active - kept):
        now = sorted({new_of_ref[r] for r in registry.members.get(old, ()) if r in new_of_ref})
        status = RETIRED if not now else MERGED if len(now) == 1 else SPLIT
        entries[old] = {**entries[old], "status": status, "successors": now}
        if status != MERGED:  # a merge is told by the survivor's event
            event = {"event": status, "id": old, "refs": sorted(registry.members.get(old, ()))}
            if now:
                event["into"] = now
            events.append(event)
    for old in sorted(active & kept):
        lost = sorted(r for r in registry.members.get(old, ()) if new_of_ref.get(r, old) != old)
        if lost:
            into = sorted({new_of_ref[r] for r in lost if r in new_of_ref})
            events.append({"event": "split" if into else "shrunk", "id": old, "refs": lost,
                           **({"into": into} if into else {})})
    events.sort(key=lambda e: (e["id"], e["event"]))
    return Assignment(ids, Registry(entries, members), events)
