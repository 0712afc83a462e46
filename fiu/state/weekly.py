"""A weekly run's dealings with its state folder, before and after the pipeline.

`prepare` reads what the run needs (stored records, frozen model, judgements, ids
issued, packages reported, withdrawals); the pipeline writes the new records, registries
and reports into its staging folder; `update` builds the next state version from them
and publishes it (`store.publish_version`).
"""
from __future__ import annotations

import csv
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..errors import InputError
from ..io.writers import to_json, write_json
from ..resolve.judgements import JUDGEMENT_SCHEMA, load_judgements
from ..resolve.kept_levels import KEPT_LEVELS
from ..resolve.settings import MatchSettings
from .store import (
    CASES, CHANGES, ENTITIES, IDS, JUDGEMENTS, MODEL, RECORDS, REPORTED, SEEN,
    SEEN_SCHEMA, State, building, key_check, open_state, publish_version,
    settings_hash, write_meta,
)

WITHDRAWALS = "withdrawals"


@dataclass(frozen=True)
class WeeklyRun:
    """What one run takes from its state folder."""

    state: State
    key: str
    stored: dict[str, str]
    withdrawn: list[str]
    model: Optional[dict]
    refit_reason: Optional[str]
    settings_hash: str
    judgements: Optional[pa.Table]
    reported: dict

    @property
    def run(self) -> int:
        return self.state.run


def withdrawal_files(input_dir: str | Path) -> list[Path]:
    """`withdrawals*.csv` of the input folder: refs partners take back."""
    return sorted(Path(input_dir).glob(f"{WITHDRAWALS}*.csv"))


def read_withdrawals(input_dir: str | Path) -> list[str]:
    """The refs withdrawn (column `ref`); a bad row stops with file, row and field."""
    refs = set()
    for path in withdrawal_files(input_dir):
        with path.open(encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=1):
                ref = (row.get("ref") or "").strip()
                if not ref.startswith(("account:", "osint:", "txn:")):
                    raise InputError(path.name, f"{ref!r} is not a ref (account:, osint:, txn:)",
                                     number, "ref")
                refs.add(ref)
    return sorted(refs)


def merged_judgements(stored: Optional[pa.Table], path: Optional[str]) -> Optional[pa.Table]:
    """The state's judgements with this run's file over them (a later word wins)."""
    new = load_judgements(path) if path else None
    if stored is None:
        return new
    if new is None:
        return stored
    latest = {}
    for table in (stored, new):
        for a, b, j in zip(*(table[c].to_pylist() for c in JUDGEMENT_SCHEMA.names)):
            latest[(a, b)] = j
    pairs = sorted(latest.items())
    return pa.table({"left_ref": [k[0] for k, _ in pairs], "right_ref": [k[1] for k, _ in pairs],
                     "judgement": [v for _, v in pairs]}, schema=JUDGEMENT_SCHEMA)


def prepare(state_dir: str | Path, key: str, input_dir: str | Path,
            judgements_path: Optional[str], settings: MatchSettings,
            refit: bool = False) -> WeeklyRun:
    state = open_state(state_dir, key)
    digest = settings_hash(settings)
    model = state.model()
    reason = None
    if model is None:
        reason = "first run"
    elif model.get("settings_hash") != digest:
        reason = "matching settings changed"
    elif refit or state.meta.get("refit_requested"):
        reason = "refit requested"
    return WeeklyRun(
        state=state, key=key, stored=state.record_files(),
        withdrawn=read_withdrawals(input_dir),
        model=None if reason else model["weights"], refit_reason=reason,
        settings_hash=digest,
        judgements=merged_judgements(state.judgements(), judgements_path),
        reported=state.reported(),
    )


def _seen(previous: pa.Table, new_refs: list, withdrawn: list[str], run: int) -> pa.Table:
    """First and last run seen of every ref; a withdrawn ref keeps its row, marked.
    Columnar: the table holds every ref the state ever received, a million rows and
    more after a few months of weekly runs."""
    refs = pa.array([r for _, found in new_refs for r in found], pa.string())
    kinds = pa.array([k for k, found in new_refs for _ in found], pa.string())
    sent = pa.table({"ref": refs, "kind": kinds, "at": np.arange(len(refs))})
    last = sent.group_by("ref", use_threads=False).aggregate([("at", "max")])
    sent = sent.take(last["at_max"])  # a ref sent twice: its last kind
    before = pc.index_in(sent["ref"], value_set=previous["ref"])
    first = pc.fill_null(pc.take(previous["first_run"], before), pa.scalar(run, pa.int32()))
    n = sent.num_rows
    fresh = pa.table({
        "ref": sent["ref"], "kind": sent["kind"], "first_run": first,
        "last_run": pa.array(np.full(n, run, np.int32)),
        "withdrawn_run": pa.nulls(n, pa.int32()),
    }, schema=SEEN_SCHEMA)
    kept = previous.filter(pc.invert(pc.is_in(previous["ref"], value_set=sent["ref"])))
    seen = pa.concat_tables([kept.cast(SEEN_SCHEMA), fresh])
    if withdrawn:
        taken_back = pc.and_(pc.is_in(seen["ref"], value_set=pa.array(withdrawn, pa.string())),
                             pc.is_null(seen["withdrawn_run"]))
        marked = pc.if_else(taken_back, pa.scalar(run, pa.int32()), seen["withdrawn_run"])
        seen = seen.set_column(seen.schema.get_field_index("withdrawn_run"),
                               SEEN_SCHEMA.field("withdrawn_run"), marked)
    return seen.sort_by("ref").combine_chunks()


def _write_changes(previous: Optional[Path], target: Path, events: list[dict]) -> None:
    """Every event so far: the previous version's file (written alike) and this run's."""
    if previous is not None:
        shutil.copyfile(previous, target)
    with target.open("a", encoding="utf-8") as handle:
        handle.write("".join(to_json(e, indent=None) + "\n" for e in events))


def _reported(previous: dict, reports: list) -> dict:
    merged = {case: dict(by) for case, by in previous.items()}
    for case, recipient, report, _ in reports:
        merged.setdefault(case, {})[recipient] = report
    return {case: dict(sorted(by.items())) for case, by in sorted(merged.items())}


def run_events(staging_state: Path, run: int) -> list[dict]:
    """This run's entity and case events, in order."""
    events = []
    for kind in (ENTITIES, CASES):
        path = staging_state / f"{kind}_events.json"
        if path.exists():
            events += [{"run": run, "kind": {ENTITIES: "entity", CASES: "case"}[kind], **e} for e in json.loads(path.read_text())]
    return events


def summary(events: list[dict]) -> dict:
    """{entity|case: {event: count}}."""
    out: dict[str, dict[str, int]] = {"entity": {}, "case": {}}
    for e in events:
        out[e["kind"]][e["event"]] = out[e["kind"]].get(e["event"], 0) + 1
    return {k: dict(sorted(v.items())) for k, v in out.items()}


def build_version(weekly: WeeklyRun, staging_state: Path, run_id: str, new_refs: list,
                  reports: list, weights: dict, events: list[dict], at: str
                  ) -> tuple[Path, dict]:
    """Build the next state version beside the current one (`publish` makes it
    current); returns its folder and the manifest's `state` section."""
    state, run = weekly.state, weekly.run
    root = state.root
    built = building(root)
    shutil.move(str(staging_state / RECORDS), str(built / RECORDS)) if (
        staging_state / RECORDS).exists() else (built / RECORDS).mkdir()
    shutil.move(str(staging_state / IDS), str(built / IDS))
    if (staging_state / KEPT_LEVELS).exists():
        shutil.move(str(staging_state / KEPT_LEVELS), str(built / KEPT_LEVELS))
    seen = _seen(state.seen(), new_refs, weekly.withdrawn, run)
    pq.write_table(seen, built / SEEN)
    model = state.model() if weekly.model is not None else {
        "weights": weights, "settings_hash": weekly.settings_hash, "fitted_run": run,
        "fitted_because": weekly.refit_reason,
    }
    write_json(built / MODEL, model)
    if weekly.judgements is not None:
        pq.write_table(weekly.judgements, built / JUDGEMENTS)
    write_json(built / REPORTED, _reported(weekly.reported, reports))
    _write_changes(state.path(CHANGES), built / CHANGES, events)
    runs = [*state.meta.get("runs", []), {"run": run, "run_id": run_id, "at": at}]
    write_meta(built, {"format": state.meta.get("format", 1), "key_check": key_check(weekly.key),
                       "runs": runs})
    present = seen.filter(pc.is_null(seen["withdrawn_run"]))
    return built, {
        "folder": str(root),
        "run": run,
        "records": {
            "held": present.num_rows,
            "new": int(pc.sum(pc.equal(present["first_run"], run)).as_py() or 0),
            "sent_again": int(pc.sum(pc.and_(pc.equal(present["last_run"], run),
                                             pc.less(present["first_run"], run))).as_py() or 0),
            "withdrawn": len(weekly.withdrawn),
        },
        "model": {"fitted_run": model["fitted_run"], "settings_hash": model["settings_hash"],
                  "refit": weekly.refit_reason},
        "packages_held_back": sum(1 for *_, sent in reports if not sent),
        "changes": summary(events),
    }


def publish(weekly: WeeklyRun, built: Path) -> Path:
    """Make the built version the state's current one (atomic)."""
    return publish_version(weekly.state.root, built, f"{weekly.run:06d}")
