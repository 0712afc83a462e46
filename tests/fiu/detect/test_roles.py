"""Roles are decided per resolved party, across accounts and institutions."""
from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

from fiu.detect.cases import candidate_networks, summarise_transactions
from fiu.detect.roles import POTENTIAL_VICTIM, SUBJECT, case_roles, owners_in_case
from fiu.detect.settings import DetectSettings

from .conftest import t, typed

SEX = ["escort_online_commercial_sex"]
LABOR = ["labor_trafficking"]
FUNNEL = ["funnel_account"]


def account(partner, acct, name, **kw):
    return {"ref": f"account:{partner}:{acct}", "partner_id": partner, "account_id": acct,
            "holder_name": name,
            "holder_type": kw.pop("holder_type", "individual"), "country": "US", **kw}


def takings_forwarded(victim, payees, partner="bank-a", days=8, share=0.95):
    """Night p2p takings on `victim`, each day's forwarded within hours to `payees`
    (partner:account), split evenly; `share` of it in all."""
    rows = []
    for d in range(days):
        for k in range(4):
            rows.append(t(victim, 24 * d + k, 250.0, "in", "p2p", partner_id=partner,
                          counterparty_name=f"payer {d}-{k}"))
        for i, payee in enumerate(payees):
            rows.append(t(victim, 24 * d + 6 + i, round(1000 * share / len(payees), 2), "out", "p2p",
                          partner_id=partner, counterparty_account=payee))
    return rows


def roles_of(accounts, transactions, entity_of, typologies):
    acc = typed("accounts", accounts)
    refs = [f"account:{a['partner_id']}:{a['account_id']}" for a in accounts]
    entities = pa.table({"ref": refs, "entity_id": [entity_of[r] for r in refs]})
    summary = summarise_transactions(typed("transactions", transactions))
    c = candidate_networks(summary, acc, None, entities, [], DetectSettings())
    ent = dict(zip(c.records["ref"], c.records["entity_id"]))
    roles = case_roles(c.roles, sorted(set(ent.values())), typologies)
    return {r: roles[ent[r]] for r in refs}


@pytest.fixture
def split_controller():
    """Two women forward their takings half to each of a controller's two accounts,
    at two other banks; the controller is one resolved party."""
    accounts = [
        account("bank-a", "V1", "Maria Lopez"),
        account("bank-a", "V2", "Ana Cruz"),
        account("bank-b", "C1", "Victor Hale"),
        account("bank-c", "C2", "Victor Hale"),
    ]
    txns = (takings_forwarded("V1", ["bank-b:C1", "bank-c:C2"])
            + takings_forwarded("V2", ["bank-b:C1", "bank-c:C2"]))
    entity_of = {"account:bank-a:V1": "ent-v1", "account:bank-a:V2": "ent-v2",
                 "account:bank-b:C1": "ent-c", "account:bank-c:C2": "ent-c"}
    return accounts, txns, entity_of


@pytest.mark.parametrize("typologies", [SEX, FUNNEL])
def test_victim_forwarding_to_a_controller_at_two_banks_is_a_potential_victim(split_controller,
                                                                              typologies):
    roles = roles_of(*split_controller, typologies)
    role, reasons = roles["account:bank-a:V1"]
    assert role == POTENTIAL_VICTIM
    # One party receives all of it, though no single account receives more than half.
    assert any("forwards 95 % of what it receives to one party" in r for r in reasons)
    assert roles["account:bank-b:C1"][0] == roles["account:bank-c:C2"][0] == SUBJECT
    assert "main payee of 2 parties" in roles["account:bank-b:C1"][1][0]


def test_controller_with_one_account_is_a_subject():
    accounts = [account("bank-a", "V1", "Maria Lopez"), account("bank-b", "V2", "Ana Cruz"),
                account("bank-c", "C1", "Victor Hale")]
    txns = takings_forwarded("V1", ["bank-c:C1"]) + takings_forwarded("V2", ["bank-c:C1"], "bank-b")
    entity_of = {"account:bank-a:V1": "ent-v1", "account:bank-b:V2": "ent-v2",
                 "account:bank-c:C1": "ent-c"}
    roles = roles_of(accounts, txns, entity_of, SEX)
    assert roles["account:bank-c:C1"][0] == SUBJECT
    assert roles["account:bank-a:V1"][0] == roles["account:bank-b:V2"][0] == POTENTIAL_VICTIM


def test_manager_who_receives_workers_pay_and_pays_the_rent_is_a_subject():
    workers = ["W1", "W2", "W3"]
    accounts = [account("bank-a", w, f"Worker {w}") for w in workers] + [
        account("bank-b", "M1", "Rosa Manager"),
        account("bank-b", "B1", "Acme Staffing LLC", holder_type="business",
                business_category="staffing agency"),
    ]
    txns = []
    for w in workers:
        for week in range(4):
            h = 24 * 14 * week
            txns.append(t(w, h, 1100.0, "in", "ach", counterparty_account="bank-b:B1",
                          counterparty_name="ACME STAFFING PAYROLL"))
            txns.append(t(w, h + 20, 850.0, "out", "p2p", counterparty_account="bank-b:M1"))
    for week in range(4):
        txns.append(t("M1", 24 * 14 * week + 30, 1800.0, "out", "ach", partner_id="bank-b",
                      counterparty_name="Sunrise Apartments", memo="rent"))
    entity_of = {f"account:bank-a:{w}": f"ent-{w}" for w in workers} | {
        "account:bank-b:M1": "ent-m", "account:bank-b:B1": "ent-b"}
    roles = roles_of(accounts, txns, entity_of, LABOR)
    assert roles["account:bank-b:M1"][0] == SUBJECT
    assert roles["account:bank-b:B1"] == (SUBJECT, ["a business"])
    for w in workers:
        assert roles[f"account:bank-a:{w}"][0] == POTENTIAL_VICTIM


def test_a_person_without_evidence_of_profit_is_protected_in_every_case():
    accounts = [account("bank-a", "P1", "Sam Quiet")]
    entity_of = {"account:bank-a:P1": "ent-p"}
    txns = [t("P1", 1, 40.0, "out", "card")]
    assert roles_of(accounts, txns, entity_of, SEX)["account:bank-a:P1"][0] == POTENTIAL_VICTIM
    # a funnel network grown to an employer's staff names none of them
    assert roles_of(accounts, txns, entity_of, FUNNEL)["account:bank-a:P1"][0] == POTENTIAL_VICTIM


def test_a_registry_name_alone_does_not_outweigh_signs_of_exploitation():
    import pandas as pd

    from fiu.detect.roles import POTENTIAL_VICTIM, SUBJECT, decide_role

    evidence = pd.Series({"business": False, "owner_of": 1, "collects_from": 0,
                          "pays_operation": False, "trafficking_record": False,
                          "advertised": False, "forward_share": 0.85, "fee_payer": False,
                          "cohort": False, "funnel": False})
    role, reasons = decide_role(evidence, protective=True)
    assert role == POTENTIAL_VICTIM and any("same name" in r for r in reasons)
    assert decide_role(evidence.copy().replace({0.85: 0.0}), protective=True)[0] == SUBJECT
    # in every case: a funnel account in a victim's name, resolved into a namesake
    # officer's party (wide seed 7414), is still a victim's
    assert decide_role(evidence, protective=False)[0] == POTENTIAL_VICTIM
    assert decide_role(evidence.copy().replace({0.85: 0.0}), protective=False)[0] == SUBJECT


def funnel(acct, controller, lives_on_it, partner="bank-a", weeks=12):
    """Cash deposited in three states into `acct` each week, 90 % wired on to
    `controller` the next day; with `lives_on_it`, groceries bought on it every week."""
    rows = []
    for w in range(weeks):
        h = 24 * 7 * w
        for k, region in enumerate(("TX", "LA", "OK")):
            rows.append(t(acct, h + 24 * k, 3000.0, "in", "cash", partner_id=partner, region=region))
        rows.append(t(acct, h + 80, 8100.0, "out", "wire", partner_id=partner,
                      counterparty_account=controller))
        if lives_on_it:
            rows.append(t(acct, h + 100, 85.0, "out", "card", partner_id=partner,
                          merchant_category_code="5411", counterparty_name="HEB #12"))
    return rows


@pytest.fixture
def funnels():
    """A controller fed by two funnel accounts: one its holder lives on (an accomplice
    lending his own account), one with no life of its own (opened in a victim's name)."""
    accounts = [account("bank-a", "F1", "Dale Porter"), account("bank-a", "F2", "Lucia Reyes"),
                account("bank-b", "C1", "Victor Hale")]
    txns = funnel("F1", "bank-b:C1", True) + funnel("F2", "bank-b:C1", False)
    entity_of = {"account:bank-a:F1": "ent-f1", "account:bank-a:F2": "ent-f2",
                 "account:bank-b:C1": "ent-c"}
    return accounts, txns, entity_of


def test_a_person_living_on_a_funnel_account_lends_it_and_is_a_subject(funnels):
    roles = roles_of(*funnels, FUNNEL)
    role, reasons = roles["account:bank-a:F1"]
    assert role == SUBJECT and any("lends the account and keeps the cut" in r for r in reasons)
    assert roles["account:bank-b:C1"][0] == SUBJECT


def test_a_funnel_account_with_no_life_of_its_own_is_protected(funnels):
    role, reasons = roles_of(*funnels, FUNNEL)["account:bank-a:F2"]
    assert role == POTENTIAL_VICTIM
    assert any("often opened in victims' names" in r for r in reasons)


def test_in_sex_and_labor_cases_living_on_a_funnel_is_no_sign_of_profit(funnels):
    roles = roles_of(*funnels, SEX)
    assert roles["account:bank-a:F1"][0] == roles["account:bank-a:F2"][0] == POTENTIAL_VICTIM


def test_tips_moved_to_ones_own_savings_are_no_sweep_to_a_controller():
    accounts = [account("bank-a", "S1", "Erin Cole"), account("bank-c", "S2", "Erin Cole")]
    txns = takings_forwarded("S1", ["bank-c:S2"])
    acc = typed("accounts", accounts)
    one = pa.table({"ref": ["account:bank-a:S1", "account:bank-c:S2"], "entity_id": ["e", "e"]})
    two = pa.table({"ref": ["account:bank-a:S1", "account:bank-c:S2"], "entity_id": ["e", "f"]})
    summary = summarise_transactions(typed("transactions", txns))
    share = {name: candidate_networks(summary, acc, None, ents, [], DetectSettings())
             .account_features.loc["account:bank-a:S1", "sweep_to_one_share_48h"]
             for name, ents in (("one party", one), ("two parties", two))}
    assert share["one party"] == 0.0 and share["two parties"] >= 0.9


def _spa_case(co_owner_partner: str = "bank-b", namesake_address: str = "857 Bayshore Rd"):
    """A spa, its registry record naming two owners, the owner's account, the co-owner's
    dormant account at his home address, and a namesake of the co-owner elsewhere."""
    import pandas as pd

    accounts = [
        account("bank-a", "S1", "Lotus Spa LLC", holder_type="business",
                business_category="massage"),
        account("bank-a", "O1", "Nicole Gutierrez", address="8844 Valley Ct"),
        account(co_owner_partner, "G1", "Gutierrez, Gregory", address="8844 Valley Ct"),
        account("bank-c", "N1", "Gregory Gutierrez", address=namesake_address),
    ]
    osint = [{"ref": "osint:REG-1", "record_id": "REG-1", "source": "business_registry",
              "entity_type": "business", "name": "Lotus Spa LLC",
              "related_names": ["Nicole Gutierrez", "Gregory Gutiérrez"], "country": "US"}]
    refs = [f"account:{a['partner_id']}:{a['account_id']}" for a in accounts] + ["osint:REG-1"]
    entity_of = dict(zip(refs, ["ent-s", "ent-o", "ent-g", "ent-n", "ent-s"]))
    entities = pa.table({"ref": refs, "entity_id": [entity_of[r] for r in refs]})
    summary = summarise_transactions(typed("transactions", [t("S1", 1, 40.0, "in")]))
    c = candidate_networks(summary, typed("accounts", accounts), typed("osint", osint), entities,
                           [], DetectSettings())
    members = c.records[c.records["entity_id"].isin(["ent-s", "ent-o", "ent-g"])]
    return c, pd.DataFrame(members)


def test_a_registry_owner_whose_name_others_bear_is_the_one_tied_to_the_case():
    c, members = _spa_case()
    # Across the data the co-owner's name is two people's: the one at the home of the
    # owner listed beside him is named, the namesake elsewhere is not.
    assert c.roles.loc["ent-g", "owner_of"] == 1
    assert c.roles.loc["ent-n", "owner_of"] == 0
    # Both at her address: the name alone ties nobody.
    c_both, _ = _spa_case(namesake_address="8844 Valley Ct")
    assert c_both.roles.loc["ent-g", "owner_of"] == c_both.roles.loc["ent-n", "owner_of"] == 0
    assert case_roles(c_both.roles, ["ent-g"], ["illicit_massage_business"])["ent-g"][0] == (
        POTENTIAL_VICTIM)
    # Within the spa's case one person bears it: the registry names him, whatever his
    # (dormant) account shows.
    roles = case_roles(c.roles, ["ent-s", "ent-o", "ent-g"], ["illicit_massage_business"],
                       owned=owners_in_case(members))
    assert roles["ent-g"][0] == SUBJECT
    assert "named as owner or officer of 1 business" in roles["ent-g"][1][0]
    assert roles["ent-o"][0] == SUBJECT
    # The record and the name it gives, for packages to show him by.
    from fiu.detect.links import owner_mentions

    named = owner_mentions(members)
    assert sorted(zip(named["person"], named["ref"], named["mention"])) == [
        ("ent-g", "osint:REG-1", "gregory gutierrez"), ("ent-o", "osint:REG-1", "nicole gutierrez")]


def test_a_registry_name_two_people_of_the_case_bear_names_neither():
    c, members = _spa_case(namesake_address="8844 Valley Ct")
    both = c.records[c.records["entity_id"].isin(["ent-s", "ent-o", "ent-g", "ent-n"])]
    roles = case_roles(c.roles, ["ent-s", "ent-o", "ent-g", "ent-n"],
                       ["illicit_massage_business"], owned=owners_in_case(both))
    assert roles["ent-g"][0] == roles["ent-n"][0] == POTENTIAL_VICTIM


def drains_split(outside_name):
    """Two funnel accounts, cash in from several states, wired on: 20 % to a controller's
    partner account, 25 % to an account at a bank that is not a partner, known only as
    `outside_name`."""
    accounts = [account("bank-a", "F1", "Jacob Turner"), account("bank-b", "F2", "Omar Rogers"),
                account("bank-c", "C1", "Nicole Roberts")]
    txns = []
    for acct, partner in (("F1", "bank-a"), ("F2", "bank-b")):
        for d in range(10):
            txns.append(t(acct, 24 * d, 1000.0, "in", "cash", partner_id=partner,
                          region=["GA", "NV", "IL", "WA", "LA"][d % 5]))
            txns.append(t(acct, 24 * d + 5, 200.0, "out", "wire", partner_id=partner,
                          counterparty_name="NICOLE ROBERTS", counterparty_account="bank-c:C1"))
            txns.append(t(acct, 24 * d + 6, 250.0, "out", "wire", partner_id=partner,
                          counterparty_name=outside_name,
                          counterparty_account="FIRST COASTAL BANK ****3396"))
    entity_of = {"account:bank-a:F1": "ent-f1", "account:bank-b:F2": "ent-f2",
                 "account:bank-c:C1": "ent-c"}
    return roles_of(accounts, txns, entity_of, FUNNEL)


def test_drains_split_between_a_controllers_partner_account_and_one_elsewhere_name_him():
    roles = drains_split("ROBERTS, NICOLE")
    role, reasons = roles["account:bank-c:C1"]
    assert role == SUBJECT and "main payee of 2 parties" in reasons[0]
    for ref in ("account:bank-a:F1", "account:bank-b:F2"):
        assert roles[ref][0] == POTENTIAL_VICTIM


def test_a_payee_elsewhere_of_another_name_is_not_the_controller():
    roles = drains_split("DAVID KLEIN")
    assert roles["account:bank-c:C1"][0] == POTENTIAL_VICTIM  # 20 % each: no main payee


def test_of_two_names_in_one_party_the_account_collecting_the_others_takings_is_his():
    """A woman's account resolved into her controller's party (his phone on it): hers
    forwards her takings to his, his keeps them. Only hers is left out of packages;
    were his to pass most of it on as well, both would be (when in doubt, protect)."""
    from fiu.detect.cases import _protected_accounts

    def protected(controller_share):
        accounts = [account("bank-a", "V1", "Kimberly Carter"),
                    account("bank-b", "V2", "Olena Wilson"),
                    account("bank-a", "C1", "Thomas Rogers")]
        txns = (takings_forwarded("V1", ["bank-a:C1"], share=0.7)
                + takings_forwarded("V2", ["bank-a:C1"], partner="bank-b", share=0.7))
        txns += [t("C1", 24 * d + 7, 700.0, "in", "p2p", counterparty_account=f"{bank}:{v}")
                 for d in range(8) for bank, v in (("bank-a", "V1"), ("bank-b", "V2"))]
        txns += [t("C1", 24 * d + 12, round(1400 * controller_share, 2), "out", "p2p",
                   counterparty_account="bank-c:X9") for d in range(8)]
        refs = ["account:bank-a:V1", "account:bank-b:V2", "account:bank-a:C1"]
        entities = pa.table({"ref": refs, "entity_id": ["e-c", "e-v2", "e-c"]})
        summary = summarise_transactions(typed("transactions", txns))
        c = candidate_networks(summary, typed("accounts", accounts), None, entities, [],
                               DetectSettings())
        party = c.records[c.records["entity_id"] == "e-c"]
        return _protected_accounts(party, c.self_forwarding, c.collectors)

    assert protected(0.1) == ["account:bank-a:V1"]
    assert protected(0.9) == ["account:bank-a:C1", "account:bank-a:V1"]


def test_owners_counted_from_the_case_mentions_equal_owners_in_case():
    # `_subjects` reads the case's mentions once and hands their count to `case_roles`.
    from fiu.detect.links import owner_mentions
    from fiu.detect.roles import owners_named

    c, members = _spa_case()
    both = c.records[c.records["entity_id"].isin(["ent-s", "ent-o", "ent-g", "ent-n"])]
    for recs in (members, both, c.records):
        owned = owners_named(owner_mentions(recs, within_case=True))
        pd.testing.assert_series_equal(owned, owners_in_case(recs))
        parties = sorted(recs["entity_id"].unique())
        assert case_roles(c.roles, parties, ["illicit_massage_business"], owned=owned) == (
            case_roles(c.roles, parties, ["illicit_massage_business"],
                       owned=owners_in_case(recs)))
    assert owners_named(owner_mentions(members, within_case=True)).to_dict() == {
        "ent-g": 1, "ent-o": 1}
