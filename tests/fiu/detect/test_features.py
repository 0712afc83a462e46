"""Features on hand-built tables give exact numbers."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from fiu.detect import features as F
from fiu.detect.networks import party_records

from .conftest import t, typed


def frame(rows):
    return F.transaction_features(typed("transactions", rows))


def test_night_card_share_uses_local_time():
    # T0 is 12:00 UTC; at offset -360 (UTC-6) hours +17 and +21 are 23:00 and 03:00 local,
    # while +11 would be 23:00 in UTC but 17:00 on the local clock.
    rows = [t("A", 17, 80, offset=-360), t("A", 21, 80, offset=-360),
            t("A", 2, 80, offset=-360), t("A", 11, 80, offset=-360),
            t("A", 17, 80, direction="out", offset=-360)]
    f = frame(rows)
    assert f.loc["account:bank-a:A", "card_receipt_count"] == 4
    assert f.loc["account:bank-a:A", "night_card_share"] == 0.5


def test_night_card_share_is_null_without_card_receipts():
    f = frame([t("A", 0, 50, channel="cash")])
    assert math.isnan(f.loc["account:bank-a:A", "night_card_share"])


def test_round_amount_share_counts_whole_multiples_of_five():
    f = frame([t("A", 0, 80), t("A", 1, 60), t("A", 2, 62.5), t("A", 3, 100.01)])
    assert f.loc["account:bank-a:A", "round_amount_share"] == 0.5


def test_structuring_and_cash_windows():
    rows = [t("A", 24 * d, 9000 + d, channel="cash", region=r)
            for d, r in [(0, "TX"), (5, "OK"), (10, "LA"), (45, "TX")]]
    rows.append(t("A", 24 * 50, 12000, channel="cash", region="AR"))
    f = frame(rows).loc["account:bank-a:A"]
    assert f["structuring_count_30d"] == 3
    assert f["cash_in_count_30d"] == 3
    assert f["cash_in_regions_30d"] == 3


def test_sweeps_to_one_counterparty_within_48h():
    rows = [
        t("W", 0, 1000, channel="ach", memo="payroll"),
        t("W", 20, 700, direction="out", channel="p2p", counterparty_account="bank-a:C"),
        t("W", 30, 100, direction="out", channel="card", counterparty_name="Shop"),
        t("W", 100, 100, direction="out", channel="card", counterparty_name="Shop"),
        t("W", 336, 1000, channel="ach", memo="payroll"),
        t("W", 340, 800, direction="out", channel="p2p", counterparty_account="bank-a:C"),
    ]
    f = frame(rows).loc["account:bank-a:W"]
    # The card purchase is spending, not a transfer: only the p2p payments are swept.
    assert f["sweep_share_48h"] == pytest.approx(1500 / 2000)
    assert f["sweep_to_one_share_48h"] == pytest.approx(1500 / 2000)
    assert f["sweep_events"] == 2
    assert f["payroll_in_count"] == 2
    assert f["counterparties_out"] == 2


def test_rent_to_a_landlord_is_not_a_sweep_but_a_funnel_drain_counts_cash():
    rows = [
        t("R", 0, 2000, channel="ach", memo="PAYROLL"),
        t("R", 20, 1900, direction="out", channel="ach", counterparty_name="Parkview", memo="RENT"),
        t("F", 0, 9000, channel="cash", region="TX"),
        t("F", 30, 8800, direction="out", channel="cash"),
    ]
    f = frame(rows)
    assert f.loc["account:bank-a:R", "sweep_share_48h"] == 0
    assert f.loc["account:bank-a:R", "sweep_share_72h"] == pytest.approx(0.95)
    assert f.loc["account:bank-a:F", "sweep_share_72h"] == pytest.approx(8800 / 9000)
    assert f.loc["account:bank-a:F", "cash_in_share"] == 1


def test_counts_of_merchant_categories_and_channels():
    rows = [
        t("E", 0, 120, direction="out", merchant_category_code="7011", region="TX"),
        t("E", 48, 110, direction="out", merchant_category_code="3502", region="OK"),
        t("E", 96, 90, direction="out", merchant_category_code="7011", region="LA"),
        t("E", 1, 15, direction="out", merchant_category_code="7311"),
        t("E", 2, 15, direction="out", channel="p2p", counterparty_name="Classified Ads Co"),
        t("E", 3, 200, direction="out", channel="prepaid"),
        t("E", 4, 200, direction="out", merchant_category_code="6051"),
        t("E", 5, 60, direction="out", merchant_category_code="5411"),
    ]
    f = frame(rows).loc["account:bank-a:E"]
    assert f["hotel_spend_count"] == 3
    assert f["hotel_regions_30d"] == 3
    assert f["ad_payment_count"] == 2
    assert f["ad_payment_count_90d"] == 2
    assert f["prepaid_crypto_count"] == 2
    assert f["grocery_spend_count"] == 1


def test_p2p_night_payers_and_share():
    rows = [t("P", 11 + k * 0.1, 200, channel="p2p", offset=-60, counterparty_name=f"payer {k}")
            for k in range(4)]  # 22:00 local
    rows += [t("P", 2, 200, channel="p2p", offset=-60, counterparty_name="day payer")]
    f = frame(rows).loc["account:bank-a:P"]
    assert f["p2p_night_payers"] == 4
    assert f["p2p_payers"] == 5
    assert f["p2p_night_share"] == pytest.approx(0.8)


def test_fee_to_payer_and_payroll_outflows():
    rows = [
        t("W", 0, 900, channel="ach", counterparty_account="bank-a:E", memo="payroll"),
        t("W", 30, 150, direction="out", channel="p2p", counterparty_account="bank-a:E", memo="housing fee"),
        t("W", 60, 150, direction="out", channel="p2p", counterparty_account="bank-a:E", memo="Rent"),
        t("W", 70, 500, direction="out", channel="p2p", counterparty_account="bank-a:X", memo="rent"),
        t("E", 0, 900, direction="out", channel="ach", counterparty_account="bank-a:W", memo="payroll"),
    ]
    f = frame(rows)
    assert f.loc["account:bank-a:W", "fee_to_payer_count"] == 2
    assert f.loc["account:bank-a:W", "fee_memo_out_count"] == 3
    assert f.loc["account:bank-a:E", "payroll_outflow_count"] == 1
    assert f.loc["account:bank-a:E", "payroll_payees"] == 1


def test_monthly_receipts_and_round_transfer_weeks():
    rows = [t("B", 24 * d, 1000) for d in range(0, 60, 6)]  # 10 receipts over 54 days
    rows += [t("B", 24 * 7 * w, 1500, direction="out", channel="wire",
               counterparty_account="bank-a:O") for w in range(5)]
    f = frame(rows).loc["account:bank-a:B"]
    assert f["monthly_receipts"] == pytest.approx(10000 / (54 / 30))
    assert f["round_transfer_weeks"] == 5


def _records(accounts, osint=()):
    acc = typed("accounts", accounts)
    osi = typed("osint", list(osint))
    from fiu.normalize.records import normalise

    recs = party_records(normalise("accounts", acc), normalise("osint", osi), None)
    return F.PartyContext(recs)


def acct(aid, name, htype="individual", **kw):
    return {"partner_id": kw.pop("partner_id", "bank-a"), "account_id": aid, "holder_name": name,
            "holder_type": htype, "country": "US", "ref": f"account:{kw.get('_p', 'bank-a')}:{aid}", **kw}


def test_cohort_accounts_opened_together_at_one_address():
    from datetime import date

    rows = [acct(f"W{i}", f"Worker {i}", address="500 Camp Rd", postal_code="34142",
                 opened_on=date(2026, 2, 1 + 2 * i)) for i in range(5)]
    rows.append(acct("OLD", "Old Tenant", address="500 Camp Rd", postal_code="34142",
                     opened_on=date(2020, 1, 1)))
    ctx = _records(rows)
    cohort = F.cohort_accounts_14d(ctx)
    assert cohort["account:bank-a:W0"] == 5
    assert cohort["account:bank-a:OLD"] == 1


def test_owner_of_massage_businesses_in_two_states():
    osint = [
        {"record_id": "R1", "source": "business_registry", "entity_type": "business",
         "name": "Lotus Spa LLC", "region": "TX", "related_names": ["Mei Chen"], "ref": "osint:R1"},
        {"record_id": "R2", "source": "license", "entity_type": "business",
         "name": "Jade Massage", "region": "CA", "related_names": ["Mei Chen"], "ref": "osint:R2"},
        {"record_id": "R3", "source": "business_registry", "entity_type": "person",
         "name": "Mei Chen", "region": "TX", "ref": "osint:R3"},
    ]
    ctx = _records([], osint)
    ent = ctx.records.set_index("ref")["entity_id"]
    assert F.owned_massage_businesses(ctx)[ent["osint:R3"]] == 2
    assert F.owned_massage_regions(ctx)[ent["osint:R3"]] == 2


def test_ad_contact_counts():
    osint = [{"record_id": f"AD{i}", "source": "online_ad", "entity_type": "person",
              "name": n, "city": c, "phone": "+15125550100", "ref": f"osint:AD{i}"}
             for i, (n, c) in enumerate([("Lily", "Austin"), ("Coco", "Austin"), ("Mia", "Dallas")])]
    ctx = _records([], osint)
    assert set(F.ad_contact_ads(ctx)) == {3.0}
    assert set(F.ad_contact_names(ctx)) == {3.0}
    assert set(F.ad_contact_cities(ctx)) == {2.0}


def test_every_feature_is_documented():
    for level, name, doc in F.feature_docs():
        assert doc, f"{level} feature {name} has no docstring"
    names = F.feature_names()
    assert len(names) == len(set(names))


def test_a_business_paying_its_owner_a_draw_is_not_a_swept_account():
    import pandas as pd

    members = pd.DataFrame({
        "ref": ["account:a:W1", "account:a:W2", "account:a:SPA"],
        "entity_id": ["w1", "w2", "spa"], "network_id": "net-1", "kind": "account",
        "is_business": [False, False, True],
    })
    features = pd.DataFrame({"sweep_to_one_share_48h": [0.8, 0.9, 0.95]},
                            index=pd.Index(members["ref"], name="ref"))
    ctx = F.NetworkContext(members, features, pd.DataFrame(), pd.DataFrame())
    assert F.network_swept_accounts(ctx).to_dict() == {"net-1": 2.0}


def test_memo_cues_match_each_row_as_a_search_of_its_memo_would():
    # Each distinct memo is searched once (`fee_memo`, `payroll_memo`); the flags must
    # be what searching every row gives, missing memos included.
    memos = ["RENT", "rent due", "parent teacher", "Housing fee", "payroll", "PAYROLL 03/12",
             "wages", "wagesx", "direct dep", "Uber ride", "", None, "bus fare", "bed",
             "bedroom", "advance", "salary", "groceries"] * 3
    rows = [t("A", i, 10.0, direction="out" if i % 2 else "in", memo=m)
            for i, m in enumerate(memos)]
    frame = F.prepare_transactions(typed("transactions", rows))
    memo = frame["memo"]
    assert frame["fee_memo"].tolist() == memo.str.contains(F.FEE_MEMO, regex=True).tolist()
    assert frame["payroll_memo"].tolist() == memo.str.contains(
        F.PAYROLL_MEMO, regex=True).tolist()
    assert frame["fee_memo"].sum() > 0 and frame["payroll_memo"].sum() > 0


def test_counts_per_account_by_number_equal_a_groupby():
    # `_count` counts by the accounts' numbers (`account_code`); it must give what
    # grouping by the refs gives, accounts with no row of the mask included.
    rows = [t(a, h, 10.0 + h, direction="out" if (h * 7) % 3 else "in",
              channel="card" if h % 2 else "cash")
            for a in ("B", "A", "C", "AA", "Ab") for h in range(0, 40, 3)]
    frame = F.prepare_transactions(typed("transactions", rows))
    assert frame["account"].is_monotonic_increasing
    for mask in (frame["inflow"], ~frame["inflow"] & (frame["channel"] == "card"),
                 frame["account"] == "account:bank-a:C", frame["amount"] > 1e9):
        fast = F._count(frame, mask)
        slow = mask.groupby(frame["account"]).sum().astype(float)
        pd.testing.assert_series_equal(fast, slow)
