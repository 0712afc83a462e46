"""Validation benchmark: transaction rows per second through de-duplication and Great
Expectations, against a plain pyarrow read of the same files in the same run.

    python benchmarks/validation.py                     # scale 5 (≈300k transactions)
    python benchmarks/validation.py --scale 1 --repeat 1
    python benchmarks/validation.py --world /tmp/world  # an existing `fiu generate` folder
    python benchmarks/validation.py --profile           # and cProfile's view of one pass

Everything runs in one process with pyarrow limited to one thread, so the figures are
per core. Each timing is the best of `--repeat` passes (other processes on the machine
only ever make a pass slower). Three timings, all over the transactions files only:

- plain read: `pyarrow.csv.read_csv`, `pyarrow.json.read_json`, `pyarrow.parquet.read_table`
  with no conversion, the floor any reader pays;
- fiu read: `fiu.io.readers.read_file` (raw string batches with `_file`, `_row`);
- validation: run-wide de-duplication plus `BatchValidator.split` of every batch: GX
  over every row, cast to contract types, quarantine lines.
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.json as pjson
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fiu.contract import TRANSACTIONS  # noqa: E402
from fiu.io.inputs import list_inputs  # noqa: E402
from fiu.io.readers import BATCH_ROWS, read_file  # noqa: E402
from fiu.validate.split import BatchValidator  # noqa: E402
from fiu.validate.suites import load_suites, unique_key  # noqa: E402
from fiu.validate.unique import drop_repeats, key_table, repeated_rows  # noqa: E402

TARGET_ROWS_PER_SECOND = 300_000
TARGET_RATIO = 3.0


def plain_read(files) -> int:
    rows = 0
    for source in files:
        if source.format == "csv":
            table = pcsv.read_csv(source.path, read_options=pcsv.ReadOptions(use_threads=False))
        elif source.format == "jsonl":
            table = pjson.read_json(source.path, read_options=pjson.ReadOptions(use_threads=False))
        else:
            table = pq.read_table(source.path, use_threads=False)
        rows += table.num_rows
    return rows


def fiu_read(files) -> tuple[list[pa.RecordBatch], int]:
    batches, broken = [], 0
    for source in files:
        result = read_file(source)
        batches += result.batches
        broken += len(result.broken)
    return batches, broken


def validate(validator: BatchValidator, batches: list[pa.RecordBatch]) -> tuple[int, int]:
    key = unique_key(load_suites()[TRANSACTIONS])
    repeats = repeated_rows(pa.concat_tables([key_table(b, key) for b in batches]))
    accepted = quarantined = 0
    for batch in batches:
        batch, repeated = drop_repeats(TRANSACTIONS, batch, repeats, key)
        typed, lines = validator.split(TRANSACTIONS, batch)
        accepted += typed.num_rows
        quarantined += len(repeated) + len(lines)
    return accepted, quarantined


def best_of(repeat: int, work):
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = work()
        times.append(time.perf_counter() - start)
    return min(times), value


def print_profile(work, lines: int = 30) -> None:
    """cProfile of one pass by own time, on stderr: where the time goes, not only how much."""
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.runcall(work)
    pstats.Stats(profile, stream=sys.stderr).sort_stats("tottime").print_stats(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--world", help="an existing input folder (default: generate one)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--profile", action="store_true",
                        help="also print the functions that take the most time in one pass")
    args = parser.parse_args(argv)
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    with tempfile.TemporaryDirectory() as scratch:
        world = Path(args.world) if args.world else Path(scratch) / "world"
        if not args.world:
            from fiu.generate import generate_world

            generate_world(world, seed=args.seed, scale=args.scale,
                           truth_path=Path(scratch) / "truth.json")
        files = [f for f in list_inputs(world) if f.kind == TRANSACTIONS]
        validator = BatchValidator(load_suites())
        plain_s, plain_rows = best_of(args.repeat, lambda: plain_read(files))
        read_s, (batches, broken) = best_of(args.repeat, lambda: fiu_read(files))
        validator.split(TRANSACTIONS, batches[0].slice(0, 10))  # first-call set-up
        validate_s, (accepted, quarantined) = best_of(
            args.repeat, lambda: validate(validator, batches)
        )
        if args.profile:
            print_profile(lambda: validate(validator, batches))
    rows = sum(b.num_rows for b in batches) + broken
    assert rows == plain_rows, (rows, plain_rows)
    assert rows == accepted + quarantined + broken, "rows lost in validation"
    figures = {
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "files": [f"{f.name} ({f.format})" for f in files],
        "rows": rows,
        "batches": len(batches),
        "batch_rows": BATCH_ROWS,
        "accepted": accepted,
        "quarantined": quarantined + broken,
        "plain_read_s": round(plain_s, 3),
        "fiu_read_s": round(read_s, 3),
        "validation_s": round(validate_s, 3),
        "validation_rows_per_s": round(rows / validate_s),
        "validation_vs_plain_read": round(validate_s / plain_s, 2),
        "read_and_validation_vs_plain_read": round((read_s + validate_s) / plain_s, 2),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"{rows} transaction rows in {len(batches)} batches (at most {BATCH_ROWS:,} rows)"
              f" from {len(files)} files;"
              f" {accepted} accepted, {quarantined + broken} quarantined")
        print(f"plain pyarrow read   {plain_s:8.3f} s  {rows / plain_s:>12,.0f} rows/s")
        print(f"fiu read             {read_s:8.3f} s  {rows / read_s:>12,.0f} rows/s")
        print(f"validation           {validate_s:8.3f} s  {rows / validate_s:>12,.0f} rows/s"
              f"  (target ≥ {TARGET_ROWS_PER_SECOND:,})")
        print(f"validation / plain read      {validate_s / plain_s:6.2f}×  (target ≤ {TARGET_RATIO}×)")
        print(f"(read + validation) / plain  {(read_s + validate_s) / plain_s:6.2f}×")
    return figures


if __name__ == "__main__":
    main()
