"""Tests that try to leak what CONTRACT §4 forbids, in every file of every package."""
import json

import pytest

from fiu.packages.assemble import package_files
from fiu.packages.partners import Partner
from fiu.packages.policy import KEY_TERM, receives, view_for

from tests.fiu.packages.sample_case import BANK_A, BANK_B, LE_FED, LE_FL, LE_TX, STAMP, leaky_case

VICTIM_STRINGS = ["VICTIM3", "Anna", "Doe", "osint:AD7", "T50", "+15125550777", "ent-71c700000003"]
# Activity of a victim's account: never in a bank's timeline (law enforcement's case-wide
# aggregate includes it, summed with everything else).
VICTIM_AMOUNTS = ["555555", "555,555"]
# What each recipient may never see, in any file of its package.
FORBIDDEN = {
    "bank-a": VICTIM_STRINGS + VICTIM_AMOUNTS + ["bank-b:", "OWNER9", "T9", "Li Wei", "+15125550199", "li.wei@",
                                "777777", "777,777", "778777", "778,778", "ent-0000000000f9"],
    "bank-b": VICTIM_STRINGS + VICTIM_AMOUNTS + ["bank-a:", "SPA1", "txn:bank-a", "Golden Lotus Spa LLC",
                                "+15125550100,", "778777", "778,778"],
    # Law enforcement may see the owner's case-scoped id and which bank to ask (he is
    # known only from bank-b's account), never his name, phone or account.
    "le-tx": VICTIM_STRINGS + ["account:", "txn:", "SPA1", "OWNER9", "T1", "T9",
                               "Li Wei", "+15125550199", "li.wei@"],
    "le-fed": VICTIM_STRINGS + ["account:", "txn:", "SPA1", "OWNER9", "T1", "T9", "Li Wei"],
}
RECIPIENTS = {"bank-a": BANK_A, "bank-b": BANK_B, "le-tx": LE_TX, "le-fed": LE_FED}


def text_of(view):
    return json.dumps(view)


@pytest.mark.parametrize("recipient_id", sorted(FORBIDDEN))
def test_no_file_of_a_package_holds_what_its_recipient_may_not_see(recipient_id):
    files = package_files(leaky_case(), RECIPIENTS[recipient_id], STAMP)
    assert {"package.json", "brief.html", "entities.ftm.json"} <= set(files)
    for name, text in files.items():
        for forbidden in FORBIDDEN[recipient_id]:
            assert forbidden not in text, f"{recipient_id}/{name} leaks {forbidden!r}"


def test_bank_sees_its_own_accounts_and_open_sources_only():
    view = view_for(BANK_A, leaky_case())
    text = text_of(view)
    assert "account:bank-a:SPA1" in text and "txn:bank-a:T1" in text and "osint:REG1" in text
    assert view["linked_accounts_elsewhere"] == {"accounts": 1, "institutions": 1}
    assert view["key_term"] == KEY_TERM
    assert view["tlp"] == "TLP:AMBER+STRICT"
    assert view["status"] == "draft"


def test_identifiers_csv_of_a_bank_lists_only_its_own_accounts():
    files = package_files(leaky_case(), BANK_A, STAMP)
    assert "own_account,SPA1" in files["identifiers.csv"]
    assert "identifiers.csv" not in package_files(leaky_case(), LE_FED, STAMP)


def test_identifiers_known_only_from_another_bank_never_reach_a_bank():
    view = view_for(BANK_A, leaky_case())
    assert "Li Wei" not in text_of(view) and view["related_parties_not_shown"] == 1


def test_potential_victims_are_counted_never_shown():
    for recipient in (BANK_A, BANK_B, LE_TX):
        view = view_for(recipient, leaky_case())
        assert view["potential_victims"]["count"] == 1
        assert [n["count"] for n in view["network"]["nodes"] if n["id"] == "potential-victims"] == [1]
    withheld = {e["rule_id"]: e["withheld"] for e in view_for(BANK_B, leaky_case())["evidence"]}
    assert withheld["escort_online_commercial_sex.forwards_to_controller"]["potential_victim_records"] == 3


def test_a_potential_victims_name_in_open_source_text_is_blanked():
    review = next(r for r in view_for(LE_TX, leaky_case())["open_sources"] if r["ref"] == "osint:REV2")
    assert review["text"].startswith("[withheld] said she lives upstairs.")


def test_law_enforcement_gets_partners_to_ask_and_no_account_numbers():
    view = view_for(LE_TX, leaky_case())
    assert view["partners_to_ask"] == ["bank-a", "bank-b"]
    assert view["tlp"] == "TLP:AMBER"
    assert "key_term" not in view and "linked_accounts_elsewhere" not in view


def test_a_banks_timeline_sums_only_its_own_subject_accounts():
    timeline = view_for(BANK_A, leaky_case())["timeline"]
    assert timeline["scope"] == "own_accounts"
    assert timeline["months"] == [
        {"date": "2026-03-01", "in": 1000.0, "out": 0.0, "count": 10},
        {"date": "2026-04-01", "in": 1000.0, "out": 0.0, "count": 1},
    ]
    # bank-b holds the owner and a victim: only the owner's activity is its own subject's.
    months = view_for(BANK_B, leaky_case())["timeline"]["months"]
    assert months == [{"date": "2026-03-01", "in": 777777.77, "out": 0.0, "count": 1}]


def test_a_bank_never_gets_the_case_wide_timeline_when_per_account_totals_are_missing():
    case = leaky_case()
    del case["account_months"]
    assert view_for(BANK_A, case)["timeline"]["months"] == []


def test_law_enforcement_gets_the_case_wide_aggregate_timeline():
    timeline = view_for(LE_FED, leaky_case())["timeline"]
    assert timeline["scope"] == "case" and timeline["months"] == leaky_case()["timeline"]


def test_network_links_owner_named_in_a_registry_only_where_the_owner_is_shown():
    links = view_for(BANK_B, leaky_case())["network"]["links"]
    assert {"source": "ent-0000000000f9", "target": "ent-5a0000000001", "kind": "officer_or_owner",
            "label": "named in business_registry osint:REG1"} in links
    ids = {n["id"] for n in view_for(BANK_A, leaky_case())["network"]["nodes"]}
    assert ids == {"ent-5a0000000001", "potential-victims", "not-shown"}


def test_routing_by_accounts_and_jurisdiction():
    case = leaky_case()
    assert receives(BANK_A, case) and receives(BANK_B, case)
    assert not receives(Partner("bank-c", "financial_institution", "C"), case)
    assert receives(LE_TX, case) and not receives(LE_FL, case)
    assert receives(LE_FED, case)
    assert package_files(case, LE_FL, STAMP) == {}


def test_tlp_override_from_partners_file():
    partner = Partner("bank-a", "financial_institution", "A", tlp="TLP:RED")
    assert view_for(partner, leaky_case())["tlp"] == "TLP:RED"
    assert "TLP:RED" in package_files(leaky_case(), partner, STAMP)["brief.html"]


@pytest.mark.parametrize("recipient", [BANK_A, BANK_B, LE_TX, LE_FED])
def test_an_ad_resolved_into_its_controllers_entity_still_never_shows(recipient):
    case = leaky_case()
    controller = next(s for s in case["subjects"] if s["names"] == ["Li Wei"])
    controller["refs"].append("osint:AD9")
    case["refs"].append("osint:AD9")
    case["records"].append({"ref": "osint:AD9", "kind": "osint", "source": "online_ad",
                            "name": "Lexi", "region": "TX", "text": "Sweet and young Lexi"})
    text = "".join(package_files(case, recipient, STAMP).values())
    assert "AD9" not in text and "Lexi" not in text


def test_network_draws_real_ties_and_ends_hidden_ones_at_counted_nodes():
    links = view_for(BANK_B, leaky_case())["network"]["links"]
    assert {"source": "potential-victims", "target": "ent-0000000000f9", "kind": "forwards_to",
            "label": "forwards most of what it receives to"} in links
    assert {"source": "ent-0000000000f9", "target": "potential-victims", "kind": "shares_phone",
            "label": "shares a phone with"} in links
    # The spa is shown to every recipient through its registry record.
    assert {"source": "ent-5a0000000001", "target": "ent-0000000000f9", "kind": "pays",
            "label": "pays"} in links
    assert all(link["kind"] != "shared_red_flag" for link in links)
    # Bank A is shown the spa only: its payments go to a party it may not see.
    bank_a = view_for(BANK_A, leaky_case())["network"]["links"]
    assert bank_a == [{"source": "ent-5a0000000001", "target": "not-shown", "kind": "pays",
                       "label": "pays"}]
