"""A tiny hand-built world with typed tables, for tests and examples of detection.

Two planted networks and two look-alikes, small enough to reason about by hand:

- `imb`: two massage spas (TX, CA) owned by one person, card receipts late at night at
  round prices, no payroll, and the spas' phone in online ads;
- `labor`: a contractor pays six workers whose accounts were opened together at one
  address; each worker forwards most of the pay to one controller the next day and pays
  "housing fee" back to the contractor;
- a late bar (night card receipts, real payroll) and a family that shares one address.
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pyarrow as pa

from ..contract import typed_schema

T0 = datetime(2026, 3, 2, tzinfo=timezone.utc)


def _table(kind: str, rows: list[dict[str, Any]]) -> pa.Table:
    schema = typed_schema(kind)
    cols = {}
    for f in schema:
        vals = [r.get(f.name) for r in rows]
        if f.name == "_file":
            vals = [f"{kind}.csv"] * len(rows)
        if f.name == "_row":
            vals = list(range(1, len(rows) + 1))
        cols[f.name] = pa.array(vals, f.type)
    return pa.table(cols, schema=schema)


class _Txns:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(self, partner: str, account: str, when: datetime, amount: float, direction: str,
            channel: str, offset_min: int = -360, **kw: Any) -> None:
        tid = f"T{len(self.rows) + 1:05d}"
        self.rows.append({
            "txn_id": tid, "partner_id": partner, "account_id": account, "timestamp": when,
            "amount": float(amount), "currency": "USD", "direction": direction,
            "channel": channel, "country": "US", "utc_offset_minutes": offset_min,
            "ref": f"txn:{partner}:{tid}", **kw,
        })


def sample_world() -> dict[str, pa.Table]:
    """Typed `transactions`, `accounts`, `osint`, `entities` and `labels` tables."""
    tx = _Txns()
    accounts: list[dict[str, Any]] = []
    osint: list[dict[str, Any]] = []
    same: dict[str, str] = {}

    def account(partner: str, aid: str, name: str, htype: str, **kw: Any) -> str:
        ref = f"account:{partner}:{aid}"
        accounts.append({"partner_id": partner, "account_id": aid, "holder_name": name,
                         "holder_type": htype, "country": "US", "ref": ref, **kw})
        return ref

    def record(rid: str, source: str, etype: str, name: str, **kw: Any) -> str:
        ref = f"osint:{rid}"
        osint.append({"record_id": rid, "source": source, "observed_on": date(2026, 1, 5),
                      "entity_type": etype, "name": name, "country": "US", "ref": ref, **kw})
        return ref

    # --- imb: two spas under one owner ------------------------------------------------
    spa1 = account("bank-a", "S1", "Golden Lotus Spa LLC", "business", region="TX", city="Austin",
                   phone="+15125550100", address="12 Main St", postal_code="78701",
                   business_category="massage", opened_on=date(2024, 1, 1))
    spa2 = account("bank-b", "S2", "Jade Garden Massage Inc", "business", region="CA",
                   city="Fresno", phone="+15595550111", address="9 Elm Ave", postal_code="93701",
                   business_category="massage", opened_on=date(2024, 2, 1))
    owner = account("bank-a", "O1", "Mei Chen", "individual", region="TX", city="Austin",
                    phone="+15125550999", address="4 Oak Rd", postal_code="78702")
    reg1 = record("R1", "business_registry", "business", "Golden Lotus Spa LLC", region="TX",
                  phone="+15125550100", related_names=["Mei Chen"])
    reg2 = record("R2", "business_registry", "business", "Jade Garden Massage Inc", region="CA",
                  phone="+15595550111", related_names=["Mei Chen"])
    reg3 = record("R3", "business_registry", "person", "Mei Chen", region="TX")
    same.update({reg1: spa1, reg2: spa2, reg3: owner})
    ad1 = record("AD1", "online_ad", "person", "Lily", region="TX", city="Austin",
                 phone="+15125550100", text="new sweet asian girl")
    ad2 = record("AD2", "online_ad", "person", "Coco", region="CA", city="Fresno",
                 phone="+15595550111", text="relaxing massage")
    for k, spa in enumerate(("S1", "S2")):
        for d in range(60):
            when = T0 + timedelta(days=d, hours=5 if d % 3 else 20)  # 23:00 or 14:00 local
            tx.add("bank-a" if spa == "S1" else "bank-b", spa, when, 80 + 20 * (d % 3),
                   "in", "card", merchant_category_code="7297",
                   region="TX" if k == 0 else "CA")
        for w in range(8):
            tx.add("bank-a" if spa == "S1" else "bank-b", spa, T0 + timedelta(days=7 * w + 1),
                   1500, "out", "wire", counterparty_account="bank-a:O1",
                   counterparty_name="Mei Chen")

    # --- labor: contractor, six workers, controller -------------------------------------
    boss = account("bank-c", "E1", "Sunrise Staffing LLC", "business", region="FL",
                   city="Immokalee", phone="+12395550100", business_category="staffing agency",
                   address="1 Farm Rd", postal_code="34142")
    ctl = account("bank-c", "C1", "Raul Ortega", "individual", region="FL", city="Immokalee",
                  phone="+12395550777", address="77 Pine St", postal_code="34142")
    workers = []
    for i in range(6):
        w = account("bank-c", f"W{i}", f"Worker Number{i}", "individual", region="FL",
                    city="Immokalee", address="500 Camp Rd", postal_code="34142",
                    phone="+12395550100", opened_on=date(2026, 2, 1) + timedelta(days=i))
        workers.append(w)
        for p in range(6):
            pay = T0 + timedelta(days=14 * p, hours=15)
            tx.add("bank-c", "E1", pay, 900, "out", "ach", counterparty_account=f"bank-c:W{i}",
                   memo="payroll", region="FL")
            tx.add("bank-c", f"W{i}", pay, 900, "in", "ach", counterparty_account="bank-c:E1",
                   counterparty_name="Sunrise Staffing", memo="payroll", region="FL")
            tx.add("bank-c", f"W{i}", pay + timedelta(hours=20), 700, "out", "p2p",
                   counterparty_account="bank-c:C1", counterparty_name="Raul Ortega",
                   region="FL")
            tx.add("bank-c", f"W{i}", pay + timedelta(hours=30), 150, "out", "p2p",
                   counterparty_account="bank-c:E1", memo="housing fee", region="FL")

    # --- look-alikes ------------------------------------------------------------------
    bar = account("bank-a", "B1", "Night Owl Bar", "business", region="TX", city="Austin",
                  business_category="bar", phone="+15125554444", address="8 6th St",
                  postal_code="78701")
    for d in range(60):
        tx.add("bank-a", "B1", T0 + timedelta(days=d, hours=6), 37.5, "in", "card",
               merchant_category_code="5813", region="TX")
    for w in range(8):
        for s in range(4):
            tx.add("bank-a", "B1", T0 + timedelta(days=7 * w + 4), 600, "out", "ach",
                   counterparty_name=f"Staff {s}", memo="payroll", region="TX")
    fam = [account("bank-b", f"F{i}", f"Ana Silva{i}", "individual", region="CA", city="Fresno",
                   address="3 Vine St", postal_code="93702", phone="+15595550300",
                   opened_on=date(2015 + 3 * i, 5, 1)) for i in range(3)]
    for i, f in enumerate(fam):
        for m in range(3):
            tx.add("bank-b", f"F{i}", T0 + timedelta(days=30 * m), 3000, "in", "ach",
                   memo="salary", counterparty_name="City of Fresno", region="CA")
            tx.add("bank-b", f"F{i}", T0 + timedelta(days=30 * m + 3), 1200, "out", "ach",
                   memo="rent", counterparty_name="Vine Properties", region="CA")

    acc_t = _table("accounts", accounts)
    osi_t = _table("osint", osint)
    refs = acc_t.column("ref").to_pylist() + osi_t.column("ref").to_pylist()
    groups: dict[str, list[str]] = {}
    for r in refs:
        groups.setdefault(same.get(r, r), []).append(r)
    ent = {r: "ent-" + hashlib.sha256(min(g).encode()).hexdigest()[:12]
           for g in groups.values() for r in g}
    entities = pa.table({"ref": refs, "entity_id": [ent[r] for r in refs]})
    labels = _table("labels", [
        {"ref": spa1, "label": 1, "case_id": "k1", "typology": "illicit_massage_business"},
        {"ref": workers[0], "label": 1, "case_id": "k2", "typology": "labor_trafficking"},
        {"ref": bar, "label": 0}, {"ref": fam[0], "label": 0},
    ])
    return {"transactions": _table("transactions", tx.rows), "accounts": acc_t, "osint": osi_t,
            "entities": entities, "labels": labels,
            "truth": {"imb": sorted([spa1, spa2, owner, reg1, reg2, reg3, ad1, ad2]),
                      "labor": sorted([boss, ctl, *workers])}}  # type: ignore[dict-item]
