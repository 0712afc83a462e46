"""bank-c's transactions as ISO 20022 camt.053.001.02 statements, as many banks send them.

A statement carries less than the contract: a booking date without a time of day, no
merchant category code, and only values its schema allows (an amount ≥ 0, `CRDT` or
`DBIT`, a three-letter currency). So a world whose bank-c sends statements is a world
in which bank-c's rows are what a statement can say (`statement_view`): dates with
`timestamp_precision: date`, no MCC, only the invalid rows a valid statement can hold
(`statement_breakages`), in statement order (by account, then day). `fiu generate
--partner-shapes` writes those rows as camt.053 with bank-c's profile; with
`--contract-files` it writes the very same rows as a contract file, the world a
statement-shaped run is compared with.

Mapping (read back by `fiu.io.camt`): one `Stmt` per account (`Acct/Id/Othr/Id`), one
`Ntry` per row: `AcctSvcrRef` the txn_id, `BookgDt/Dt` the day, `Amt@Ccy`, `CdtDbtInd`,
the bank transaction code from the channel (ISO families for wire, ach, card, cash and
cheques; `Prtry` codes for p2p, crypto and prepaid, which the profile maps, and for any
other value), the counterparty as debtor of a credit or creditor of a debit with its
account, and where it happened as that party's postal address (`TwnNm`, `CtrySubDvsn`,
`Ctry`), the memo as `RmtInf/Ustrd`.
"""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..contract import TIMESTAMP_PRECISION, TRANSACTIONS
from .corrupt import Breakage, _breakages

STATEMENT_BANK = "bank-c"
FILE_NAME = "camt053_bank-c_2026.xml"
VERSION = "camt.053.001.02"
NAMESPACE = f"urn:iso:std:iso:20022:tech:xsd:{VERSION}"

# channel → (domain, family for a debit, family for a credit, sub-family)
DOMAIN_CODES = {
    "wire": ("PMNT", "ICDT", "RCDT", "ESCT"),
    "ach": ("PMNT", "IDDT", "RDDT", "ESDD"),
    "card": ("PMNT", "CCRD", "CCRD", "POSD"),
    "check": ("PMNT", "ICHQ", "RCHQ", "CCHQ"),
}
CASH_CODES = {"out": ("PMNT", "CNTR", "CWDL"), "in": ("PMNT", "CNTR", "CDPT")}
PROPRIETARY = {"p2p": "P2P", "crypto": "CRYPTO", "prepaid": "PREPAID"}  # no ISO family

PROFILE = f"""\
# How bank-c's camt.053 statements map onto the contract (written by `fiu generate
# --partner-shapes`). The statement gives every field; the bank's own codes need a map.
partner_id: bank-c
files:
  - match: "camt053_bank-c_*.xml"
    kind: transactions
    columns:
      channel: {{map: {{{", ".join(f'"PRTRY:{code}": {channel}' for channel, code in PROPRIETARY.items())}}}}}
"""

# What a valid statement cannot hold: a missing key, account, partner, amount, direction
# or currency (all required there), a non-numeric or negative amount, a direction other
# than CRDT/DBIT, a date-time, a country or currency code of the wrong shape, an MCC.
_KEPT = {("missing", "timestamp"), ("missing", "channel"), ("missing", "country"),
         ("bad_enum", "channel"), ("zero_amount", "amount"), ("bad_currency", "currency"),
         ("duplicate_key", "txn_id")}


def statement_breakages() -> list[Breakage]:
    """The contract's ways to break a transaction that a valid statement can carry."""
    kept = []
    for b in _breakages(TRANSACTIONS):
        if (b.error, b.column) not in _KEPT:
            continue
        if b.error == "bad_currency":
            b = Breakage(b.error, b.column, b.reason,
                         tuple(v for v in b.values if re.fullmatch(r"[A-Z]{3}", v)))
        kept.append(b)
    return kept


def statement_view(table: pa.Table, report: list[dict[str, Any]]) -> tuple[pa.Table, list[dict]]:
    """bank-c's rows as its statements say them (see the module docstring), and the
    invalid-row report renumbered to the statement order."""
    columns = {}
    for name in table.column_names:
        text = pc.utf8_trim_whitespace(table.column(name))  # the reader trims every field
        columns[name] = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    day = pc.utf8_slice_codeunits(columns["timestamp"], 0, 10)
    columns["timestamp"] = day
    columns[TIMESTAMP_PRECISION] = pc.if_else(pc.is_valid(day), "date", pa.scalar(None, pa.string()))
    columns["merchant_category_code"] = pa.nulls(table.num_rows, pa.string())
    channel = columns["channel"]
    known = pc.is_in(channel, pa.array([*DOMAIN_CODES, "cash", *PROPRIETARY]))
    columns["channel"] = pc.if_else(pc.fill_null(known, True), channel,
                                    pc.binary_join_element_wise("PRTRY:", channel, ""))
    view = pa.table(columns)
    order = pc.sort_indices(view, sort_keys=[("account_id", "ascending"),
                                             ("timestamp", "ascending")], null_placement="at_start")
    view = view.take(order)
    new_row = np.empty(len(order), np.int64)
    new_row[order.to_numpy()] = np.arange(1, len(order) + 1)
    renumbered = []
    for line in report:
        line = {**line, "row": int(new_row[line["row"] - 1])}
        line["reason"] = re.sub(r"\(first at row (\d+)\)",
                                lambda m: f"(first at row {int(new_row[int(m.group(1)) - 1])})",
                                line["reason"])
        renumbered.append(line)
    return view, renumbered


def write_statements(table: pa.Table, path: Path) -> None:
    """One camt.053.001.02 document, one statement per account, in the table's order."""
    from lxml import etree

    def sub(parent, tag: str, text: str | None = None, **attributes):
        node = etree.SubElement(parent, f"{{{NAMESPACE}}}{tag}", **attributes)
        if text is not None:
            node.text = text
        return node

    rows = table.to_pylist()
    days = [r["timestamp"] for r in rows if r["timestamp"]]
    stamp = f"{max(days) if days else '2026-01-01'}T23:59:59"
    root = etree.Element(f"{{{NAMESPACE}}}Document", nsmap={None: NAMESPACE})
    message = sub(root, "BkToCstmrStmt")
    header = sub(message, "GrpHdr")
    sub(header, "MsgId", f"{STATEMENT_BANK}-{stamp[:10]}")
    sub(header, "CreDtTm", stamp)
    by_account: dict[str, list[dict]] = {}
    for row in rows:
        by_account.setdefault(row["account_id"], []).append(row)
    for number, (account, entries) in enumerate(by_account.items(), start=1):
        statement = sub(message, "Stmt")
        sub(statement, "Id", f"{STATEMENT_BANK}-{number:06d}")
        sub(statement, "CreDtTm", stamp)
        sub(sub(sub(sub(statement, "Acct"), "Id"), "Othr"), "Id", account)
        _closing_balance(sub, statement, entries, stamp[:10])
        for row in entries:
            _entry(sub, statement, row)
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                    pretty_print=True))


def _closing_balance(sub, statement, entries: list[dict], day: str) -> None:
    total = sum((Decimal(r["amount"]) * (1 if r["direction"] == "in" else -1)
                 for r in entries), Decimal(0))
    balance = sub(statement, "Bal")
    sub(sub(sub(balance, "Tp"), "CdOrPrtry"), "Cd", "CLBD")
    currency = next((r["currency"] for r in entries), "USD")
    sub(balance, "Amt", f"{abs(total):.2f}", Ccy=currency)
    sub(balance, "CdtDbtInd", "CRDT" if total >= 0 else "DBIT")
    sub(sub(balance, "Dt"), "Dt", day)


def _entry(sub, statement, row: dict) -> None:
    credit = row["direction"] == "in"
    entry = sub(statement, "Ntry")
    sub(entry, "Amt", row["amount"], Ccy=row["currency"])
    sub(entry, "CdtDbtInd", "CRDT" if credit else "DBIT")
    sub(entry, "Sts", "BOOK")
    if row["timestamp"]:
        sub(sub(entry, "BookgDt"), "Dt", row["timestamp"])
    sub(entry, "AcctSvcrRef", row["txn_id"])
    _transaction_code(sub, sub(entry, "BkTxCd"), row["channel"], credit)
    details = sub(sub(entry, "NtryDtls"), "TxDtls")
    side = "Dbtr" if credit else "Cdtr"
    place = [("TwnNm", row["city"]), ("CtrySubDvsn", row["region"]), ("Ctry", row["country"])]
    if row["counterparty_name"] or any(v for _, v in place) or row["counterparty_account"]:
        parties = sub(details, "RltdPties")
        party = sub(parties, side)
        if row["counterparty_name"]:
            sub(party, "Nm", row["counterparty_name"])
        if any(v for _, v in place):
            address = sub(party, "PstlAdr")
            for tag, value in place:
                if value:
                    sub(address, tag, value)
        if row["counterparty_account"]:
            sub(sub(sub(sub(parties, f"{side}Acct"), "Id"), "Othr"), "Id",
                row["counterparty_account"])
    if row["memo"]:
        sub(sub(details, "RmtInf"), "Ustrd", row["memo"])


def _transaction_code(sub, code, channel: str | None, credit: bool) -> None:
    """ISO codes where a family exists; the bank's own (`Prtry`) otherwise; nothing
    for a row without a channel."""
    if channel is None:
        return
    if channel in DOMAIN_CODES or channel == "cash":
        if channel == "cash":
            domain, family, sub_family = CASH_CODES["in" if credit else "out"]
        else:
            domain, debit, credit_family, sub_family = DOMAIN_CODES[channel]
            family = credit_family if credit else debit
        node = sub(code, "Domn")
        sub(node, "Cd", domain)
        family_node = sub(node, "Fmly")
        sub(family_node, "Cd", family)
        sub(family_node, "SubFmlyCd", sub_family)
        return
    proprietary = sub(code, "Prtry")
    sub(proprietary, "Cd", PROPRIETARY.get(channel) or channel.removeprefix("PRTRY:"))
    sub(proprietary, "Issr", STATEMENT_BANK)
