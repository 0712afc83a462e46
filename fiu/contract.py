"""CONTRACT.md in code, once: input kinds, their columns and types, refs, recipients.

Readers, expectation suites, the generator, the pipeline and the evaluator all take
their names from here, so a column is spelled in exactly one place.
"""
from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

# Column types. Every input is read as strings first (CSV and JSON Lines carry no
# reliable types); validation checks the string form, then `typed_schema` casts.
STRING = "string"
DATE = "date"  # ISO 8601 calendar date
DATETIME = "datetime"  # ISO 8601 date-time with offset or Z
DECIMAL = "decimal"
LIST = "list"  # `;`-separated in CSV, a JSON array in JSON Lines, list<string> in Parquet
ENUM = "enum"
INT = "int"


@dataclass(frozen=True)
class Column:
    """One contract column: its name, type, whether it is required, allowed values."""

    name: str
    type: str = STRING
    required: bool = False
    values: tuple[str, ...] = ()


CHANNELS = ("cash", "card", "wire", "ach", "p2p", "check", "crypto", "prepaid")
DIRECTIONS = ("in", "out")
TIMESTAMP_PRECISIONS = ("second", "date")
TIMESTAMP_PRECISION = "timestamp_precision"
HOLDER_TYPES = ("individual", "business")
OSINT_SOURCES = (
    "business_registry",
    "online_ad",
    "review",
    "license",
    "court_record",
    "news",
    "sanctions",
)
ENTITY_TYPES = ("person", "business", "unknown")
PARTNER_KINDS = ("financial_institution", "law_enforcement")

TRANSACTIONS = "transactions"
ACCOUNTS = "accounts"
OSINT = "osint"
LABELS = "labels"

COLUMNS: dict[str, tuple[Column, ...]] = {
    TRANSACTIONS: (
        Column("txn_id", required=True),
        Column("partner_id", required=True),
        Column("account_id", required=True),
        Column("timestamp", DATETIME, required=True),
        Column("amount", DECIMAL, required=True),
        Column("currency", required=True),
        Column("direction", ENUM, required=True, values=DIRECTIONS),
        Column("channel", ENUM, required=True, values=CHANNELS),
        Column("counterparty_name"),
        Column("counterparty_account"),
        Column("merchant_category_code"),
        Column("city"),
        Column("region"),
        Column("country", required=True),
        Column("memo"),
        # `date` when only the day is known (a statement's booking date): time-of-day
        # features skip the row. Empty means `second`, or `date` for a date-only value.
        Column("timestamp_precision", ENUM, values=TIMESTAMP_PRECISIONS),
    ),
    ACCOUNTS: (
        Column("partner_id", required=True),
        Column("account_id", required=True),
        Column("holder_name", required=True),
        Column("holder_type", ENUM, required=True, values=HOLDER_TYPES),
        Column("date_of_birth", DATE),
        Column("address"),
        Column("city"),
        Column("region"),
        Column("postal_code"),
        Column("country", required=True),
        Column("phone"),
        Column("email"),
        Column("opened_on", DATE),
        Column("business_category"),
    ),
    OSINT: (
        Column("record_id", required=True),
        Column("source", ENUM, required=True, values=OSINT_SOURCES),
        Column("observed_on", DATE, required=True),
        Column("entity_type", ENUM, required=True, values=ENTITY_TYPES),
        Column("name", required=True),
        Column("aliases", LIST),
        Column("date_of_birth", DATE),
        Column("address"),
        Column("city"),
        Column("region"),
        Column("postal_code"),
        Column("country"),
        Column("phone"),
        Column("email"),
        Column("website"),
        Column("related_names", LIST),
        Column("text"),
        Column("url"),
    ),
    LABELS: (
        Column("ref", required=True),
        Column("label", ENUM, required=True, values=("0", "1")),
        Column("case_id"),
        Column("typology"),
    ),
}

KINDS: tuple[str, ...] = tuple(COLUMNS)

# Keys that must be unique within a kind (CONTRACT §1).
UNIQUE_KEYS: dict[str, tuple[str, ...]] = {
    TRANSACTIONS: ("partner_id", "txn_id"),
    ACCOUNTS: ("partner_id", "account_id"),
    OSINT: ("record_id",),
    LABELS: ("ref",),
}

# Bookkeeping columns every row carries from the reader on: the file it came from
# (base name) and its 1-based data row in that file.
FILE = "_file"
ROW = "_row"
REF = "ref"

TYPOLOGIES = (
    "illicit_massage_business",
    "escort_online_commercial_sex",
    "labor_trafficking",
    "funnel_account",
)


def column_names(kind: str) -> list[str]:
    return [c.name for c in COLUMNS[kind]]


def required_columns(kind: str) -> list[str]:
    return [c.name for c in COLUMNS[kind] if c.required]


def list_columns(kind: str) -> list[str]:
    return [c.name for c in COLUMNS[kind] if c.type == LIST]


def raw_schema(kind: str) -> pa.Schema:
    """Schema of a batch as read, before validation: every field a string or list of strings."""
    fields = [
        pa.field(c.name, pa.list_(pa.string()) if c.type == LIST else pa.string())
        for c in COLUMNS[kind]
    ]
    return pa.schema([*fields, pa.field(FILE, pa.string()), pa.field(ROW, pa.int64())])


_TYPED = {
    STRING: pa.string(),
    ENUM: pa.string(),
    LIST: pa.list_(pa.string()),
    DATE: pa.date32(),
    DATETIME: pa.timestamp("us", tz="UTC"),
    DECIMAL: pa.float64(),
    INT: pa.int64(),
}


def typed_schema(kind: str) -> pa.Schema:
    """Schema of an accepted batch: contract types, plus `ref` and bookkeeping.

    Transactions also carry `utc_offset_minutes`, the offset the timestamp was written
    with, because night-time indicators need the local clock, not UTC.
    """
    fields = [pa.field(c.name, _TYPED[c.type]) for c in COLUMNS[kind]]
    if kind == LABELS:
        fields = [f if f.name != "label" else pa.field("label", pa.int8()) for f in fields]
    extra = [pa.field(FILE, pa.string()), pa.field(ROW, pa.int64())]
    if kind == TRANSACTIONS:
        extra.insert(0, pa.field("utc_offset_minutes", pa.int16()))
    if kind != LABELS:
        extra.insert(0, pa.field(REF, pa.string()))
    return pa.schema([*fields, *extra])


# --- refs (CONTRACT §3) -------------------------------------------------------------


def osint_ref(record_id: str) -> str:
    return f"osint:{record_id}"


def account_ref(partner_id: str, account_id: str) -> str:
    return f"account:{partner_id}:{account_id}"


def txn_ref(partner_id: str, txn_id: str) -> str:
    return f"txn:{partner_id}:{txn_id}"


def ref_kind(ref: str) -> str:
    """`osint`, `account` or `txn`."""
    return ref.split(":", 1)[0]


def ref_partner(ref: str) -> str | None:
    """The partner that holds an account or transaction ref; None for open sources."""
    kind, _, rest = ref.partition(":")
    if kind in ("account", "txn"):
        return rest.split(":", 1)[0]
    return None


def ref_column(kind: str, table: pa.Table | pa.RecordBatch) -> pa.Array:
    """The `ref` of every row of an accepted batch, built with pyarrow.compute."""
    import pyarrow.compute as pc

    if kind == OSINT:
        return pc.binary_join_element_wise("osint", table.column("record_id"), ":")
    if kind == ACCOUNTS:
        return pc.binary_join_element_wise(
            "account", table.column("partner_id"), table.column("account_id"), ":"
        )
    if kind == TRANSACTIONS:
        return pc.binary_join_element_wise(
            "txn", table.column("partner_id"), table.column("txn_id"), ":"
        )
    raise ValueError(f"kind {kind!r} has no refs")
