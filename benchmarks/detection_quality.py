"""Detection quality: generate → run (Beam) → evaluate, for a list of seeds; prints network
recall and case precision overall and per typology, and look-alikes that became cases.

    python benchmarks/detection_quality.py --seeds 1001 1002 1003      # the reported figures
    python benchmarks/detection_quality.py --seeds 3 5 --json out.json  # development seeds

Seeds from 1000 up are kept for reporting: never tune on them. The figures are
`fiu evaluate`'s (fiu/evaluate.py), summed over the seeds: a case counts towards a
typology's precision when the case names that typology, and is right when at least half
of its records belong to one planted network of that typology.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fiu.config import RunConfig  # noqa: E402
from fiu.evaluate import evaluate  # noqa: E402
from fiu.generate import generate_world  # noqa: E402
from fiu.pipelines.run import run  # noqa: E402


def typology_counts(per_typology: dict[str, dict]) -> Counter:
    """`fiu evaluate`'s per-typology figures as counts that add up across seeds:
    `networks:<t>` planted, `found:<t>` found, `cases:<t>` named it, `true:<t>` right."""
    counts: Counter = Counter()
    for typ, t in per_typology.items():
        counts.update({f"networks:{typ}": t["networks"], f"found:{typ}": t["found"],
                       f"cases:{typ}": t["cases"], f"true:{typ}": t["true_cases"]})
    return +counts


def one_seed(seed: int, scale: float, workdir: Path, threshold: float, wide: bool = False) -> dict:
    world, out, truth = workdir / f"world-{seed}", workdir / f"out-{seed}", workdir / f"truth-{seed}.json"
    clock = time.perf_counter()
    generate_world(world, seed=seed, scale=scale, truth_path=truth, wide=wide)
    run(RunConfig(input_dir=str(world), out_dir=str(out), threshold=threshold), [])
    report = evaluate(out, truth)
    det = report["networks"]
    return {
        "seed": seed,
        "seconds": round(time.perf_counter() - clock, 1),
        "counts": dict(typology_counts(det["per_typology"])),
        "networks": det.get("networks"), "found": det.get("found"),
        "cases": det.get("cases"), "true_cases": det.get("true_cases"),
        "lookalikes_in_cases": report.get("lookalikes_in_cases", {}),
        "leaks": report["leaks"]["leaks"],
        "leaks_by_kind": report["leaks"].get("by_kind", {}),
        "packages": report["leaks"]["packages_checked"],
        "packages_without_subjects": report["packages"]["without_subjects"],
        "cases_without_package": report["packages"]["cases_without_package"],
        "core_named": report["packages"]["core_named"],
        "outsiders_named": report["packages"]["outsiders_named"],
        "model_note": json.loads((out / "manifest.json").read_text("utf-8")).get(
            "detection", {}).get("model_note"),
    }


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f} ({a}/{b})" if b else "n/a"


def summary_text(results: list[dict]) -> str:
    total: Counter = Counter()
    for r in results:
        total.update(r["counts"])
    typologies = sorted({k.split(":", 1)[1] for k in total if k.startswith(("networks:", "cases:"))})
    lines = [f"{'typology':30} {'network recall':>18} {'case precision':>18}"]
    for typ in typologies:
        lines.append(f"{typ:30} {_ratio(total[f'found:{typ}'], total[f'networks:{typ}']):>18} "
                     f"{_ratio(total[f'true:{typ}'], total[f'cases:{typ}']):>18}")
    found = sum(r["found"] or 0 for r in results)
    nets = sum(r["networks"] or 0 for r in results)
    true = sum(r["true_cases"] or 0 for r in results)
    cases = sum(r["cases"] or 0 for r in results)
    lines.append(f"{'overall':30} {_ratio(found, nets):>18} {_ratio(true, cases):>18}")
    looks: Counter = Counter()
    for r in results:
        looks.update(r["lookalikes_in_cases"])
    lines.append(f"look-alikes in cases: {dict(looks) or 'none'}")
    core: Counter = Counter()
    lowest: dict[str, float] = {}
    lowest_found: dict[str, float] = {}
    for r in results:
        for typ, c in r["core_named"].items():
            core.update({f"named:{typ}": c["named"], f"core:{typ}": c["core"]})
            lowest[typ] = min(lowest.get(typ, 1.0), c["lowest"])
            if c.get("lowest_found") is not None:
                lowest_found[typ] = min(lowest_found.get(typ, 1.0), c["lowest_found"])
    for typ in sorted(lowest):
        lines.append(f"core named as a subject  {typ:30} {_ratio(core[f'named:{typ}'], core[f'core:{typ}']):>18}"
                     f"   lowest network {lowest[typ]:.3f}, of those found "
                     f"{lowest_found.get(typ, float('nan')):.3f}")
    leaks: Counter = Counter()
    for r in results:
        leaks.update(r["leaks_by_kind"])
    lines.append(f"packages {sum(r['packages'] for r in results)}, "
                 f"without a subject {sum(r['packages_without_subjects'] for r in results)}, "
                 f"cases with no package {sum(r['cases_without_package'] for r in results)}, "
                 f"leaks {sum(r['leaks'] for r in results)} {dict(leaks) or ''}".rstrip())
    outsiders = [f"{r['seed']}:{e}" for r in results for e in r["outsiders_named"]]
    lines.append(f"parties of no planted network named as a subject: {len(outsiders)}"
                 + (f" ({', '.join(outsiders)})" if outsiders else ""))
    for r in results:
        lines.append(f"seed {r['seed']}: recall {_ratio(r['found'] or 0, r['networks'] or 0)}, "
                     f"precision {_ratio(r['true_cases'] or 0, r['cases'] or 0)}, "
                     f"{r['seconds']} s" + (f"; {r['model_note']}" if r["model_note"] else ""))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[3, 5])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--workdir", help="keep worlds and outputs here (default: a temp dir)")
    parser.add_argument("--json", help="also write the per-seed results as JSON")
    parser.add_argument("--wide", action="store_true",
                        help="worlds with per-network parameters from wide ranges")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="fiu-quality-") as tmp:
        workdir = Path(args.workdir or tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        results = [one_seed(s, args.scale, workdir, args.threshold, args.wide) for s in args.seeds]
    print(summary_text(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
