"""Whole-pipeline scaling benchmark: `fiu run` on Beam's DirectRunner, in one process and
with 2 worker processes, against a single-process reference of the same stages
(`reference.py`), on generated worlds of about 100k, 1M and 5M transactions.

    python benchmarks/scale.py --plot docs/scaling.svg           # all three sizes
    python benchmarks/scale.py --sizes 100k                     # one size, no plot
    python benchmarks/scale.py --sizes 100k --configs reference beam-in-memory
    python benchmarks/scale.py --from-results A.json B.json --plot x.svg   # report again

Worlds are made once with `fiu generate` (seed 7) and kept under `--workdir`. Every
configuration runs in its own subprocess, one at a time. Wall time is the subprocess's,
from interpreter start to exit. Peak memory is the largest of: the child's max RSS
(`os.wait4`), the summed proportional set size (PSS: shared pages split between the
processes sharing them) of its process tree sampled every 0.1 s (Beam's worker
processes are grandchildren, whose peaks wait4 does not add), and for the reference
its per-stage high-water marks. Per stage, the reference gives wall seconds
and peak memory; Beam gives only its stage timers' busy seconds (`manifest.json`,
summed over workers), which leave out shuffles, pickling, the GX set-up and the untimed
steps: "outside stage timers" is the rest of the wall time.

After each run the outputs are held to the reference's: cases.jsonl, entities.parquet,
quarantine files and every package file byte for byte, and the manifests' counts,
resolution and detection sections. A difference is reported and makes the exit status 1.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
SEED = 7
# `fiu generate --scale` giving about 100k, 1M and 5M transactions.
SIZES = {"100k": 1.7, "1m": 17.0, "5m": 86.0}
REFERENCE = "reference"
CONFIGS = {
    REFERENCE: [],
    # fiu's default: Beam's bundle-based direct runner, which hands record batches from
    # step to step without encoding them.
    "beam-bundle": ["--runner", "BundleBasedDirectRunner"],
    # Beam's DirectRunner (the portable FnApiRunner), in one process and in two.
    "beam-in-memory": ["--runner", "DirectRunner", "--direct_running_mode=in_memory"],
    "beam-2-procs": ["--runner", "DirectRunner", "--direct_running_mode=multi_processing",
                     "--direct_num_workers=2"],
}
SAMPLE_SECONDS = 0.1
# The reference's stages in the order they run (reference.py); Beam's timers cover some.
STAGE_ORDER = ("Setup", "ReadInputs", "ValidatorSetup", "ValidateRows", "Normalise",
               "ResolveEntities", "DetectCases", "EnrichCases", "AssemblePackages", "WriteReports")
# Rows a stage works through, from the manifest's counts; rows/s is these over its seconds.
STAGE_ROWS = {
    "ReadInputs": "read",
    "ValidateRows": "read",
    "Normalise": "parties",
    "ResolveEntities": "parties",
    "DetectCases": "transactions",
    "EnrichCases": "transactions",
    "AssemblePackages": "packages",
}
E2E = "end to end"
OUTSIDE = "outside stage timers"


# -- worlds ------------------------------------------------------------------------

def world(workdir: Path, size: str, seed: int) -> Path:
    """The input folder of one size, generated once per version of the generator's code
    (the truth file, written last, marks it complete)."""
    name = f"world-{size}-{seed}-{generator_digest()}"
    folder, truth = workdir / name, workdir / f"{name}.truth.json"
    if not truth.exists():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"generating {folder} (scale {SIZES[size]})", file=sys.stderr, flush=True)
        subprocess.run([*fiu_command(), "generate", "--seed", str(seed), "--scale",
                        str(SIZES[size]), "--truth", str(truth), str(folder)], check=True)
    return folder


def generator_digest() -> str:
    """8 hex digits of the `fiu.generate` sources: a changed generator makes new worlds."""
    digest = hashlib.sha256()
    for path in sorted((HERE.parent / "fiu" / "generate").rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


def fiu_command() -> list[str]:
    return [sys.executable, "-m", "fiu.cli"]


def config_command(config: str, input_dir: Path, out_dir: Path) -> list[str]:
    if config == REFERENCE:
        return [sys.executable, str(HERE / "reference.py"), str(input_dir), "--out", str(out_dir)]
    return [*fiu_command(), "run", str(input_dir), "--out", str(out_dir), *CONFIGS[config]]


# -- one measured run ----------------------------------------------------------------

@dataclass
class Measured:
    wall_seconds: float
    peak_mb: int
    exit_code: int
    load_before: float
    load_after: float


def tree_pss(pid: int) -> int:
    """Proportional resident bytes of a process and all its descendants (0 once gone)."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_full_info().pss
        except psutil.Error:
            pass
    return total


def run_measured(command: list[str], stdout_path: Path, log_path: Path) -> Measured:
    """Run a command to its end, sampling its process tree's memory as it goes."""
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    with stdout_path.open("w") as out, log_path.open("w") as log:
        child = subprocess.Popen(command, stdout=out, stderr=log)
        peak = 0
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, tree_pss(child.pid))
            time.sleep(SAMPLE_SECONDS)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in KiB on Linux.
    peak_mb = max(peak // 2**20, usage.ru_maxrss // 1024)
    return Measured(round(wall, 2), int(peak_mb), child.returncode, load_before, os.getloadavg()[0])


def measure(config: str, input_dir: Path, out_dir: Path) -> dict:
    """One configuration on one world: wall, peak memory, per-stage seconds and rows."""
    shutil.rmtree(out_dir, ignore_errors=True)
    stdout_path, log_path = out_dir.with_suffix(".stdout"), out_dir.with_suffix(".log")
    print(f"{config}: {' '.join(config_command(config, input_dir, out_dir))}", file=sys.stderr, flush=True)
    measured = run_measured(config_command(config, input_dir, out_dir), stdout_path, log_path)
    if measured.exit_code != 0:
        raise SystemExit(f"{config} failed (exit {measured.exit_code}); see {log_path}")
    manifest = json.loads((out_dir / "manifest.json").read_text())
    if config == REFERENCE:
        inner = json.loads(stdout_path.read_text().strip().splitlines()[-1])
        stages = inner["stages"]
        peak_mb = max(measured.peak_mb, inner["peak_mb"])
    else:
        stages = {name: {"seconds": entry["busy_seconds"]}
                  for name, entry in manifest["stages"].items() if name != "total"}
        peak_mb = measured.peak_mb
    return {"config": config, **asdict(measured), "peak_mb": peak_mb, "stages": stages,
            "rows": stage_rows(manifest)}


def stage_rows(manifest: dict) -> dict[str, int]:
    counts = manifest["counts"]
    return {
        "read": sum(c["read"] for c in counts.values()),
        "parties": counts["accounts"]["accepted"] + counts["osint"]["accepted"],
        "transactions": counts["transactions"]["accepted"],
        "transactions_read": counts["transactions"]["read"],
        "packages": sum(manifest["packages"].values()),
        "entities": manifest["resolution"]["clusters"]["entities"],
        "cases": manifest["detection"]["cases"],
    }


# -- same outputs --------------------------------------------------------------------

def file_digests(folder: Path) -> dict[str, str]:
    """{path relative to folder: sha256} of every file under it."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def same_outputs(out: Path, reference: Path) -> dict[str, bool]:
    """Which of a run's outputs equal the reference's. The validation report is left
    out: GX stamps the wall-clock time into its pages."""
    import pyarrow.parquet as pq

    def manifest(folder: Path) -> dict:
        return json.loads((folder / "manifest.json").read_text())

    mine, theirs = manifest(out), manifest(reference)
    return {
        "cases.jsonl": (out / "cases.jsonl").read_bytes() == (reference / "cases.jsonl").read_bytes(),
        "entities": pq.read_table(out / "entities.parquet").equals(pq.read_table(reference / "entities.parquet")),
        "entity_edges": pq.read_table(out / "entity_edges.parquet").equals(
            pq.read_table(reference / "entity_edges.parquet")),
        "packages": file_digests(out / "packages") == file_digests(reference / "packages"),
        "quarantine": file_digests(out / "quarantine") == file_digests(reference / "quarantine"),
        "manifest": all(mine[k] == theirs[k] for k in
                        ("run_id", "generated_at", "counts", "resolution", "detection", "packages")),
    }


# -- the whole benchmark -------------------------------------------------------------

def run_size(size: str, configs: list[str], workdir: Path, seed: int) -> list[dict]:
    """Every configuration on one world; the reference first, as the others' yardstick."""
    input_dir = world(workdir, size, seed)
    results = []
    for config in sorted(configs, key=lambda c: c != REFERENCE):
        out_dir = workdir / f"out-{size}-{seed}-{config}"
        result = {"size": size, **measure(config, input_dir, out_dir)}
        reference_out = workdir / f"out-{size}-{seed}-{REFERENCE}"
        if config != REFERENCE and (REFERENCE in configs or reference_out.is_dir()):
            result["same_as_reference"] = same_outputs(out_dir, reference_out)
        results.append(result)
        print(json.dumps({k: v for k, v in result.items() if k != "stages"}), file=sys.stderr, flush=True)
    return results


def machine() -> dict:
    """Where the figures come from."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    import apache_beam

    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(), "beam": apache_beam.__version__,
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
    }


# -- reporting -----------------------------------------------------------------------

def stage_lines(result: dict, reference: dict | None) -> list[list[str]]:
    """Table cells per stage of one run, then time outside the stage timers, then end to end."""
    lines = []
    reference_stages = (reference or {}).get("stages", {})
    for stage in sorted({*result["stages"], *reference_stages}, key=_stage_rank):
        entry = result["stages"].get(stage)
        if entry is None:
            lines.append([stage, "untimed", "", "", ""])
            continue
        seconds = entry["seconds"]
        rows = result["rows"].get(STAGE_ROWS.get(stage, ""), 0)
        theirs = reference_stages.get(stage, {}).get("seconds")
        lines.append([stage, _seconds(seconds), _rate(rows, seconds), _mb(entry.get("peak_mb")),
                      _ratio(seconds, theirs, result, reference)])
    outside = result["wall_seconds"] - sum(e["seconds"] for e in result["stages"].values())
    ref_outside = (reference["wall_seconds"] - sum(e["seconds"] for e in reference["stages"].values())
                   if reference else None)
    if outside > 0:
        lines.append([OUTSIDE, _seconds(outside), "", "", _ratio(outside, ref_outside, result, reference)])
    lines.append([f"**{E2E}**", f"**{_seconds(result['wall_seconds'])}**",
                  _rate(result["rows"]["transactions_read"], result["wall_seconds"]),
                  _mb(result["peak_mb"]),
                  _ratio(result["wall_seconds"], reference and reference["wall_seconds"], result, reference)])
    return lines


def _stage_rank(stage: str) -> int:
    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else len(STAGE_ORDER)


def _seconds(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def _rate(rows: int, seconds: float) -> str:
    if not rows or seconds <= 0:
        return ""
    rate = rows / seconds
    return f"{rate / 1e6:.2f} M" if rate >= 1e6 else f"{rate / 1e3:.0f} k" if rate >= 1e3 else f"{rate:.0f}"


def _mb(value: int | None) -> str:
    return "" if value is None else str(value)


def _ratio(seconds: float, reference_seconds: float | None, result: dict, reference: dict | None) -> str:
    if reference is None or result is reference or not reference_seconds:
        return ""
    return f"{seconds / reference_seconds:.2f}"


def markdown(results: list[dict]) -> str:
    """The per-stage table, then the table of outputs against the reference."""
    header = ["size", "config", "stage", "wall s", "rows/s", "peak MB", "Beam / reference"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for result in results:
        reference = _reference_of(result, results)
        for cells in stage_lines(result, reference):
            lines.append("| " + " | ".join([result["size"], result["config"], *cells]) + " |")
    lines += ["", "| size | config | entities | cases | packages | same outputs as reference |",
              "|---|---|---|---|---|---|"]
    for result in results:
        same = result.get("same_as_reference")
        if result["config"] == REFERENCE:
            verdict = "(is the reference)"
        elif same is None:
            verdict = "not compared"
        else:
            verdict = ("yes: " + ", ".join(same) if all(same.values())
                       else "**no**: " + ", ".join(k for k, ok in same.items() if not ok))
        rows = result["rows"]
        lines.append(f"| {result['size']} | {result['config']} | {rows['entities']} | {rows['cases']} "
                     f"| {rows['packages']} | {verdict} |")
    return "\n".join(lines)


def _reference_of(result: dict, results: list[dict]) -> dict | None:
    return next((r for r in results if r["size"] == result["size"] and r["config"] == REFERENCE), None)


def targets(results: list[dict]) -> list[str]:
    """The issue's targets, each with what was measured."""
    notes = []
    for result in results:
        rows = result["rows"]["transactions_read"]
        per_million = result["wall_seconds"] / rows * 1e6
        notes.append(f"{result['size']} {result['config']}: {per_million:.1f} s per million transactions, "
                     f"peak {result['peak_mb']} MB")
        reference = _reference_of(result, results)
        if reference and result is not reference:
            notes[-1] += f", {result['wall_seconds'] / reference['wall_seconds']:.2f}× the reference"
    return notes


def plot_svg(results: list[dict]) -> str:
    """End-to-end seconds against transactions, one line per configuration, as SVG."""
    width, height, left, bottom, top, right = 640, 400, 70, 50, 30, 170
    series: dict[str, list[tuple[int, float]]] = {}
    for result in results:
        series.setdefault(result["config"], []).append(
            (result["rows"]["transactions_read"], result["wall_seconds"]))
    max_x = max(x for points in series.values() for x, _ in points) * 1.05
    max_y = max(y for points in series.values() for _, y in points) * 1.1

    def px(x: float, y: float) -> tuple[float, float]:
        return (left + x / max_x * (width - left - right),
                height - bottom - y / max_y * (height - bottom - top))

    colours = {"reference": "#1b9e77", "beam-bundle": "#e7298a", "beam-in-memory": "#d95f02",
               "beam-2-procs": "#7570b3"}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'font-family="sans-serif" font-size="12">',
             f'<rect width="{width}" height="{height}" fill="white"/>',
             f'<text x="{left}" y="18" font-size="14">fiu run, end to end: wall seconds against transactions</text>']
    parts += _axes(px, max_x, max_y, width - right, height - bottom, left, top)
    for i, (config, points) in enumerate(sorted(series.items())):
        colour = colours.get(config, "#333")
        coords = " ".join(f"{a:.1f},{b:.1f}" for a, b in (px(x, y) for x, y in sorted(points)))
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts += [f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3.5" fill="{colour}"/>'
                  for a, b in (px(x, y) for x, y in points)]
        y = top + 20 + 22 * i
        parts.append(f'<line x1="{width - right + 15}" y1="{y}" x2="{width - right + 40}" y2="{y}" '
                     f'stroke="{colour}" stroke-width="2"/>')
        parts.append(f'<text x="{width - right + 46}" y="{y + 4}">{config}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _axes(px, max_x: float, max_y: float, x_end: float, y_base: float, left: float, top: float) -> list[str]:
    parts = [f'<line x1="{left}" y1="{y_base}" x2="{x_end}" y2="{y_base}" stroke="black"/>',
             f'<line x1="{left}" y1="{y_base}" x2="{left}" y2="{top}" stroke="black"/>',
             f'<text x="{(left + x_end) / 2:.0f}" y="{y_base + 38}" text-anchor="middle">transactions (millions)</text>',
             f'<text x="18" y="{(top + y_base) / 2:.0f}" transform="rotate(-90 18 {(top + y_base) / 2:.0f})" '
             f'text-anchor="middle">seconds</text>']
    for value in _ticks(max_x):
        x, _ = px(value, 0)
        parts.append(f'<line x1="{x:.1f}" y1="{y_base}" x2="{x:.1f}" y2="{y_base + 5}" stroke="black"/>')
        parts.append(f'<text x="{x:.1f}" y="{y_base + 18}" text-anchor="middle">{value / 1e6:g}</text>')
    for value in _ticks(max_y):
        _, y = px(0, value)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{x_end}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{value:g}</text>')
    return parts


def _ticks(maximum: float) -> list[float]:
    """About five round tick values from 0 to below `maximum`."""
    raw = maximum / 5
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [i * step for i in range(int(maximum // step) + 1)]


def measure_all(args: argparse.Namespace) -> dict:
    """Every size and configuration asked for, saved as JSON as well."""
    args.workdir.mkdir(parents=True, exist_ok=True)
    machine_before = machine()
    results = [r for size in args.sizes for r in run_size(size, args.configs, args.workdir, args.seed)]
    report = {"machine": machine_before, "seed": args.seed, "results": results}
    (args.results or args.workdir / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES), default=list(SIZES))
    parser.add_argument("--configs", nargs="+", choices=list(CONFIGS), default=list(CONFIGS))
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/fiu-scale"),
                        help="generated worlds (kept) and each run's outputs")
    parser.add_argument("--results", type=Path, help="JSON results (default WORKDIR/results.json)")
    parser.add_argument("--plot", type=Path, help="write the time-against-size plot here (SVG)")
    parser.add_argument("--from-results", type=Path, nargs="+", metavar="JSON",
                        help="report saved results (of one machine) again instead of running")
    args = parser.parse_args(argv)
    if args.from_results:
        saved = [json.loads(path.read_text()) for path in args.from_results]
        report = {**saved[0], "results": [r for one in saved for r in one["results"]]}
    else:
        report = measure_all(args)
    results = report["results"]
    print(json.dumps(report["machine"]))
    loads = [load for r in results for load in (r["load_before"], r["load_after"])]
    print(f"load average (1 min) before and after the runs: {min(loads):.2f}–{max(loads):.2f}\n")
    print(markdown(results))
    print("\n" + "\n".join(targets(results)))
    if args.plot:
        args.plot.write_text(plot_svg(results))
    differing = [f"{r['size']} {r['config']}" for r in results
                 if not all(r.get("same_as_reference", {}).values())]
    if differing:
        raise SystemExit(f"outputs differ from the reference: {', '.join(differing)}")


if __name__ == "__main__":
    main()
