"""Attach to each case the details of its records, for the per-recipient views.

`cases.jsonl` carries `records` (one entry a ref: where it comes from and its
identifiers), `txn_accounts` (the account each evidence transaction is on) and
`account_months` (monthly totals per account of the case), so the policy can show a
recipient only identifiers, and only activity, from records it may see.
"""
from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

from fiu.contract import ACCOUNTS, OSINT


def case_refs(cases: Iterable[dict]) -> set[str]:
    """Every ref named by the cases: members and evidence."""
    refs: set[str] = set()
    for case in cases:
        refs.update(case["refs"])
        for hit in case.get("rule_hits", []):
            refs.update(hit["refs"])
    return refs


def record_details(kind: str, batch: pa.RecordBatch | pa.Table, wanted: set[str]) -> list[dict]:
    """Details of the rows of an accounts or osint batch whose ref is wanted."""
    if kind not in (ACCOUNTS, OSINT) or not wanted or batch.num_rows == 0:
        return []
    rows = batch.filter(pc.is_in(batch.column("ref"), value_set=pa.array(sorted(wanted))))
    details = []
    # One dict per case record: a few hundred at most.
    for row in rows.to_pylist():
        details.append(
            {
                "ref": row["ref"],
                "kind": "account" if kind == ACCOUNTS else "osint",
                "partner": row.get("partner_id"),
                "source": row.get("source") or row.get("partner_id"),
                "entity_type": row.get("entity_type") or row.get("holder_type"),
                "name": row.get("holder_name") or row.get("name"),
                "phone": row.get("phone_norm") or row.get("phone"),
                "email": row.get("email_norm") or row.get("email"),
                "address": _address(row),
                "region": row.get("region"),
                "observed_on": str(row["observed_on"]) if row.get("observed_on") else None,
                "url": row.get("url"),
                "text": row.get("text"),
                "related_names": sorted(set(row.get("related_names") or [])),
            }
        )
    return details


def transaction_accounts(batch: pa.RecordBatch | pa.Table, wanted: set[str]) -> dict[str, str]:
    """{txn ref: account ref} for the wanted transaction refs of a batch."""
    if not wanted or batch.num_rows == 0:
        return {}
    rows = batch.filter(pc.is_in(batch.column("ref"), value_set=pa.array(sorted(wanted))))
    accounts = pc.binary_join_element_wise(
        "account", rows.column("partner_id"), rows.column("account_id"), ":"
    )
    return dict(zip(rows.column("ref").to_pylist(), accounts.to_pylist()))


def account_months(batch: pa.RecordBatch | pa.Table, wanted: set[str]) -> dict[str, dict]:
    """{account ref: {"YYYY-MM-01": [cents in, cents out, count]}} for the wanted
    accounts of a transactions batch, by local calendar month (as the case timeline).

    Whole cents keep the sums exact, so the totals do not depend on batch order.
    """
    accounts = sorted(ref for ref in wanted if ref.startswith("account:"))
    if not accounts or batch.num_rows == 0:
        return {}
    # Only rows whose account id ends a wanted ref can be a wanted account's: a
    # history of a million transactions is cut to the case accounts' before the refs
    # are spelled out (every tail after a colon, so a partner id with one still holds).
    tails = sorted({ref[i + 1:] for ref in accounts for i, c in enumerate(ref) if c == ":"})
    rows = batch.filter(pc.is_in(batch.column("account_id"), value_set=pa.array(tails)))
    account = pc.binary_join_element_wise(
        "account", rows.column("partner_id"), rows.column("account_id"), ":"
    )
    keep = pc.is_in(account, value_set=pa.array(accounts))
    if not pc.any(keep).as_py():
        return {}
    rows = rows.filter(keep)
    micros = pc.cast(rows.column("timestamp"), pa.int64())
    if "utc_offset_minutes" in rows.column_names:
        offset = pc.fill_null(pc.cast(rows.column("utc_offset_minutes"), pa.int64()), 0)
        micros = pc.add(micros, pc.multiply(offset, 60_000_000))
    month = pc.strftime(pc.cast(micros, pa.timestamp("us")), format="%Y-%m-01")
    cents = pc.cast(pc.round(pc.multiply(rows.column("amount"), 100.0)), pa.int64())
    inflow = pc.equal(rows.column("direction"), "in")
    table = pa.table(
        {
            "account": account.filter(keep),
            "month": month,
            "in": pc.if_else(inflow, cents, 0),
            "out": pc.if_else(inflow, 0, cents),
            "count": pa.array([1] * rows.num_rows, pa.int64()),
        }
    )
    grouped = table.group_by(["account", "month"]).aggregate(
        [("in", "sum"), ("out", "sum"), ("count", "sum")]
    )
    totals: dict[str, dict] = {}
    # One row per account and month of the case: a few dozen.
    for row in grouped.to_pylist():
        totals.setdefault(row["account"], {})[row["month"]] = [
            row["in_sum"], row["out_sum"], row["count_sum"]
        ]
    return totals


def merge_account_months(parts) -> dict[str, dict]:
    """Sum `account_months` results of several batches."""
    merged: dict[str, dict] = {}
    for part in parts:
        for account, months in part.items():
            into = merged.setdefault(account, {})
            for month, values in months.items():
                old = into.get(month, [0, 0, 0])
                into[month] = [a + b for a, b in zip(old, values)]
    return merged


def attach(
    case: dict,
    details: dict[str, dict],
    txn_accounts: dict[str, str],
    months: dict[str, dict] | None = None,
) -> dict:
    """The case with `records`, `txn_accounts` and `account_months` for its refs, sorted."""
    refs = case_refs([case])
    enriched = dict(case)
    enriched["records"] = [details[ref] for ref in sorted(refs) if ref in details]
    enriched["txn_accounts"] = {ref: txn_accounts[ref] for ref in sorted(refs) if ref in txn_accounts}
    if months is not None:
        enriched["account_months"] = {
            ref: [
                {"date": month, "in": values[0] / 100, "out": values[1] / 100, "count": values[2]}
                for month, values in sorted(months[ref].items())
            ]
            for ref in sorted(refs)
            if ref in months
        }
    return enriched


def _address(row: dict) -> str | None:
    parts = [row.get("address"), row.get("city"), row.get("region"), row.get("postal_code")]
    text = ", ".join(str(p) for p in parts if p)
    return text or None
