"""Small typed accounts and osint tables for resolution tests, one row per dict."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pytest

from fiu.contract import ACCOUNTS, OSINT, ref_column, typed_schema


def table(kind: str, rows: list[dict[str, Any]]) -> pa.Table:
    """A typed table of `kind` from partial rows (missing columns are null)."""
    schema = typed_schema(kind)
    columns = {}
    for field in schema:
        if field.name in ("ref", "_file", "_row"):
            continue
        values = [row.get(field.name) for row in rows]
        if field.type == pa.date32():
            values = [dt.date.fromisoformat(v) if isinstance(v, str) else v for v in values]
        columns[field.name] = pa.array(values, field.type)
    result = pa.table(columns)
    return result.append_column("ref", ref_column(kind, result))


def account(account_id: str, holder_name: str, **fields: Any) -> dict[str, Any]:
    return {"partner_id": fields.pop("partner_id", "bank-a"), "account_id": account_id,
            "holder_name": holder_name, "holder_type": fields.pop("holder_type", "individual"),
            "country": fields.pop("country", "US"), **fields}


def osint(record_id: str, name: str, **fields: Any) -> dict[str, Any]:
    return {"record_id": record_id, "name": name, "source": fields.pop("source", "news"),
            "observed_on": fields.pop("observed_on", "2026-01-01"),
            "entity_type": fields.pop("entity_type", "person"), **fields}


class Factory:
    """`make.account(...)`, `make.osint(...)` rows; `make.accounts(*rows)`,
    `make.osints(*rows)` typed tables."""

    account = staticmethod(account)
    osint = staticmethod(osint)

    @staticmethod
    def accounts(*rows: dict[str, Any]) -> pa.Table:
        return table(ACCOUNTS, list(rows))

    @staticmethod
    def osints(*rows: dict[str, Any]) -> pa.Table:
        return table(OSINT, list(rows))


@pytest.fixture
def make() -> Factory:
    return Factory()
