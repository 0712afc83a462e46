"""`fiu resolve refit --state STATE`: fit the match model anew on every stored record.

Weekly runs decide with the model frozen at the first run, so a decision flips only
on new evidence. A refit is an analyst's decision: it fits m, u, λ and the threshold on
the whole store (as one run over it would), reports how many records would change
entity under it, and publishes a state version with the new model. The next run
decides with it; ids still pass by majority, so only what the refit really regroups
changes name, and `changes.jsonl` says so.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq

from ..contract import ACCOUNTS, OSINT
from ..io.lock import out_dir_lock
from ..io.writers import write_json
from ..resolve import resolve
from ..resolve.settings import DEFAULT_SETTINGS
from .store import (
    ENTITIES, MODEL, building, clear_leftovers, open_state, publish_version,
    settings_hash, state_key, write_meta,
)


def _moved(entities, registry) -> int:
    """Records whose entity under the new model differs from their current one."""
    current = {r: i for i, refs in registry.members.items()
               if registry.ids[i]["status"] == "active" for r in refs}
    new: dict[str, list[str]] = {}
    for ref, label in zip(entities["ref"].to_pylist(), entities["entity_id"].to_pylist()):
        new.setdefault(label, []).append(ref)
    moved = 0
    for refs in new.values():
        owners: dict[str, int] = {}
        for r in refs:
            owners[current.get(r, "")] = owners.get(current.get(r, ""), 0) + 1
        moved += len(refs) - max(owners.values())
    return moved


def request_refit(state_dir: str | Path) -> str:
    """Refit, publish, and say what changed (one line a figure)."""
    key = state_key()
    root = Path(state_dir).resolve()
    with out_dir_lock(root, "--state"):
        clear_leftovers(root)
        state = open_state(root, key)
        if state.version is None:
            return f"{root}: no run yet; the first run fits the model"
        tables = {k: pq.read_table(p) for k, p in state.record_files().items()
                  if k in (ACCOUNTS, OSINT)}
        settings = DEFAULT_SETTINGS.with_(id_key=key)
        result = resolve(tables.get(ACCOUNTS), tables.get(OSINT), settings, state.judgements())
        old = state.model() or {}
        built = building(root)
        for child in state.version.iterdir():
            target = built / child.name
            if child.is_dir():
                shutil.copytree(child, target)
            elif child.name != MODEL:
                shutil.copy2(child, target)
        weights = result.stats["weights"]
        write_json(built / MODEL, {
            "weights": weights, "settings_hash": settings_hash(settings),
            "fitted_run": state.run - 1, "fitted_because": "refit requested",
        })
        moved = _moved(result.entities, state.registry(ENTITIES))
        refits = [*state.meta.get("refits", []), {"after_run": state.run - 1, "moved": moved}]
        write_meta(built, {**state.meta, "refits": refits})
        publish_version(root, built, f"{state.run - 1:06d}-refit{len(refits)}")
    before = (old.get("weights") or {}).get("threshold_match_weight")
    return "\n".join([
        f"refitted the match model of {root} on {result.stats['records']} records",
        f"threshold match weight {before} -> {weights['threshold_match_weight']}",
        f"lambda {(old.get('weights') or {}).get('lambda')} -> {weights['lambda']}",
        f"records that would change entity: {moved}",
    ])
