"""Attach to each case the details of its records, for the per-recipient views.

`cases.jsonl` carries `records` (one entry a ref: where it comes from and its
identifiers) and `txn_accounts` (the account each evidence transaction is on), so the
policy can show a recipient only identifiers from records it may see.
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


def attach(case: dict, details: dict[str, dict], txn_accounts: dict[str, str]) -> dict:
    """The case with `records` and `txn_accounts` for its refs, sorted."""
    refs = case_refs([case])
    enriched = dict(case)
    enriched["records"] = [details[ref] for ref in sorted(refs) if ref in details]
    enriched["txn_accounts"] = {ref: txn_accounts[ref] for ref in sorted(refs) if ref in txn_accounts}
    return enriched


def _address(row: dict) -> str | None:
    parts = [row.get("address"), row.get("city"), row.get("region"), row.get("postal_code")]
    text = ", ".join(str(p) for p in parts if p)
    return text or None
