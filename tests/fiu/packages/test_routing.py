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
    assert routed["no_package"] == "every party is a potential victim: no subject to name"
    assert all(package_files(case, r, STAMP) == {} for r in PARTNERS)


def test_law_enforcement_without_a_visible_subject_gets_nothing():
    case = copy.deepcopy(leaky_case())
    # Only the owner's account is left as a subject: law enforcement sees no account.
    case["subjects"] = [s for s in case["subjects"] if s["entity_id"] == "ent-0000000000f9"]
    assert package_files(case, LE_FED, STAMP) == {}
    assert route(case, PARTNERS)["recipients"] == ["bank-b"]
