"""A business the case holds only as a payer of its people is a related party."""
from __future__ import annotations

import pandas as pd

from fiu.detect.roles import POTENTIAL_VICTIM, SUBJECT, business_signs, drawn_in
from fiu.detect.settings import RoleSettings


def tie(source, target, kind="pays"):
    return {"source": source, "target": target, "kind": kind, "count": 1}


ROLES = {"boss": SUBJECT, "v1": POTENTIAL_VICTIM, "v2": POTENTIAL_VICTIM,
         "front": SUBJECT, "diner": SUBJECT}
WORKERS = [tie("v1", "boss", "forwards_to"), tie("v2", "boss", "forwards_to"),
           tie("boss", "front", "officer_or_owner")]


NAMES = {"front": {"southern crop labor"}, "diner": {"golden wok"},
         "diner-review": {"golden wok"}, "front-licence": {"southern crop labor"}}


def fallen(extra, roles=ROLES, signs=frozenset()):
    businesses = {p for p in roles if p in ("front", "diner", "spa-a", "spa-b", "diner-review",
                                            "front-licence")}
    return drawn_in(roles, businesses, WORKERS + extra, set(signs), NAMES)


def test_an_employer_paying_the_workers_wages_is_a_related_party():
    assert fallen([tie("diner", "v1"), tie("diner", "v2")]) == {"diner"}


def test_a_business_with_no_tie_at_all_is_the_business_of_its_name():
    # A review or licence the network holds by its name: it goes with the business of
    # that name, and stays a subject when there is none or that one stays.
    roles = {**ROLES, "diner-review": SUBJECT, "front-licence": SUBJECT}
    assert fallen([tie("diner", "v1")], roles) == {"diner", "diner-review"}
    assert fallen([tie("diner", "boss")], roles) == set()
    assert fallen([], roles) == set()


def test_a_business_tied_to_a_subject_in_any_way_stays_a_subject():
    for extra in ([tie("diner", "boss")], [tie("boss", "diner")],
                  [tie("diner", "front", "shares_phone")], [tie("boss", "diner", "officer_or_owner")]):
        assert fallen(extra) == set(), extra


def test_money_or_a_contact_from_the_victims_ties_a_business_to_the_operation():
    # Workers paying it fees, or accounts carrying its phone: they are controlled through it.
    assert fallen([tie("v1", "diner")]) == set()
    assert fallen([tie("v1", "diner", "shares_phone")]) == set()
    assert fallen([tie("v2", "diner", "shares_address")]) == set()


def test_a_protected_person_named_its_owner_ties_it_to_nobody_who_profits():
    assert fallen([tie("v1", "diner", "officer_or_owner"), tie("diner", "v1")]) == {"diner"}


def test_businesses_tied_to_each_other_stay_subjects_together():
    # Two spas sharing a phone, their owner unknown to the data: still the operation.
    roles = {"spa-a": SUBJECT, "spa-b": SUBJECT, "v1": POTENTIAL_VICTIM}
    assert drawn_in(roles, {"spa-a", "spa-b"}, [tie("spa-a", "spa-b", "shares_phone"),
                                                tie("spa-a", "v1")], set(), {}) == set()


def test_a_business_whose_own_evidence_shows_profit_stays_a_subject():
    assert fallen([tie("diner", "v1")], signs={"diner"}) == set()
    evidence = pd.DataFrame({
        "collects_from": [0, 3, 0, 0, 0], "pays_operation": [False, False, True, False, False],
        "advertised": [False, False, False, True, False],
        "trafficking_record": [False, False, False, False, True]},
        index=["plain", "collector", "advertiser", "advertised", "convicted"])
    assert list(evidence.index[business_signs(evidence, RoleSettings())]) == [
        "collector", "advertiser", "advertised", "convicted"]
