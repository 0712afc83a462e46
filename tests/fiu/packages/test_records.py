"""Monthly totals per case account, for the per-recipient timelines."""
import pyarrow as pa

from fiu.packages.records import account_months, attach, merge_account_months


def batch(rows):
    return pa.table({
        "partner_id": pa.array([r[0] for r in rows]),
        "account_id": pa.array([r[1] for r in rows]),
        "timestamp": pa.array([r[2] for r in rows], pa.int64()).cast(pa.timestamp("us", "UTC")),
        "utc_offset_minutes": pa.array([r[3] for r in rows], pa.int16()),
        "amount": pa.array([r[4] for r in rows], pa.float64()),
        "direction": pa.array([r[5] for r in rows]),
    })


MARCH_31_2330_CST_AS_UTC = 1775017800_000000  # 2026-04-01T05:30Z = 2026-03-31T23:30-06:00


def test_months_are_local_and_sums_exact_across_batches():
    one = batch([("bank-a", "A1", MARCH_31_2330_CST_AS_UTC, -360, 0.1, "in"),
                 ("bank-b", "B1", MARCH_31_2330_CST_AS_UTC, -360, 5.0, "in")])
    two = batch([("bank-a", "A1", MARCH_31_2330_CST_AS_UTC, -360, 0.2, "in"),
                 ("bank-a", "A1", MARCH_31_2330_CST_AS_UTC, 0, 3.0, "out")])
    wanted = {"account:bank-a:A1"}
    merged = merge_account_months([account_months(one, wanted), account_months(two, wanted)])
    assert merged == {"account:bank-a:A1": {"2026-03-01": [30, 0, 2], "2026-04-01": [0, 300, 1]}}
    case = attach({"case_id": "c", "refs": ["account:bank-a:A1"]}, {}, {}, merged)
    assert case["account_months"]["account:bank-a:A1"][0] == {"date": "2026-03-01", "in": 0.3, "out": 0.0, "count": 2}


def test_months_only_of_the_wanted_partner_and_account_even_with_a_colon_in_ids():
    # Rows are first cut to account ids that end a wanted ref; the partner must match
    # too, and an id holding a colon is not lost.
    when = MARCH_31_2330_CST_AS_UTC
    rows = batch([("bank-a", "A1", when, 0, 1.0, "in"), ("bank-b", "A1", when, 0, 2.0, "in"),
                  ("bank:c", "X:9", when, 0, 4.0, "out"), ("bank", "c:X:9", when, 0, 8.0, "in"),
                  ("bank-a", "A2", when, 0, 16.0, "in")])
    wanted = {"account:bank-a:A1", "account:bank:c:X:9", "txn:bank-a:T1"}
    assert account_months(rows, wanted) == {
        "account:bank-a:A1": {"2026-04-01": [100, 0, 1]},
        "account:bank:c:X:9": {"2026-04-01": [800, 400, 2]},
    }
    assert account_months(rows, {"account:bank-c:Z"}) == {}
