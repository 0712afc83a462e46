"""Honest time: a row known only by its date never counts as a night-time transaction."""
from __future__ import annotations

import math

import pyarrow as pa

from fiu.contract import TRANSACTIONS, raw_schema
from fiu.detect import features as F
from fiu.validate.cast import to_typed

from .conftest import t, typed


def test_date_only_card_receipts_never_count_as_night():
    # Held as 00:00 UTC: read as a clock time that would be midnight, night-time.
    rows = [t("A", -12, 80, timestamp_precision="date") for _ in range(3)]
    rows += [t("A", 11, 80), t("A", 0, 80)]  # 23:00 and 12:00 UTC, both with a time
    f = F.transaction_features(typed("transactions", rows)).loc["account:bank-a:A"]
    assert f["card_receipt_count"] == 5  # every receipt still counts as a receipt
    assert f["night_card_share"] == 0.5  # 1 of the 2 receipts that have a time


def test_only_date_only_receipts_leave_night_shares_null():
    rows = [t("A", -12, 80, timestamp_precision="date"),
            t("A", -12, 80, channel="p2p", counterparty_name="x", timestamp_precision="date")]
    f = F.transaction_features(typed("transactions", rows)).loc["account:bank-a:A"]
    assert math.isnan(f["night_card_share"]) and math.isnan(f["p2p_night_share"])
    assert not f["p2p_night_payers"] > 0


def raw(rows):
    schema = raw_schema(TRANSACTIONS)
    base = {"txn_id": "T", "partner_id": "bank-a", "account_id": "A", "amount": "5",
            "currency": "EUR", "direction": "in", "channel": "card", "country": "DE",
            "_file": "f.xml", "_row": 1}
    full = [{**base, "txn_id": f"T{i}", **r} for i, r in enumerate(rows)]
    return pa.RecordBatch.from_pylist(full, schema=schema)


def test_a_date_only_timestamp_casts_with_precision_date_and_no_time_of_day():
    typed_batch, failed = to_typed(TRANSACTIONS, raw([
        {"timestamp": "2026-10-01"},
        {"timestamp": "2026-10-01T23:30:00+02:00"},
        {"timestamp": "2026-10-01", "timestamp_precision": "second"},
    ]))
    assert typed_batch.column("timestamp_precision").to_pylist() == ["date", "second", "second"]
    # A value without a time of day cannot claim second precision: quarantined.
    assert failed["timestamp"].to_pylist() == [False, False, True]
    frame = F.prepare_transactions(typed_batch.slice(0, 2))
    assert frame["timed"].tolist() == [False, True]
    assert not F._night(frame).iloc[0]
