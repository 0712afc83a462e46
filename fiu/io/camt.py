"""ISO 20022 bank-to-customer statements (camt.053) and account reports (camt.052) as
transactions: validated against the official schema of their version first, then each
entry (`Ntry`) becomes one contract row.

Mapping (CONTRACT.md §1 transactions):
- `account_id`: the statement's account, `Stmt/Acct/Id` (IBAN, else `Othr/Id`);
- `txn_id`: the entry's `AcctSvcrRef`, else `NtryRef`, else the transaction's
  `Refs/AcctSvcrRef`, else `<statement id>:<entry number>`;
- `timestamp`: `BookgDt/DtTm`, else `BookgDt/Dt` (precision `date`), else `ValDt`;
- `amount`, `currency`: `Amt` and its `Ccy`, as written (a zero is quarantined, never
  left out); `direction`: `CdtDbtInd` (`CRDT` in, `DBIT` out);
- `channel`: from the bank transaction code (`BkTxCd/Domn/Fmly`: credit transfers →
  wire, direct debits → ach, card → card, cash → cash, cheques → check); any other code
  is passed on as `DOMN/FMLY/SUBFMLY` or `PRTRY:<code>` for the profile's `map` (else
  quarantined by value);
- `counterparty_name`, `counterparty_account`: from `NtryDtls/TxDtls/RltdPties`, the
  debtor of a credit and the creditor of a debit (when the entry has one transaction);
- `city`, `region`, `country` (where it happened): that party's postal address
  (`PstlAdr/TwnNm`, `CtrySubDvsn`, `Ctry`); without a `Ctry`, the IBAN's country;
- `memo`: every `RmtInf/Ustrd`, joined.

`_row` is the entry's number in the file (1-based). The profile that matched the file
gives `partner_id` and may set any field to a `value` or `map` one.

Schemas are not shipped: ISO 20022 publishes them (iso20022.org) and a partner's bank
hands out the version it sends. Point `FIU_CAMT_SCHEMAS` (or `fiu run --camt-schemas`) at
a folder of `camt.05x.001.nn.xsd` files; a statement whose schema is not there is refused.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import pyarrow as pa

from fiu.contract import TIMESTAMP_PRECISION
from fiu.errors import InputError

SCHEMAS_ENV = "FIU_CAMT_SCHEMAS"
_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:"

# ISO 20022 external bank transaction family codes → contract channel.
FAMILIES = {
    "ICDT": "wire", "RCDT": "wire",  # issued / received credit transfers
    "IDDT": "ach", "RDDT": "ach",  # issued / received direct debits
    "CCRD": "card", "MCRD": "card",  # customer / merchant card transactions
    "ICHQ": "check", "RCHQ": "check", "DRFT": "check",  # cheques, drafts
    "CASH": "cash",
}
SUB_FAMILIES = {"CWDL": "cash", "CDPT": "cash", "POSD": "card", "POSP": "card",
                "ESCT": "wire", "SDVA": "wire", "XBCT": "wire", "DMCT": "wire"}

FIELDS = ("txn_id", "account_id", "timestamp", "amount", "currency", "direction", "channel",
          "counterparty_name", "counterparty_account", "city", "region", "country", "memo",
          TIMESTAMP_PRECISION)


def schema_dir() -> Path | None:
    folder = os.environ.get(SCHEMAS_ENV)
    return Path(folder) if folder else None


@lru_cache(maxsize=32)
def _schema(path: str):
    from lxml import etree

    return etree.XMLSchema(etree.parse(path))


def _parse(name: str, path: Path):
    from lxml import etree

    try:
        # No network, no entity expansion: a statement is data, not instructions.
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        return etree.parse(str(path), parser)
    except etree.XMLSyntaxError as err:
        raise InputError(name, f"not XML: line {err.lineno}: {err.msg}") from err


def _version(name: str, doc) -> str:
    from lxml import etree

    namespace = etree.QName(doc.getroot()).namespace or ""
    version = namespace.removeprefix(_NAMESPACE)
    if not namespace.startswith(_NAMESPACE) or not version.startswith(("camt.052.", "camt.053.")):
        raise InputError(name, f"not an ISO 20022 camt.052/053 document (namespace {namespace!r})")
    return version


def message_version(path: Path) -> str | None:
    """`camt.053.001.02` from a statement's namespace, read from the file's head."""
    import re

    with open(path, "rb") as handle:
        head = handle.read(4096).decode("utf-8", errors="replace")
    found = re.search(re.escape(_NAMESPACE) + r"(camt\.05[23]\.\d{3}\.\d{2})", head)
    return found.group(1) if found else None


def require_schema(version: str, what: str) -> Path:
    """The schema file of `version`; a `UsageError` saying where to get it when the
    folder is not given or lacks it: a statement is never read unvalidated."""
    from fiu.errors import UsageError

    folder = schema_dir()
    xsd = folder / f"{version}.xsd" if folder else None
    if xsd is None or not xsd.is_file():
        where = f"{folder} has no {version}.xsd" if folder else f"{SCHEMAS_ENV} is not set"
        raise UsageError(f"{what} needs the ISO 20022 schema {version}.xsd to validate "
                         f"statements against ({where}); give --camt-schemas DIR (or "
                         f"{SCHEMAS_ENV}) with the schema files (iso20022.org)")
    return xsd


def check_camt(source, path: Path) -> tuple:
    """Parse and validate against the schema of the document's own version; an
    `InputError` names the file, the line and the element that breaks it."""
    doc = _parse(source.name, path)
    version = _version(source.name, doc)
    folder = schema_dir()
    xsd = folder / f"{version}.xsd" if folder else None
    if xsd is None or not xsd.is_file():
        where = f"{folder} has no {version}.xsd" if folder else f"{SCHEMAS_ENV} is not set"
        raise InputError(source.name, f"{version}: no schema to validate against ({where}); "
                                      f"give --camt-schemas DIR (or {SCHEMAS_ENV}) with the "
                                      "ISO 20022 schema files (iso20022.org)")
    schema = _schema(str(xsd))
    if not schema.validate(doc):
        error = next(iter(schema.error_log))  # the first: later ones often follow from it
        message = error.message.replace("{" + _NAMESPACE + version + "}", "")
        raise InputError(source.name, f"not a valid {version} document: line {error.line}: {message}")
    return doc, version


def read_camt(source, path: Path, batch_rows: int):
    """The file's entries as raw contract batches (see the module docstring)."""
    from fiu.io.readers import ReadResult, _batched, _conform

    doc, _ = check_camt(source, path)
    columns: dict[str, list] = {name: [] for name in FIELDS}
    for statement in _statements(doc.getroot()):
        account = _text(statement, "{*}Acct/{*}Id/{*}IBAN")
        iban = account is not None
        account = account or next(
            (found for path in ("Othr/{*}Id", "PrtryAcct/{*}Id", "BBAN", "UPIC")
             if (found := _text(statement, "{*}Acct/{*}Id/{*}" + path))), None)
        statement_id = _text(statement, "{*}Id") or ""
        for number, entry in enumerate(statement.iterfind("{*}Ntry"), start=1):
            for name, value in _entry(entry, statement_id, number).items():
                columns[name].append(value)
            columns["account_id"].append(account)
            if columns["country"][-1] is None and iban and account:
                columns["country"][-1] = account[:2].upper()
    table = pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})
    profile = source.profile
    if profile is not None:
        table = _with_profile(table, profile)
    rows = pa.array(range(1, table.num_rows + 1), pa.int64())
    return ReadResult(batches=_batched(_conform(source.kind, table, source, rows), batch_rows))


def _statements(root):
    report = next(iter(root), None)
    if report is None:
        return []
    return [child for child in report if child.tag.rsplit("}", 1)[-1] in ("Stmt", "Rpt")]


def _text(node, path: str) -> str | None:
    found = node.find(path)
    if found is None or found.text is None:
        return None
    value = found.text.strip()
    return value or None


def _entry(entry, statement_id: str, number: int) -> dict[str, str | None]:
    details = entry.findall("{*}NtryDtls/{*}TxDtls")
    single = details[0] if len(details) == 1 else None
    credit = _text(entry, "{*}CdtDbtInd")
    when = _text(entry, "{*}BookgDt/{*}DtTm") or _text(entry, "{*}ValDt/{*}DtTm")
    day = _text(entry, "{*}BookgDt/{*}Dt") or _text(entry, "{*}ValDt/{*}Dt")
    amount = entry.find("{*}Amt")
    party, account, place = _counterparty(single, credit)
    memo = [t.text.strip() for t in entry.iterfind(".//{*}RmtInf/{*}Ustrd") if t.text and t.text.strip()]
    return {
        "txn_id": (_text(entry, "{*}AcctSvcrRef") or _text(entry, "{*}NtryRef")
                   or (single is not None and _text(single, "{*}Refs/{*}AcctSvcrRef"))
                   or f"{statement_id}:{number}"),
        "timestamp": when or day,
        TIMESTAMP_PRECISION: "second" if when else ("date" if day else None),
        "amount": amount.text.strip() if amount is not None and amount.text else None,
        "currency": amount.get("Ccy") if amount is not None else None,
        "direction": {"CRDT": "in", "DBIT": "out"}.get(credit or "", credit),
        "channel": _channel(entry, single),
        "counterparty_name": party,
        "counterparty_account": account,
        **place,
        "memo": " ".join(memo) or None,
    }


_NO_PLACE = {"city": None, "region": None, "country": None}


def _counterparty(details, credit: str | None) -> tuple[str | None, str | None, dict]:
    """The other side: who paid a credit, who was paid by a debit; and where it
    happened, as that party's postal address (a card payment's merchant)."""
    if details is None:
        return None, None, dict(_NO_PLACE)
    side = "Dbtr" if credit == "CRDT" else "Cdtr"
    parties = details.find("{*}RltdPties")
    if parties is None:
        return None, None, dict(_NO_PLACE)
    name = (_text(parties, f"{{*}}{side}/{{*}}Nm") or _text(parties, f"{{*}}{side}/{{*}}Pty/{{*}}Nm")
            or _text(parties, f"{{*}}Ultmt{side}/{{*}}Nm")
            or _text(parties, f"{{*}}Ultmt{side}/{{*}}Pty/{{*}}Nm"))
    account = (_text(parties, f"{{*}}{side}Acct/{{*}}Id/{{*}}IBAN")
               or _text(parties, f"{{*}}{side}Acct/{{*}}Id/{{*}}Othr/{{*}}Id"))
    address = f"{{*}}{side}/{{*}}PstlAdr/{{*}}"
    place = {"city": _text(parties, address + "TwnNm"),
             "region": _text(parties, address + "CtrySubDvsn"),
             "country": _text(parties, address + "Ctry")}
    return name, account, place


def _channel(entry, details) -> str | None:
    for node in (entry, details):
        if node is None:
            continue
        family = _text(node, "{*}BkTxCd/{*}Domn/{*}Fmly/{*}Cd")
        sub = _text(node, "{*}BkTxCd/{*}Domn/{*}Fmly/{*}SubFmlyCd")
        if family:
            channel = SUB_FAMILIES.get(sub or "") or FAMILIES.get(family)
            domain = _text(node, "{*}BkTxCd/{*}Domn/{*}Cd") or ""
            return channel or f"{domain}/{family}/{sub or ''}"
    for node in (entry, details):
        code = node is not None and _text(node, "{*}BkTxCd/{*}Prtry/{*}Cd")
        if code:
            return f"PRTRY:{code}"
    return None


def _with_profile(table: pa.Table, profile) -> pa.Table:
    """A camt profile's `value` (a constant) and `map` (codes → contract values) per field."""
    from fiu.io.profiles import _mapped

    columns = {name: table.column(name) for name in table.column_names}
    for name, spec in profile.columns.items():
        if "value" in spec:
            columns[name] = pa.chunked_array([pa.repeat(pa.scalar(spec["value"]), table.num_rows)],
                                             pa.string())
        if "map" in spec and name in columns:
            columns[name] = _mapped(columns[name], spec["map"])
    columns["partner_id"] = pa.chunked_array(
        [pa.repeat(pa.scalar(profile.partner_id), table.num_rows)], pa.string())
    return pa.table(columns)
