"""Detection's pass over a stored transaction history, timed on its own.

    python benchmarks/summaries.py --state STATE                 # CPU seconds per pass
    python benchmarks/summaries.py --state STATE --save A.pkl    # keep the summary
    python benchmarks/summaries.py --state STATE --against A.pkl # identical to a kept one?

The transactions a state folder holds (`fiu run --state`) are cut into record batches
and account buckets as `pipelines.detect` cuts them, and each bucket summarised with
`summarise_transactions` (features, flows, months, regions, payouts, sweeps) and the
parts merged: the work that grows with the history every weekly run. CPU seconds of
this process, so that a shared machine's load moves the figure less than wall time.
`--against` compares every frame of the summary exactly (`assert_frame_equal`), so
two versions of the code can be checked to give the same summaries.
"""
from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from fiu.detect.cases import (
    combine_summaries,
    concat_batches,
    split_by_account_bucket,
    summarise_transactions,
)
from fiu.state.store import open_state

FRAMES = ("features", "flows", "months", "regions", "payouts", "sweeps")


def buckets_of(state: Path, buckets: int, rows: int = 50_000) -> list:
    """The stored transactions as the pipeline's buckets (one table each)."""
    path = open_state(state).path("records/transactions.parquet")
    if path is None:
        raise SystemExit(f"{state}: no stored transactions")
    groups: dict[int, list] = {}
    for batch in pq.read_table(path).to_batches(max_chunksize=rows):
        for k, part in split_by_account_bucket(batch, buckets):
            groups.setdefault(k, []).append(part)
    return [concat_batches(parts) for _, parts in sorted(groups.items())]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", required=True, help="a state folder of `fiu run --state`")
    parser.add_argument("--buckets", type=int, default=16, help="as DetectCases' default")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--save", help="pickle the merged summary here")
    parser.add_argument("--against", help="a pickled summary the result must equal exactly")
    args = parser.parse_args()
    parts = buckets_of(Path(args.state), args.buckets)
    print(f"{sum(p.num_rows for p in parts)} transactions in {len(parts)} buckets")
    for n in range(args.repeat):
        start = time.process_time()
        summary = combine_summaries(summarise_transactions(p) for p in parts)
        print(f"pass {n + 1}: {time.process_time() - start:.2f} CPU s", flush=True)
    if args.save:
        Path(args.save).write_bytes(pickle.dumps(summary))
    if args.against:
        kept = pickle.loads(Path(args.against).read_bytes())
        for name in FRAMES:
            pd.testing.assert_frame_equal(getattr(summary, name), getattr(kept, name),
                                          check_exact=True)
        assert summary.count == kept.count
        print(f"identical to {args.against}: {', '.join(FRAMES)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
