"""A world's input folder cut into weekly deliveries, for weekly runs (`--state`).

Transactions go to the week of their timestamp and open-source records to the week of
`observed_on`, over equal slices of the transactions' time span; an account arrives
with the week of its first transaction (week 1 when it has none), as a partner shares
an account when it first reports on it. Labels stay out: they are outcomes, not a
partner's delivery. Each week's files keep their source file's stem, written as Parquet.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..contract import ACCOUNTS, FILE, LABELS, OSINT, ROW, TRANSACTIONS
from ..io.inputs import list_inputs
from ..io.readers import read_batches


def _table(source) -> pa.Table:
    batches = list(read_batches(source))
    return pa.Table.from_batches(batches).drop_columns([FILE, ROW])


def _days(values: pa.ChunkedArray) -> np.ndarray:
    """Days since the epoch of ISO date or date-time strings (NaN when missing)."""
    text = pc.utf8_slice_codeunits(pc.fill_null(values, ""), 0, 10)
    days = np.full(len(text), np.nan)
    good = pc.match_substring_regex(text, r"^\d{4}-\d{2}-\d{2}$").to_numpy(zero_copy_only=False)
    if good.any():
        dates = pc.strptime(pc.filter(text, pa.array(good)), format="%Y-%m-%d", unit="s",
                             error_is_null=True)
        parsed = dates.cast(pa.int64()).to_numpy(zero_copy_only=False).astype(float)
        days[good] = parsed / 86400.0
    return days


def split_into_weeks(world: str | Path, out_root: str | Path, weeks: int) -> list[Path]:
    """`out_root/week-01` … `week-NN`: the world's records cut into `weeks` deliveries."""
    world, out_root = Path(world), Path(out_root)
    sources = [s for s in list_inputs(world) if s.kind != LABELS]
    tables = {s: _table(s) for s in sources}
    txn_days = np.concatenate(
        [_days(t["timestamp"]) for s, t in tables.items() if s.kind == TRANSACTIONS]
    )
    start, end = np.nanmin(txn_days), np.nanmax(txn_days) + 1e-6
    width = (end - start) / weeks

    def week_of(days: np.ndarray) -> np.ndarray:
        w = np.floor((days - start) / width)
        return np.clip(np.nan_to_num(w, nan=0.0), 0, weeks - 1).astype(int)

    first_week: dict[str, int] = {}
    for s, t in tables.items():
        if s.kind == TRANSACTIONS:
            keys = pc.binary_join_element_wise(t["partner_id"], t["account_id"], ":").to_pylist()
            for key, w in zip(keys, week_of(_days(t["timestamp"])).tolist()):
                if w < first_week.get(key, weeks):
                    first_week[key] = w
    folders = [out_root / f"week-{w + 1:02d}" for w in range(weeks)]
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        for extra in ("partners.yaml",):
            if (world / extra).exists():
                shutil.copy(world / extra, folder / extra)
    for s, t in sorted(tables.items(), key=lambda kv: kv[0].name):
        if s.kind == TRANSACTIONS:
            week = week_of(_days(t["timestamp"]))
        elif s.kind == OSINT:
            week = week_of(_days(t["observed_on"]))
        elif s.kind == ACCOUNTS:
            keys = pc.binary_join_element_wise(t["partner_id"], t["account_id"], ":").to_pylist()
            week = np.array([first_week.get(k, 0) for k in keys], dtype=int)
        else:
            week = np.zeros(t.num_rows, dtype=int)
        for w, folder in enumerate(folders):
            part = t.filter(pa.array(week == w))
            if part.num_rows:
                pq.write_table(part, folder / f"{Path(s.name).stem}.parquet")
    return folders
