"""Weekly runs on a state folder: a generated world cut into weekly deliveries
(`fiu.generate.weeks`), run one week after another with `fiu run --state`, then held
to one run over the union of all weeks.

    python benchmarks/weekly.py                        # 1M transactions, 12 weeks
    python benchmarks/weekly.py --scale 1.7 --weeks 12 # about 100k transactions
    python benchmarks/weekly.py --retime 3             # the first and last week only

Reports, run by run, the wall time (subprocess, interpreter start to exit) and the
store's size; and the issue's targets:

- ids kept by entities and cases that only grew (between consecutive weeks, a cluster
  holding all of an earlier one plus only records never seen before);
- stream against one run over the union: with the stream's frozen model (a state seeded
  with it), every ref's entity must be the same cluster and every id difference must be
  told by changes.jsonl (the id has an event after its `new`); with a model fitted on
  the union (a fresh state), how many records land in another cluster (model drift,
  what `refit_drift` in the manifest measures, not an id matter);
- idempotence: the last week run again on a copy of the state before it gives
  byte-identical outputs;
- the last run's wall time over the first's.

Results go to `--results` (JSON) and are printed as the table in docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path


HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from fiu.generate.weeks import split_into_weeks  # noqa: E402
from fiu.io.writers import write_json  # noqa: E402
from fiu.state.memberships import case_members, entity_of, groups  # noqa: E402
from fiu.state.store import building, key_check, open_state, publish_version  # noqa: E402

KEY = "benchmark-weekly-key"


def fiu(*args: str) -> float:
    """Run `fiu ARGS` in a subprocess; its wall seconds (a failure stops everything)."""
    start = time.perf_counter()
    log = Path(args[args.index("--out") + 1] + ".log") if "--out" in args else None
    with (log.open("w") if log else open(os.devnull, "w")) as handle:
        subprocess.run([sys.executable, "-m", "fiu.cli", *args], check=True,
                       stdout=handle, stderr=handle, env={**os.environ, "FIU_ID_KEY": KEY})
    return time.perf_counter() - start


def only_grown(before: dict[str, frozenset], after: dict[str, frozenset], seen: set[str]
               ) -> tuple[int, int]:
    """(clusters that only grew, of them those that kept their id)."""
    holder = {}
    for id_, refs in after.items():
        for r in refs:
            holder[r] = id_
    grew = kept = 0
    for old_id, refs in before.items():
        new_id = holder.get(next(iter(refs)))
        if new_id is None or not refs <= after[new_id]:
            continue
        if all(r not in seen for r in after[new_id] - refs):
            grew += 1
            kept += new_id == old_id
    return grew, kept


def explaining(history: list[dict]) -> tuple[set[str], set[str]]:
    """Ids whose name changes.jsonl accounts for: those with an event after their
    `new` or made `from` older ids (they kept or took a name the union would not give),
    and every id an event names (a union's id taken earlier by another entity)."""
    changed = {e["id"] for e in history if e["event"] != "new" or e.get("from")}
    named = set()
    for e in history:
        named.update([e["id"], *e.get("merged", []), *e.get("from", []), *e.get("into", [])])
    return changed, named


def compare(stream: dict[str, str], batch: dict[str, str], history: list[dict]
            ) -> dict[str, int]:
    """Stream against batch, per record: ids that differ; of them, records whose
    cluster differs (a model matter) and, in the same cluster, those whose difference
    changes.jsonl does not account for (`explaining`)."""
    changed, named = explaining(history)
    stream_groups = set(groups(stream).values())
    batch_groups = groups(batch)
    moved = {r for i, refs in batch_groups.items() if refs not in stream_groups for r in refs}
    differ = [r for r in stream if stream[r] != batch.get(r)]
    same_cluster = [r for r in differ if r not in moved]
    return {
        "records": len(stream), "ids_differ": len(differ),
        "records_in_another_cluster": len(moved),
        "ids_differ_same_cluster": len(same_cluster),
        "unexplained": sum(stream[r] not in changed and batch[r] not in named
                           for r in same_cluster),
    }


def union_folder(weeks: list[Path], target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for n, week in enumerate(weeks, start=1):
        for path in week.iterdir():
            if path.suffix == ".parquet":
                shutil.copy(path, target / f"{path.stem}-w{n:02d}{path.suffix}")
    shutil.copy(weeks[0] / "partners.yaml", target / "partners.yaml")
    return target


def seeded_state(model: dict, root: Path) -> Path:
    """A state holding only a frozen model, so that a run over the union decides as the
    stream does."""
    root.mkdir(parents=True, exist_ok=True)
    built = building(root)
    write_json(built / "model.json", model)
    write_json(built / "state.json", {"format": 1, "key_check": key_check(KEY), "runs": []})
    publish_version(root, built, "000000")
    return root


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def cpu_seconds() -> float:
    """CPU seconds of the finished child processes so far (user and system)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def retime(work: Path, rounds: int) -> list[dict]:
    """The first week on a new state and the last on a copy of the state before it,
    alternated `rounds` times in a folder a full run left: wall and CPU seconds and
    the load average, since on a shared machine the load moves both."""
    weeks = sorted((work / "weeks").iterdir())
    rows = []
    for n in range(rounds):
        for week, before in ((weeks[-1], work / "state-before-last"), (weeks[0], None)):
            state, out = work / "retime-state", work / "retime-out"
            shutil.rmtree(state, ignore_errors=True)
            if before is not None:
                shutil.copytree(before, state, symlinks=True)
            load, cpu = os.getloadavg()[0], cpu_seconds()
            wall = fiu("run", str(week), "--out", str(out), "--state", str(state))
            stages = json.loads((out / "manifest.json").read_text())["stages"]
            row = {"round": n + 1, "week": week.name, "wall_s": round(wall, 1),
                   "cpu_s": round(cpu_seconds() - cpu, 1),
                   "load": [round(load, 2), round(os.getloadavg()[0], 2)],
                   "stages": {k: v["busy_seconds"] for k, v in sorted(stages.items())
                              if "busy_seconds" in v}}
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=17.0, help="fiu generate --scale (17: 1M)")
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", default=str(HERE / ".work" / "weekly"))
    parser.add_argument("--results", help="write the figures here (JSON)")
    parser.add_argument("--retime", type=int, metavar="ROUNDS",
                        help="only time the first and last week again, in the folder a "
                             "full run of the same arguments left")
    args = parser.parse_args()
    work = Path(args.workdir) / f"scale-{args.scale}-seed-{args.seed}-weeks-{args.weeks}"
    if args.retime:
        rows = retime(work, args.retime)
        print(json.dumps(rows, indent=1))
        if args.results:
            write_json(args.results, rows)
        return 0
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "fiu.cli", "generate", str(work / "world"),
                    "--seed", str(args.seed), "--scale", str(args.scale),
                    "--truth", str(work / "truth.json")], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    weeks = split_into_weeks(work / "world", work / "weeks", args.weeks)
    print(f"world and weeks in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    state = work / "state"
    rows, seen = [], set()
    previous_entities = previous_cases = None
    for n, week in enumerate(weeks, start=1):
        if n == len(weeks):  # the state before the last week, for idempotence
            shutil.copytree(state, work / "state-before-last", symlinks=True)
        out = work / f"out-{n:02d}"
        wall = fiu("run", str(week), "--out", str(out), "--state", str(state))
        manifest = json.loads((out / "manifest.json").read_text())
        txns = manifest["counts"]["transactions"]["accepted"] if "transactions" in manifest[
            "counts"] else 0
        row = {"week": n, "wall_s": round(wall, 1), "transactions_this_week": txns,
               "records_held": manifest["state"]["records"]["held"],
               "changes": manifest["state"]["changes"],
               "packages": sum(manifest["packages"].values()),
               "packages_held_back": manifest["state"]["packages_held_back"],
               "drift": manifest["state"]["model"].get("refit_drift", {}).get(
                   "pairs_changing_decision")}
        now_entities, now_cases = groups(entity_of(out)), case_members(out)
        if previous_entities is not None:
            row["entities_only_grown"] = only_grown(previous_entities, now_entities, seen)
            row["cases_only_grown"] = only_grown(previous_cases, now_cases, seen)
        seen = set(open_state(state).seen()["ref"].to_pylist())
        previous_entities, previous_cases = now_entities, now_cases
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)

    last = work / f"out-{len(weeks):02d}"
    again = work / "out-last-again"
    fiu("run", str(weeks[-1]), "--out", str(again), "--state", str(work / "state-before-last"))
    identical = all((last / n).read_bytes() == (again / n).read_bytes()
                    for n in ("cases.jsonl", "entities.parquet", "changes.jsonl"))
    identical = identical and files(last / "packages") == files(again / "packages")

    union = union_folder(weeks, work / "union")
    current = open_state(state)
    history = current.changes()
    stream = entity_of(last)
    batch_results = {}
    for name, state_dir in (("same_model", seeded_state(current.model(), work / "state-seeded")),
                            ("own_fit", work / "state-fresh")):
        out = work / f"out-union-{name}"
        wall = fiu("run", str(union), "--out", str(out), "--state", str(state_dir))
        batch_results[name] = {"wall_s": round(wall, 1),
                               **compare(stream, entity_of(out), history)}
        print(name, json.dumps(batch_results[name]), file=sys.stderr, flush=True)

    grown = [r["entities_only_grown"] for r in rows[1:]]
    grown_cases = [r["cases_only_grown"] for r in rows[1:]]
    summary = {
        "scale": args.scale, "weeks": args.weeks, "seed": args.seed,
        "transactions": sum(r["transactions_this_week"] for r in rows),
        "runs": rows,
        "entities_only_grown_kept": [sum(g for g, _ in grown), sum(k for _, k in grown)],
        "cases_only_grown_kept": [sum(g for g, _ in grown_cases), sum(k for _, k in grown_cases)],
        "idempotent": identical,
        "stream_vs_batch": batch_results,
        "last_over_first": round(rows[-1]["wall_s"] / rows[0]["wall_s"], 2),
    }
    print(json.dumps({k: v for k, v in summary.items() if k != "runs"}, indent=1))
    if args.results:
        write_json(args.results, summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
