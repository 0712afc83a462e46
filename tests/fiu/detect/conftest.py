"""One-line factories for small typed tables."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pyarrow as pa
import pytest

from fiu.contract import typed_schema

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)


def typed(kind: str, rows: list[dict[str, Any]]) -> pa.Table:
    """A typed table of `kind` from partial rows (other columns null)."""
    schema = typed_schema(kind)
    return pa.table({f.name: pa.array([r.get(f.name) for r in rows], f.type) for f in schema},
                    schema=schema)


def t(account: str, hours: float, amount: float, direction: str = "in", channel: str = "card",
      offset: int = 0, **kw: Any) -> dict[str, Any]:
    """One transaction row on bank-a, `hours` after T0 (UTC)."""
    return {"partner_id": "bank-a", "account_id": account, "txn_id": f"{account}-{hours}-{amount}-{direction}",
            "timestamp": T0 + timedelta(hours=hours), "amount": amount, "direction": direction,
            "channel": channel, "currency": "USD", "country": "US", "utc_offset_minutes": offset, **kw}


@pytest.fixture
def txns():
    return lambda rows: typed("transactions", rows)
