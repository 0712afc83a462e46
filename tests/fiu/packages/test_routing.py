"""Every package names someone its recipient may act on; nobody else gets one."""
from __future__ import annotations

import copy

from fiu.packages.assemble import package_files, route
from fiu.packages.partners import Partner
from fiu.packages.policy import view_for

from tests.fiu.packages.sample_case import BANK_A, BANK_B, LE_FED, PARTNERS, STAMP, leaky_case

BANK_C = Partner("bank-c", "financial_institution", "Bank C")


def with_victim_account_at_bank_c() -> dict:
    case = copy.deepcopy(leaky_case())
    ref = "account:bank-c:VICTIM4"
    case["refs"] = sorted([*case["refs"], ref])
    case["subjects"].append({"entity_id": "ent-71c700000004", "role": "potential_victim",
                             "entity_type": "person", "names": ["Rosa Vega"], "refs": [ref]})
    case["records"] = [*case.get("records", []),
                       {"ref": ref, "name": "Rosa Vega", "partner": "bank-c", "region": "TX"}]
    return case


def test_a_bank_holding_only_victims_accounts_gets_nothing():
    case = with_victim_account_at_bank_c()
    assert package_files(case, BANK_C, STAMP) == {}
    assert "bank-c" not in route(case, [*PARTNERS, BANK_C])["recipients"]
    # The banks holding subjects' accounts still get theirs.
    assert package_files(case, BANK_A, STAMP) and package_files(case, BANK_B, STAMP)


def test_every_package_sent_names_a_subject():
    case = leaky_case()
    for recipient in PARTNERS:
        if package_files(case, recipient, STAMP):
            assert view_for(recipient, case)["subjects"]


def test_a_case_of_victims_only_is_kept_with_the_reason_and_sent_to_nobody():
    case = copy.deepcopy(leaky_case())
    for subject in case["subjects"]:
        subject["role"] = "potential_victim"
    routed = route(case, PARTNERS)
    assert routed["recipients"] == []
    assert routed["no_package"] == ("every party is a potential victim or a related party: "
                                  "no subject to name")
    assert all(package_files(case, r, STAMP) == {} for r in PARTNERS)


def test_law_enforcement_is_told_which_partner_to_ask_about_an_account_only_subject():
    case = copy.deepcopy(leaky_case())
    # Only the owner's account is left as a subject: law enforcement sees no account,
    # but learns the subject exists and which bank to ask, and nothing that identifies it.
    owner = next(s for s in case["subjects"] if s["entity_id"] == "ent-0000000000f9")
    case["subjects"] = [owner]
    view = view_for(LE_FED, case)
    assert [(s["entity_id"], s["refs"], s["names"], s["ask_partners"]) for s in view["subjects"]] == [
        ("ent-0000000000f9", [], [], ["bank-b"])]
    files = package_files(case, LE_FED, STAMP)
    assert files and all(ref.split(":")[-1] not in "".join(files.values())
                         for ref in owner["refs"])
    assert all(name not in "".join(files.values()) for name in owner["names"])
    assert route(case, PARTNERS)["recipients"] == ["bank-b", "le-fed", "le-tx"]


def test_law_enforcement_is_not_sent_to_a_bank_holding_only_victims_accounts():
    case = with_victim_account_at_bank_c()
    case["subjects"] = [s for s in case["subjects"]
                        if s["entity_id"] in ("ent-0000000000f9", "ent-71c700000004")]
    asks = {p for s in view_for(LE_FED, case)["subjects"] for p in s.get("ask_partners", [])}
    assert asks == {"bank-b"}
    assert "bank-c" not in view_for(LE_FED, case)["partners_to_ask"]


def test_a_victims_account_resolved_into_her_controller_is_never_shown():
    case = with_victim_account_at_bank_c()
    # The resolver joined her account to the owner's party (his phone was on it):
    # detection marks it protected, and no package shows it or sends to her bank.
    owner = next(s for s in case["subjects"] if s["entity_id"] == "ent-0000000000f9")
    victim = next(s for s in case["subjects"] if s["entity_id"] == "ent-71c700000004")
    case["subjects"].remove(victim)
    owner["refs"] = sorted([*owner["refs"], *victim["refs"]])
    owner["protected_refs"] = victim["refs"]
    assert package_files(case, BANK_C, STAMP) == {}
    for recipient in PARTNERS:
        text = "".join(package_files(case, recipient, STAMP).values())
        assert "VICTIM4" not in text and "Rosa Vega" not in text and "bank-c" not in text


def test_a_subjects_account_in_another_persons_name_is_protected():
    import pandas as pd

    from fiu.detect.cases import _protected_accounts

    party = pd.DataFrame({"ref": ["account:bank-a:1", "account:bank-b:2", "account:bank-b:3",
                                  "osint:AD1"],
                          "kind": ["account", "account", "account", "osint"],
                          "name_norm": ["alex thomas", "alex thomas", "alex pham", "angel"]})
    # a shared first name (she lives with him, his phone on her account) is no tie
    assert _protected_accounts(party, frozenset()) == ["account:bank-b:3"]
    party.loc[1, "name_norm"] = "alex tomas"  # one slip in the family name is his
    # savings moved to one's own other account: protected too (when in doubt)
    assert _protected_accounts(party, frozenset({"account:bank-a:1"})) == [
        "account:bank-a:1", "account:bank-b:3"]


def test_a_registry_owner_is_shown_to_everyone_by_the_record_naming_him():
    case = copy.deepcopy(leaky_case())
    owner = next(s for s in case["subjects"] if s["entity_id"] == "ent-0000000000f9")
    owner["named_in"] = [{"ref": "osint:REG1", "name_norm": "li wei"}]
    # Law enforcement: the registry's name and record, and the partner holding his
    # account, never the account or the bank's own name, phone or e-mail for him.
    le = next(s for s in view_for(LE_FED, case)["subjects"] if s["entity_id"] == owner["entity_id"])
    assert (le["names"], le["refs"], le["ask_partners"], le["phones"]) == (
        ["Li Wei"], [], ["bank-b"], [])
    assert le["named_in"] == [{"ref": "osint:REG1", "source": "business_registry",
                               "names": ["Li Wei"]}]
    # A bank holding none of his accounts: the open-source lead, counted no more as hidden.
    view = view_for(BANK_A, case)
    bank_a = next(s for s in view["subjects"] if s["entity_id"] == owner["entity_id"])
    assert (bank_a["names"], bank_a["refs"], bank_a["emails"]) == (["Li Wei"], [], [])
    assert view["related_parties_not_shown"] == 0
    # His own bank: his account, and the record naming him.
    bank_b = next(s for s in view_for(BANK_B, case)["subjects"]
                  if s["entity_id"] == owner["entity_id"])
    assert bank_b["refs"] == ["account:bank-b:OWNER9"] and bank_b["named_in"]
    # Without the record naming him, a bank holding none of his accounts is shown nothing.
    del owner["named_in"]
    assert view_for(BANK_A, case)["related_parties_not_shown"] == 1


def test_a_related_party_is_named_in_no_package_and_its_bank_gets_nothing():
    case = copy.deepcopy(leaky_case())
    ref = "account:bank-c:DINER1"
    case["refs"] = sorted([*case["refs"], ref])
    case["subjects"].append({"entity_id": "ent-d1e700000001", "role": "related_party",
                             "entity_type": "business", "names": ["Golden Wok Diner"],
                             "refs": [ref], "role_reasons": ["a business"]})
    case["records"] = [*case.get("records", []),
                       {"ref": ref, "name": "Golden Wok Diner", "partner": "bank-c", "region": "TX"}]
    assert package_files(case, BANK_C, STAMP) == {}
    assert "bank-c" not in route(case, [*PARTNERS, BANK_C])["recipients"]
    for recipient in PARTNERS:
        assert "ent-d1e700000001" not in {s["entity_id"] for s in view_for(recipient, case)["subjects"]}
        assert "Golden Wok" not in "".join(package_files(case, recipient, STAMP).values())
    assert "bank-c" not in view_for(LE_FED, case)["partners_to_ask"]
