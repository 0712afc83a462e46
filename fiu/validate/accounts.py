"""Transactions on accounts nobody described: a warning, not a quarantine.

A transaction whose `partner_id` + `account_id` matches no accepted account row is kept
(the partner may simply not have shared that account yet), counted in the manifest and
listed with examples in the validation report. Only the keys travel: the accepted
accounts give one small string array, checked against each transactions batch with
`pyarrow.compute.is_in`.
"""
from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from fiu.contract import FILE, ROW

EXPECTATION = "expect_column_pair_values_to_be_in_set"
EXAMPLES = 20
_SEPARATOR = "\x1f"


def account_keys(batch: pa.RecordBatch) -> pa.Array:
    """`partner_id` + `account_id` of every account row, joined into one string."""
    return pc.binary_join_element_wise(
        batch.column("partner_id"), batch.column("account_id"), _SEPARATOR
    )


def known_keys(parts: list[pa.Array]) -> pa.Array:
    """The distinct keys of all accepted account batches."""
    if not parts:
        return pa.array([], pa.string())
    return pc.unique(pa.chunked_array(parts, pa.string()).combine_chunks())


def unknown_accounts(batch: pa.RecordBatch, known: pa.Array) -> dict:
    """{count, examples}: transactions of the batch whose account is not among `known`."""
    unknown = pc.invert(pc.fill_null(pc.is_in(account_keys(batch), value_set=known), True))
    hits = batch.filter(unknown)
    return {"count": hits.num_rows, "examples": _examples(hits)}


def merge_unknown(parts: list[dict]) -> dict:
    """Counts summed; the first examples by file, then row."""
    examples = sorted(
        (e for part in parts for e in part["examples"]), key=lambda e: (e["file"], e["row"])
    )
    return {"count": sum(p["count"] for p in parts), "examples": examples[:EXAMPLES]}


def _examples(hits: pa.RecordBatch) -> list[dict]:
    if hits.num_rows == 0:
        return []
    first = hits.slice(0, EXAMPLES).select([FILE, ROW, "txn_id", "partner_id", "account_id"])
    return [
        {"file": r[FILE], "row": r[ROW], "txn_id": r["txn_id"], "partner_id": r["partner_id"],
         "account_id": r["account_id"]}
        for r in first.to_pylist()
    ]
