"""Banks' own export shapes, with the mapping profile that reads each back.

`fiu generate --partner-shapes` writes a bank's transactions as that bank exports them
instead of in the contract's shape, and its profile into `partners/`: the same world,
the same rows in the same order (invalid ones too), so a run gives the same cases and
packages as on the contract-shaped world. Each shape is chosen so that every value of
the contract table, invalid ones included, survives the round trip: a value the
profile cannot convert passes through and is quarantined for the same reason.

- bank-a, a US bank: its own English headers, direction as `CR`/`DR`, channel codes.
- bank-b, a German bank: `;`-separated text (UTF-8 with a byte-order mark, as
  spreadsheet exports write it) under a title line, German headers,
  decimal comma, the amount unsigned with an `S`/`H` (Soll/Haben) flag, channel codes.
- bank-c: ISO 20022 camt.053 statements (`statements.py`), whose rows say only what a
  statement can (dates without a time, no MCC).

Each export names the institution in a column (as the contract world's rows carry
`partner_id`, blank in some invalid rows). Timestamps stay ISO 8601 with their offsets: the world's transactions happen in several
time zones, and a bank clock in one zone would move night-time receipts.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from . import statements


@dataclass(frozen=True)
class Shape:
    file_name: str
    profile: str
    write: Callable[[pa.Table, Path], None]


def _recode(column, codes: dict[str, str]):
    """Contract values → the bank's codes; anything else (an invalid value) as it is."""
    index = pc.index_in(column, value_set=pa.array(list(codes)))
    return pc.coalesce(pc.take(pa.array(list(codes.values())), index), column)


def _csv_bytes(table: pa.Table, delimiter: str = ",") -> str:
    sink = pa.BufferOutputStream()
    pacsv.write_csv(table, sink, pacsv.WriteOptions(quoting_style="needed", delimiter=delimiter))
    return sink.getvalue().to_pybytes().decode("utf-8")


US_CHANNELS = {"cash": "CSH", "card": "POS", "wire": "WIRE", "ach": "ACH", "p2p": "P2P",
               "check": "CHK", "crypto": "CRYP", "prepaid": "PPD"}
US_COLUMNS = {  # contract field: bank-a's header
    "partner_id": "Institution", "txn_id": "Transaction ID", "account_id": "Account Number", "timestamp": "Posted At",
    "amount": "Amount", "currency": "Currency", "direction": "Dr/Cr", "channel": "Type",
    "counterparty_name": "Payee", "counterparty_account": "Payee Account",
    "merchant_category_code": "MCC", "city": "City", "region": "State", "country": "Country",
    "memo": "Description",
}


def _write_us(table: pa.Table, path: Path) -> None:
    columns = {}
    for field, header in US_COLUMNS.items():
        column = table.column(field)
        if field == "direction":
            column = _recode(column, {"in": "CR", "out": "DR"})
        elif field == "channel":
            column = _recode(column, US_CHANNELS)
        columns[header] = column
    path.write_text(_csv_bytes(pa.table(columns)), encoding="utf-8")


US_PROFILE = """\
# How bank-a's export maps onto the contract (written by `fiu generate --partner-shapes`).
partner_id: bank-a
files:
  - match: "bank-a_activity_*.csv"
    kind: transactions
    columns:
{columns}
    ignore: []
"""


def _us_profile() -> str:
    lines = []
    for field, header in US_COLUMNS.items():
        if field == "direction":
            lines.append(f'      direction: {{column: "{header}", map: {{CR: in, DR: out}}}}')
        elif field == "channel":
            codes = ", ".join(f"{code}: {value}" for value, code in US_CHANNELS.items())
            lines.append(f'      channel: {{column: "{header}", map: {{{codes}}}}}')
        else:
            lines.append(f'      {field}: "{header}"')
    return US_PROFILE.format(columns="\n".join(lines))


DE_CHANNELS = {"cash": "BAR", "card": "KARTE", "wire": "UEBERWEISUNG", "ach": "LASTSCHRIFT",
               "p2p": "P2P", "check": "SCHECK", "crypto": "KRYPTO", "prepaid": "PREPAID"}
DE_COLUMNS = {
    "partner_id": "Institut", "txn_id": "Buchungsnummer", "account_id": "Kontonummer", "timestamp": "Buchungszeit",
    "amount": "Betrag", "direction": "S/H", "currency": "Währung", "channel": "Umsatzart",
    "counterparty_name": "Empfänger/Auftraggeber", "counterparty_account": "Gegenkonto",
    "merchant_category_code": "MCC", "city": "Ort", "region": "Bundesstaat", "country": "Land",
    "memo": "Verwendungszweck",
}


def _write_de(table: pa.Table, path: Path) -> None:
    columns = {}
    for field, header in DE_COLUMNS.items():
        column = table.column(field)
        if field == "amount":
            # Decimal comma for numbers; anything else ("12,50,00", "N/A") as it is, which
            # the profile passes on as written.
            number = pc.fill_null(pc.match_substring_regex(column, r"^-?\d+(\.\d+)?$"), False)
            column = pc.if_else(number, pc.replace_substring(column, ".", ","), column)
        elif field == "direction":
            column = _recode(column, {"in": "H", "out": "S"})
        elif field == "channel":
            column = _recode(column, DE_CHANNELS)
        columns[header] = column
    text = "Umsatzanzeige bank-b\n" + _csv_bytes(pa.table(columns), delimiter=";")
    path.write_bytes(text.encode("utf-8-sig"))


def _de_profile() -> str:
    codes = ", ".join(f"{code}: {value}" for value, code in DE_CHANNELS.items())
    h = DE_COLUMNS
    return f"""\
# How bank-b's export maps onto the contract (written by `fiu generate --partner-shapes`).
partner_id: bank-b
files:
  - match: "umsaetze_bank-b_*.csv"
    kind: transactions
    encoding: utf-8-sig
    delimiter: ";"
    skip_rows: 1
    decimal: ","
    columns:
      partner_id: {h['partner_id']}
      txn_id: {h['txn_id']}
      account_id: {h['account_id']}
      timestamp: {h['timestamp']}
      amount: {{column: {h['amount']}, flag: {{column: "S/H", debit: S, credit: H}}}}
      currency: "{h['currency']}"
      channel: {{column: {h['channel']}, map: {{{codes}}}}}
      counterparty_name: "{h['counterparty_name']}"
      counterparty_account: {h['counterparty_account']}
      merchant_category_code: {h['merchant_category_code']}
      city: {h['city']}
      region: {h['region']}
      country: {h['country']}
      memo: {h['memo']}
    ignore: []
"""


SHAPES = {
    "bank-a": Shape("bank-a_activity_2026.csv", _us_profile(), _write_us),
    "bank-b": Shape("umsaetze_bank-b_2026.csv", _de_profile(), _write_de),
    statements.STATEMENT_BANK: Shape(statements.FILE_NAME, statements.PROFILE,
                                     statements.write_statements),
}


def write_profiles(out_dir: Path, skip: tuple[str, ...] = ()) -> None:
    folder = Path(out_dir) / "partners"
    folder.mkdir(parents=True, exist_ok=True)
    for partner, shape in SHAPES.items():
        if partner in skip:
            continue
        (folder / f"{partner}.yaml").write_text(shape.profile, encoding="utf-8")
