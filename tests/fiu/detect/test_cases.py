"""Cases from the hand-built sample world: planted networks found, look-alikes not."""
from __future__ import annotations

import json

import pytest

from fiu.detect.cases import detect_cases
from fiu.detect.roles import POTENTIAL_VICTIM, SUBJECT
from fiu.detect.sample import sample_world


@pytest.fixture(scope="module")
def world():
    return sample_world()


@pytest.fixture(scope="module")
def detected(world):
    return detect_cases(world["transactions"], world["accounts"], world["osint"],
                        world["entities"], use_default_model=False)


def test_both_planted_networks_become_cases_and_look_alikes_do_not(world, detected):
    cases, stats = detected
    assert sorted(c["refs"] for c in cases) == sorted(world["truth"].values())
    assert stats["cases"] == 2 and stats["threshold"] == 0.5
    assert stats["model"] is None and stats["model_fitted_on_labels"] is False


def test_case_typologies(detected):
    cases, _ = detected
    by_typ = {tuple(c["typologies"]) for c in cases}
    assert by_typ == {("illicit_massage_business",), ("labor_trafficking",)}


def test_roles_assign_victims(detected):
    cases, _ = detected
    roles = {ref: s["role"] for c in cases for s in c["subjects"] for ref in s["refs"]}
    assert roles["osint:AD1"] == POTENTIAL_VICTIM  # the advertised person
    assert roles["account:bank-c:W3"] == POTENTIAL_VICTIM  # worker whose pay is swept
    assert roles["account:bank-c:C1"] == SUBJECT  # the controller
    assert roles["account:bank-c:E1"] == SUBJECT  # the contractor
    assert roles["account:bank-a:O1"] == SUBJECT  # the spa owner
    assert roles["account:bank-a:S1"] == SUBJECT


def test_every_case_ref_belongs_to_exactly_one_subject(detected):
    for case in detected[0]:
        refs = [r for s in case["subjects"] for r in s["refs"]]
        assert sorted(refs) == case["refs"]


def test_case_shape_follows_architecture(detected):
    case = detected[0][0]
    assert set(case) == {"case_id", "score", "typologies", "refs", "rule_hits", "model", "ties",
                         "subjects", "regions", "timeline"}
    assert case["case_id"].startswith("case-") and len(case["case_id"]) == 17
    hit = case["rule_hits"][0]
    assert set(hit) == {"rule_id", "title", "typology", "indicator", "source", "severity",
                        "level", "refs", "explanation"}
    required = {"entity_id", "role", "role_reasons", "entity_type", "names", "refs",
                "phones", "emails", "addresses", "regions", "partners"}
    for subject in case["subjects"]:
        assert required <= set(subject) <= required | {"protected_refs", "named_in"}
    assert set(case["timeline"][0]) == {"date", "in", "out", "count"}
    json.dumps(case, sort_keys=True)


def test_detection_is_deterministic(world, detected):
    again = detect_cases(world["transactions"].take(list(range(world["transactions"].num_rows))[::-1]),
                         world["accounts"], world["osint"], world["entities"],
                         use_default_model=False)
    assert json.dumps(again[0], sort_keys=True) == json.dumps(detected[0], sort_keys=True)


def test_threshold_is_configurable_and_recorded(world):
    cases, stats = detect_cases(world["transactions"], world["accounts"], world["osint"],
                                world["entities"], threshold=0.99, use_default_model=False)
    assert cases == [] and stats["threshold"] == 0.99
    with pytest.raises(ValueError, match="threshold"):
        detect_cases(world["transactions"], world["accounts"], world["osint"],
                     world["entities"], threshold=1.5, use_default_model=False)


def test_empty_inputs_give_no_cases(world):
    from fiu.contract import typed_schema

    cases, stats = detect_cases(typed_schema("transactions").empty_table(), world["accounts"],
                                None, None, use_default_model=False)
    assert cases == [] and stats["transactions"] == 0


def test_default_model_scores_and_gives_reasons(world):
    cases, stats = detect_cases(world["transactions"], world["accounts"], world["osint"],
                                world["entities"])
    assert stats["model"]["version"].startswith("case-model-")
    assert all(c["model"]["reasons"] and c["model"]["version"] for c in cases)


def test_too_few_labels_to_fit_is_recorded_in_stats(world):
    # the sample world's labelled refs fall in two networks, both labelled 1
    _, stats = detect_cases(world["transactions"], world["accounts"], world["osint"],
                            world["entities"], labels=world["labels"], use_default_model=False)
    assert stats["model_fitted_on_labels"] is False
    assert stats["model_note"].startswith("labels present (4 rows) but too few to fit")
    assert "2 labelled-1 and 0 labelled-0" in stats["model_note"]
    assert stats["model_note"].endswith("scored with rules only")


def test_structure_alone_or_general_flags_alone_make_no_case():
    import pandas as pd

    from fiu.detect.cases import shows_conduct
    from fiu.detect.rules import Rule

    def rule(rid, typology, indicator):
        return Rule(rid, rid, typology, indicator, "src", "high", "network", "x > 0", "", {})

    rules = [rule("imb.owner", "illicit_massage_business", "IMB-4"),
             rule("imb.night", "illicit_massage_business", "IMB-1"),
             rule("imb.payroll", "illicit_massage_business", "IMB-3"),
             rule("esc.tips", "escort_online_commercial_sex", "ESC-3"),
             rule("esc.tips2", "escort_online_commercial_sex", "ESC-3"),
             rule("lab.phone", "labor_trafficking", "LAB-3"),
             rule("gen.partners", "general", "GEN-2")]
    X = pd.DataFrame({"rule:imb.owner": [1, 1, 0, 1, 0, 0], "rule:imb.night": [0, 2, 0, 0, 0, 0],
                      "rule:imb.payroll": [0, 1, 0, 0, 0, 0], "rule:esc.tips": [0, 0, 0, 1, 1, 1],
                      "rule:esc.tips2": [0, 0, 0, 0, 1, 0], "rule:lab.phone": [0, 0, 0, 0, 0, 1],
                      "rule:gen.partners": [1, 0, 3, 1, 0, 0]},
                     index=["chain", "imb", "general", "chain+tips", "tips twice", "tips+phone"])
    # structure or general flags alone never; one indicator of conduct (even hit by two
    # rules) is not corroborated, nor one of each of two typologies; two of one are
    assert shows_conduct(X, rules).to_dict() == {
        "chain": False, "imb": True, "general": False, "chain+tips": False, "tips twice": False,
        "tips+phone": False}


def test_an_account_in_another_first_name_of_the_same_family_is_kept_out_of_packages():
    import pandas as pd

    from fiu.detect.cases import _protected_accounts

    def g(names):
        return pd.DataFrame({"kind": "account", "ref": [f"account:bank-a:{i}" for i in range(len(names))],
                             "name_norm": names})

    # A woman given her controller's family name (wide seed 7404), resolved into his party.
    assert _protected_accounts(g(["juan hill", "juan hill", "adriana hill"]), frozenset()) == [
        "account:bank-a:2"]
    # A typing slip in either name, or a short form of the first, is the same person
    # (wide seed 7426: "Walker, Sam", folded to "samuel walker", for "Samantha Walker").
    assert _protected_accounts(g(["juan hill", "jaun hill", "juan hil"]), frozenset()) == []
    assert _protected_accounts(g(["samantha walker", "samuel walker"]), frozenset()) == []
    # A woman sharing only his first name, as before.
    assert _protected_accounts(g(["juan hill", "juan lopez"]), frozenset()) == [
        "account:bank-a:0", "account:bank-a:1"]
    # A short form of another initial, typed with a slip (wide seed 7504: "Btty M.
    # Watson" beside "Elizabeth Watson") is his; a name a slip from a short form of
    # four letters or fewer is not ("lia" beside "liam" for "william").
    assert _protected_accounts(g(["elizabeth watson", "btty watson"]), frozenset()) == []
    assert _protected_accounts(g(["william hill", "lia hill"]), frozenset()) == [
        "account:bank-a:0", "account:bank-a:1"]
