"""`fiu profile check` and `fiu profile init`: try a profile on a partner's file before a
run, and draft one from a file's header and first rows for the analyst to finish."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import yaml

from fiu.contract import COLUMNS, DATE, DATETIME, ENUM, TRANSACTIONS, required_columns
from fiu.errors import UsageError
from fiu.io.inputs import InputFile, sha256_of
from fiu.io.profiles import FileProfile, load_profile
from fiu.io.readers import check_header, read_file


def check_text(profile_path: str, file_path: str, rows: int = 10) -> tuple[bool, str]:
    """The first `rows` rows of the file as contract rows, then every row the suites
    would quarantine, with its reasons. False when any row would be."""
    from fiu.validate.split import BatchValidator
    from fiu.validate.suites import load_suites

    source = _source(profile_path, file_path)
    check_header(source)
    result = read_file(source)
    lines = [f"{source.name}: read through {source.profile.key()} as {source.kind}", ""]
    shown = 0
    for batch in result.batches:
        for record in batch.slice(0, rows - shown).to_pylist():
            lines.append(json.dumps({k: v for k, v in record.items() if v is not None},
                                    ensure_ascii=False))
        shown += min(rows - shown, batch.num_rows)
    validator = BatchValidator(load_suites())
    quarantined = list(result.broken)
    accepted = 0
    sources = source.profile.source_columns()
    for batch in result.batches:
        kept, bad = validator.split(source.kind, batch)
        accepted += kept.num_rows
        quarantined += bad
    total = accepted + len(quarantined)
    lines += ["", f"{total} rows: {accepted} accepted, {len(quarantined)} would be quarantined"]
    for line in sorted(quarantined, key=lambda q: q["row"]):
        reasons = "; ".join(
            f"{f.get('column') or 'row'}"
            + (f" (from {sources[f['column']]})" if f.get("column") in sources else "")
            + f" {f['value']!r}: {f['expectation']}"
            for f in line["failures"]
        )
        lines.append(f"  row {line['row']}: {reasons}")
    if result.ignored_columns:
        lines.append(f"not mapped: {', '.join(result.ignored_columns)}")
    return not quarantined, "\n".join(lines)


def _source(profile_path: str, file_path: str) -> InputFile:
    path = Path(file_path)
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    profiles = load_profile(profile_path)
    matching = [p for p in profiles if p.matches(path.name)]
    if not matching:
        globs = ", ".join(g for p in profiles for g in p.match)
        raise UsageError(f"{path.name}: matched by no file entry of {profile_path} ({globs})")
    profile: FileProfile = matching[0]
    return InputFile(profile.kind, str(path.resolve()), profile.format, sha256_of(path), profile)


# --- drafting ------------------------------------------------------------------------------

_HINTS = {  # contract field: words a bank's header uses for it (lower case, no accents)
    "txn_id": ["txn_id", "transaction id", "reference", "ref", "id", "buchungsnr", "referenz"],
    "account_id": ["account_id", "account", "acct", "iban", "konto", "account number"],
    "timestamp": ["timestamp", "date", "booking date", "datum", "buchungstag", "value date", "time"],
    "amount": ["amount", "betrag", "value", "sum"],
    "currency": ["currency", "ccy", "waehrung", "wahrung"],
    "direction": ["direction", "debit/credit", "dc", "d/c", "s/h", "cr/dr"],
    "channel": ["channel", "type", "transaction type", "art", "method"],
    "counterparty_name": ["counterparty_name", "counterparty", "payee", "name", "beneficiary",
                          "empfaenger", "auftraggeber"],
    "counterparty_account": ["counterparty_account", "counterparty iban", "other account"],
    "merchant_category_code": ["merchant_category_code", "mcc"],
    "city": ["city", "ort"], "region": ["region", "state"], "country": ["country", "land"],
    "memo": ["memo", "description", "purpose", "verwendungszweck", "details", "text"],
}

_DATE_FORMATS = [
    ("%Y-%m-%d", r"^\d{4}-\d{2}-\d{2}$"), ("%d.%m.%Y", r"^\d{2}\.\d{2}\.\d{4}$"),
    ("%d/%m/%Y", r"^\d{2}/\d{2}/\d{4}$"), ("%m/%d/%Y", r"^\d{2}/\d{2}/\d{4}$"),
    ("%d.%m.%Y %H:%M", r"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$"),
    ("%d.%m.%Y %H:%M:%S", r"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}$"),
    ("%Y-%m-%d %H:%M:%S", r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"),
]


def draft_profile(file_path: str, partner_id: str | None = None, kind: str = TRANSACTIONS,
                  sample_rows: int = 50) -> str:
    """A profile in YAML for the file: its delimiter and decimal separator guessed from
    the first rows, each contract field matched to the most likely header, formats
    guessed from the values. Every guess is marked for the analyst to confirm."""
    path = Path(file_path)
    if path.suffix.lower() == ".xml":
        return _draft_camt_profile(path, partner_id)
    raw = path.read_bytes()
    encoding = "utf-8"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        encoding, text = "cp1252", raw.decode("cp1252")
    head = "\n".join(text.splitlines()[: sample_rows + 1])
    try:
        dialect = csv.Sniffer().sniff(head, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(head), delimiter=delimiter)
    header = next(reader, [])
    samples = list(reader)
    values = {name: [r[i] for r in samples if i < len(r) and r[i]] for i, name in enumerate(header)}
    columns: dict[str, object] = {}
    taken: set[str] = set()
    for field in [c.name for c in COLUMNS[kind]]:
        found = _best_header(field, header, taken)
        if found is None:
            continue
        taken.add(found)
        spec: dict[str, object] = {"column": found}
        column = next(c for c in COLUMNS[kind] if c.name == field)
        if column.type in (DATE, DATETIME):
            fmt = _date_format(values.get(found, []))
            if fmt:
                spec["format"] = fmt
        if column.type == ENUM:
            seen = sorted(set(values.get(found, [])) - set(column.values))
            if seen:
                spec["map"] = {v: "TODO" for v in seen[:20]}
        columns[field] = spec if len(spec) > 1 else found
    amounts = values.get(columns.get("amount"), []) if isinstance(columns.get("amount"), str) else []
    decimal = "," if any(re.fullmatch(r"-?[\d.]*\d,\d{1,2}-?", v) for v in amounts) else "."
    for field in required_columns(kind):
        if field not in columns and field != "partner_id":
            columns[field] = {"value": "TODO"}
    entry: dict[str, object] = {"match": path.name, "kind": kind}
    if encoding != "utf-8":
        entry["encoding"] = encoding
    if delimiter != ",":
        entry["delimiter"] = delimiter
    if decimal == ",":
        entry["decimal"], entry["thousands"] = ",", "."
    if any(isinstance(s, dict) and "%H" in str(s.get("format", "")) for s in columns.values()):
        entry["timezone"] = "TODO (IANA name, e.g. Europe/Berlin)"
    entry["columns"] = columns
    entry["ignore"] = [h for h in header if h not in taken]
    profile = {"partner_id": partner_id or "TODO", "files": [entry]}
    note = ("# Drafted by `fiu profile init` from the header and first rows of "
            f"{path.name}.\n# Check every mapping, replace each TODO, then try it with "
            f"`fiu profile check THIS_FILE {path.name}`.\n")
    return note + yaml.safe_dump(profile, sort_keys=False, allow_unicode=True)


def _draft_camt_profile(path: Path, partner_id: str | None) -> str:
    """A camt statement names its own fields: the draft holds the file's glob and a
    `map` for each code the statement uses that is not a contract channel."""
    from fiu.io.camt import read_camt

    reading = FileProfile(path="draft.yaml", index=0, partner_id=partner_id or "draft",
                          kind=TRANSACTIONS, match=(path.name,), format="camt")
    source = InputFile(TRANSACTIONS, str(path.resolve()), "camt", sha256_of(path), reading)
    channels = {c.name: c for c in COLUMNS[TRANSACTIONS]}["channel"].values
    found = sorted({v for b in read_camt(source, path, 1 << 17).batches
                    for v in b.column("channel").to_pylist() if v and v not in channels})
    entry: dict[str, object] = {"match": path.name, "kind": TRANSACTIONS}
    if found:
        entry["columns"] = {"channel": {"map": {code: "TODO" for code in found[:20]}}}
    profile = {"partner_id": partner_id or "TODO", "files": [entry]}
    note = (f"# Drafted by `fiu profile init` from the statement {path.name}: the statement "
            "gives every field;\n# map the bank's own transaction codes, then try it with "
            f"`fiu profile check THIS_FILE {path.name}`.\n")
    return note + yaml.safe_dump(profile, sort_keys=False, allow_unicode=True)


def _normal(text: str) -> str:
    return (text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
            .replace("_", " ").strip())


def _best_header(field: str, header: list[str], taken: set[str]) -> str | None:
    from difflib import SequenceMatcher

    best, score = None, 0.0
    for name in header:
        if name in taken:
            continue
        for hint in _HINTS.get(field, [field]):
            ratio = SequenceMatcher(None, _normal(name), _normal(hint)).ratio()
            if ratio > score:
                best, score = name, ratio
    return best if score >= 0.8 else None


def _date_format(values: list[str]) -> str | None:
    if not values or all(re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*(Z|[+-]\d{2}:?\d{2})$", v)
                         for v in values):
        return None
    for fmt, pattern in _DATE_FORMATS:
        if all(re.match(pattern, v.strip()) for v in values):
            return fmt
    return None
