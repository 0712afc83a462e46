"""Tests that try to leak what CONTRACT §4 forbids."""
import json

from fiu.packages.partners import Partner
from fiu.packages.policy import KEY_TERM, receives, view_for

BANK_A = Partner("bank-a", "financial_institution", "Bank A")
BANK_B = Partner("bank-b", "financial_institution", "Bank B")
LE_TX = Partner("le-tx", "law_enforcement", "Texas task force", ("TX",))
LE_FL = Partner("le-fl", "law_enforcement", "Florida", ("FL",))


def case():
    return {
        "case_id": "case-0123456789ab",
        "score": 0.9,
        "typologies": ["illicit_massage_business"],
        "refs": ["account:bank-a:SPA1", "account:bank-b:OWNER9", "account:bank-b:VICTIM3", "osint:REG1", "osint:AD7"],
        "subjects": [
            {"entity_id": "ent-spa", "role": "subject", "entity_type": "business",
             "refs": ["account:bank-a:SPA1", "osint:REG1"]},
            {"entity_id": "ent-owner", "role": "subject", "entity_type": "person",
             "refs": ["account:bank-b:OWNER9"]},
            {"entity_id": "ent-victim", "role": "potential_victim", "entity_type": "person",
             "refs": ["account:bank-b:VICTIM3", "osint:AD7"]},
        ],
        "rule_hits": [
            {"rule_id": "imb.night", "refs": ["account:bank-a:SPA1", "txn:bank-a:T1", "txn:bank-b:T9"],
             "explanation": "night receipts"},
            {"rule_id": "esc.sweep", "refs": ["account:bank-b:VICTIM3", "txn:bank-b:T50", "osint:AD7"],
             "explanation": "forwarded to controller"},
        ],
        "records": [
            {"ref": "account:bank-a:SPA1", "name": "Golden Lotus Spa LLC", "phone": "+15125550100", "region": "TX"},
            {"ref": "osint:REG1", "name": "Golden Lotus Spa", "address": "12 MAIN ST", "region": "TX"},
            {"ref": "account:bank-b:OWNER9", "name": "Li Wei", "phone": "+15125550199", "region": "CA"},
            {"ref": "account:bank-b:VICTIM3", "name": "Anna Doe", "region": "CA"},
            {"ref": "osint:AD7", "name": "Anna", "phone": "+15125550199", "region": "TX"},
        ],
        "txn_accounts": {"txn:bank-a:T1": "account:bank-a:SPA1", "txn:bank-b:T9": "account:bank-b:OWNER9",
                         "txn:bank-b:T50": "account:bank-b:VICTIM3"},
    }


def text_of(view):
    return json.dumps(view)


def test_bank_sees_its_own_accounts_and_open_sources_only():
    view = view_for(BANK_A, case())
    text = text_of(view)
    assert "account:bank-a:SPA1" in text and "txn:bank-a:T1" in text and "osint:REG1" in text
    assert "bank-b:" not in text and "OWNER9" not in text and "T9" not in text
    assert view["linked_accounts_elsewhere"] == {"accounts": 1, "institutions": 1}
    assert view["key_term"] == KEY_TERM
    assert view["tlp"] == "TLP:AMBER+STRICT"


def test_identifiers_known_only_from_another_bank_never_reach_a_bank():
    text = text_of(view_for(BANK_A, case()))
    assert "Li Wei" not in text and "+15125550199" not in text
    assert view_for(BANK_A, case())["related_parties_not_shown"] == 1


def test_potential_victims_are_counted_never_shown():
    for recipient in (BANK_A, BANK_B, LE_TX):
        view = view_for(recipient, case())
        text = text_of(view)
        assert "VICTIM3" not in text and "Anna" not in text and "osint:AD7" not in text and "T50" not in text
        assert view["potential_victims"]["count"] == 1
    withheld = {e["rule_id"]: e["withheld"] for e in view_for(BANK_B, case())["evidence"]}
    assert withheld["esc.sweep"]["potential_victim_records"] == 3


def test_law_enforcement_gets_partners_to_ask_and_no_account_numbers():
    view = view_for(LE_TX, case())
    text = text_of(view)
    assert "account:" not in text and "txn:" not in text and "SPA1" not in text
    assert view["partners_to_ask"] == ["bank-a", "bank-b"]
    assert view["tlp"] == "TLP:AMBER"


def test_routing_by_accounts_and_jurisdiction():
    assert receives(BANK_A, case()) and receives(BANK_B, case())
    assert not receives(Partner("bank-c", "financial_institution", "C"), case())
    assert receives(LE_TX, case()) and not receives(LE_FL, case())
    assert receives(Partner("le-fed", "law_enforcement", "Federal"), case())


def test_tlp_override_from_partners_file():
    partner = Partner("bank-a", "financial_institution", "A", tlp="TLP:RED")
    assert view_for(partner, case())["tlp"] == "TLP:RED"
