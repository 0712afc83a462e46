"""Invalid rows: about 0.5 % extra rows in every file, each broken in exactly one way.

A bad row is a copy of a benign row of the same file with a fresh key (so it collides
with nothing) and one column broken; a duplicate keeps the key of its original and
is placed after it, so the later row is the invalid one. Real records are never
removed or changed. Each bad row is reported with its file, 1-based data row, column
and reason, as the ground truth's `invalid_rows`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from ..contract import ACCOUNTS, LABELS, OSINT, TRANSACTIONS, required_columns

RATE = 0.005


@dataclass(frozen=True)
class Breakage:
    """One way to break a row: the column it breaks and the bad values to use."""

    error: str
    column: str
    reason: str
    values: tuple[Any, ...] = (None,)


def _breakages(kind: str) -> list[Breakage]:
    out = [
        Breakage("missing", col, f"missing required {col}")
        for col in required_columns(kind)
    ]
    if kind == TRANSACTIONS:
        out += [
            Breakage(
                "bad_enum",
                "direction",
                "direction not one of in, out",
                ("incoming", "credit", "debit", "both"),
            ),
            Breakage(
                "bad_enum",
                "channel",
                "channel not a contract channel",
                ("venmo", "zelle", "atm", "bitcoin", "pos"),
            ),
            Breakage("negative_amount", "amount", "amount not > 0", ("-",)),
            Breakage("zero_amount", "amount", "amount not > 0", ("0.00", "0")),
            Breakage(
                "non_numeric_amount",
                "amount",
                "amount not a number",
                ("N/A", "twelve", "1.2.3", "12,50,00", "$$"),
            ),
            Breakage(
                "bad_currency",
                "currency",
                "currency not an ISO 4217 code",
                ("US$", "DOLLAR", "XYZ", "U$D", "DLR"),
            ),
            Breakage(
                "bad_country",
                "country",
                "country not an ISO 3166-1 alpha-2 code",
                ("USA", "U.S.", "United States", "ZZZ"),
            ),
            Breakage(
                "bad_timestamp",
                "timestamp",
                "timestamp not an ISO 8601 date-time",
                (
                    "2026-02-30T10:00:00-06:00",
                    "2026-13-01T09:00:00-05:00",
                    "03/04/2026 11:15 PM",
                    "yesterday",
                    "2026-03-04T25:61:00-06:00",
                ),
            ),
            Breakage(
                "timestamp_without_offset",
                "timestamp",
                "timestamp has no UTC offset",
                ("strip",),
            ),
            Breakage(
                "bad_mcc",
                "merchant_category_code",
                "merchant_category_code not 4 digits",
                ("append0",),
            ),
            Breakage("duplicate_key", "txn_id", "duplicate txn_id within partner"),
        ]
    elif kind == ACCOUNTS:
        out += [
            Breakage(
                "bad_enum",
                "holder_type",
                "holder_type not individual or business",
                ("person", "corp", "sole proprietor", "trust"),
            ),
            Breakage(
                "bad_country",
                "country",
                "country not an ISO 3166-1 alpha-2 code",
                ("USA", "U.S.", "United States", "ZZZ"),
            ),
            Breakage(
                "bad_date",
                "opened_on",
                "opened_on not an ISO date",
                ("2026-02-30", "13/45/2020", "last year", "2025-00-10"),
            ),
            Breakage(
                "bad_date",
                "date_of_birth",
                "date_of_birth not an ISO date",
                ("1985-02-31", "12/31/85", "unknown"),
            ),
            Breakage(
                "duplicate_key", "account_id", "duplicate (partner_id, account_id)"
            ),
        ]
    elif kind == OSINT:
        out += [
            Breakage(
                "bad_enum",
                "source",
                "source not a contract source",
                ("twitter", "blog", "forum", "tip line"),
            ),
            Breakage(
                "bad_enum",
                "entity_type",
                "entity_type not person, business or unknown",
                ("company", "individual", "org"),
            ),
            Breakage(
                "bad_date",
                "observed_on",
                "observed_on not an ISO date",
                ("2026-02-30", "June 5", "2026/13/01"),
            ),
            Breakage(
                "bad_country",
                "country",
                "country not an ISO 3166-1 alpha-2 code",
                ("USA", "United States", "ZZZ"),
            ),
            Breakage("duplicate_key", "record_id", "duplicate record_id"),
        ]
    elif kind == LABELS:
        out += [
            Breakage(
                "bad_enum", "label", "label not 0 or 1", ("yes", "2", "-1", "true")
            ),
        ]
    return out


def corrupt_table(
    table: pa.Table,
    kind: str,
    file_name: str,
    rng: np.random.Generator,
    eligible: np.ndarray,
    fresh_key: Callable[[dict[str, Any]], dict[str, Any]],
    breakages: list[Breakage] | None = None,
) -> tuple[pa.Table, list[dict[str, Any]]]:
    """Insert invalid rows among `table`'s rows; returns the new table and the report.

    `eligible` marks rows that may serve as templates (never a planted network's);
    `fresh_key(row)` gives the row a new unique key; `breakages` narrows the ways rows
    are broken (a statement bank's, `statements.statement_breakages`).
    """
    n = table.num_rows
    candidates = np.flatnonzero(eligible)
    if n == 0 or len(candidates) == 0:
        return table, []
    n_bad = max(1, int(round(RATE * n)))
    breakages = breakages or _breakages(kind)
    # a duplicate first (the hardest case), then every breakage before any repeats
    first = [i for i, b in enumerate(breakages) if b.error == "duplicate_key"]
    order = np.concatenate(
        [np.array(first, np.int64)]
        + [rng.permutation(len(breakages)) for _ in range(n_bad // len(breakages) + 1)]
    )
    templates = rng.choice(candidates, size=n_bad)
    rows = table.take(pa.array(templates, pa.int64())).to_pylist()
    bad_rows, positions, kinds = [], [], []
    for j, (row, t) in enumerate(zip(rows, templates)):
        b = breakages[int(order[j])]
        if b.error == "duplicate_key":
            row = _changed_content(row, kind, rng)
            pos = int(rng.integers(int(t) + 1, n + 1))
        else:
            row = fresh_key(row)
            row = _break(row, b, rng)
            pos = int(rng.integers(0, n + 1))
        bad_rows.append(row)
        positions.append(pos)
        kinds.append(b)
    bad = pa.Table.from_pylist(bad_rows, schema=table.schema)
    # originals keep their order; a bad row goes just before original `pos`
    orig_key = np.arange(n, dtype=np.int64) * 2 + 1
    bad_key = np.array(positions, dtype=np.int64) * 2
    keys = np.concatenate([orig_key, bad_key])
    tie = np.concatenate([np.zeros(n, np.int64), np.arange(1, n_bad + 1)])
    final = np.lexsort((tie, keys))
    merged = pa.concat_tables([table, bad]).take(pa.array(final, pa.int64()))
    row_of = np.empty(n + n_bad, np.int64)
    row_of[final] = np.arange(1, n + n_bad + 1)
    report = []
    for j, b in enumerate(kinds):
        report.append(
            {
                "kind": kind,
                "file": file_name,
                "row": int(row_of[n + j]),
                "column": b.column,
                "reason": b.reason
                if b.error != "duplicate_key"
                else f"{b.reason} (first at row {int(row_of[templates[j]])})",
            }
        )
    return merged, report


def _break(
    row: dict[str, Any], b: Breakage, rng: np.random.Generator
) -> dict[str, Any]:
    row = dict(row)
    value = b.values[int(rng.integers(len(b.values)))]
    if b.error == "negative_amount":
        value = "-" + str(row["amount"])
    elif b.error == "timestamp_without_offset":
        value = str(row["timestamp"])[:19]
    elif b.error == "bad_mcc":
        value = (row.get("merchant_category_code") or "5999") + str(
            int(rng.integers(10))
        )
    elif b.error == "missing" and rng.random() < 0.3:
        value = ""
    row[b.column] = value
    return row


def _changed_content(
    row: dict[str, Any], kind: str, rng: np.random.Generator
) -> dict[str, Any]:
    """Same key, different content: a conflicting second version of the record."""
    row = dict(row)
    if kind == TRANSACTIONS:
        row["amount"] = f"{float(row['amount']) + float(rng.integers(1, 500)):.2f}"
    elif kind == ACCOUNTS:
        row["holder_name"] = str(row["holder_name"]).upper() + " JR"
    elif kind == OSINT:
        row["name"] = str(row["name"]) + " (updated)"
    return row
