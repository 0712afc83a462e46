"""Property: for any case, no package exposes a potential victim or names nobody."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fiu.packages.assemble import RunStamp, package_files
from fiu.packages.partners import Partner

BANKS = ("bank-a", "bank-b", "bank-c")
RECIPIENTS = [Partner(b, "financial_institution", b.upper()) for b in BANKS] + [
    Partner("le-tx", "law_enforcement", "Texas", ("TX",)),
    Partner("le-fed", "law_enforcement", "Federal"),
]
STAMP = RunStamp("run-0123456789abcdef", "2026-04-01T00:00:00Z")


@st.composite
def cases(draw):
    """A case of random parties: each a subject or a potential victim, holding accounts
    at random banks and open-source records (ads among them), with transactions and
    ties between random parties."""
    n = draw(st.integers(1, 6))
    subjects, records, refs, txn_accounts, ties = [], [], [], {}, []
    for i in range(n):
        role = draw(st.sampled_from(["subject", "potential_victim"]))
        name = f"Zq{'Victim' if role == 'potential_victim' else 'Subject'}{i}xx Person{i}"
        party_refs = []
        for k, bank in enumerate(draw(st.lists(st.sampled_from(BANKS), max_size=3, unique=True))):
            ref = f"account:{bank}:ACC{i}{k}"
            party_refs.append(ref)
            records.append({"ref": ref, "kind": "account", "partner": bank, "name": name,
                            "phone": f"+1512555{i:02d}{k:02d}", "region": "TX"})
            txn_accounts[f"txn:{bank}:T{i}{k}"] = ref
        for k, source in enumerate(draw(st.lists(
                st.sampled_from(["online_ad", "business_registry", "review", "court_record"]),
                max_size=2))):
            ref = f"osint:R{i}{k}"
            party_refs.append(ref)
            records.append({"ref": ref, "kind": "osint", "source": source, "name": name,
                            "region": draw(st.sampled_from(["TX", "FL"])), "observed_on": "2026-02-01",
                            "text": f"about {name}"})
        if not party_refs:
            continue
        refs += party_refs
        subjects.append({"entity_id": f"ent-{i:012d}", "role": role, "entity_type": "person",
                         "names": [name], "refs": sorted(party_refs)})
    ids = [s["entity_id"] for s in subjects]
    if len(ids) >= 2:
        for a, b in draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=4)):
            ties.append({"source": a, "target": b, "count": 1,
                         "kind": draw(st.sampled_from(["pays", "forwards_to", "shares_phone"]))})
    hit_refs = refs + list(txn_accounts)
    return {
        "case_id": "case-000000000001", "score": 0.9, "typologies": ["labor_trafficking"],
        "refs": sorted(refs), "subjects": subjects, "records": records, "ties": ties,
        "txn_accounts": txn_accounts, "regions": ["TX"], "timeline": [],
        "rule_hits": [{"rule_id": "labor_trafficking.wage_sweep", "typology": "labor_trafficking",
                       "indicator": "LAB-1", "severity": "high", "level": "network",
                       "refs": sorted(draw(st.lists(st.sampled_from(hit_refs), max_size=5, unique=True)))
                       if hit_refs else [], "explanation": "wages swept"}],
    }


@settings(max_examples=60, deadline=None)
@given(cases())
def test_no_package_exposes_a_victim_or_names_nobody(case):
    victims = [s for s in case["subjects"] if s["role"] == "potential_victim"]
    victim_strings = {r for s in victims for r in s["refs"]} | {
        f"ACC{r.split('ACC')[1]}" for s in victims for r in s["refs"] if "ACC" in r}
    victim_strings |= {t for t, acct in case["txn_accounts"].items()
                       if any(acct in s["refs"] for s in victims)}
    victim_strings |= {part for s in victims for name in s["names"] for part in name.split()}
    # Every ad's record is a potential victim's, whoever it was resolved to.
    victim_strings |= {r["ref"] for r in case["records"] if r.get("source") == "online_ad"}
    for recipient in RECIPIENTS:
        files = package_files(case, recipient, STAMP)
        if not files:
            continue
        assert '"subjects": []' not in files["package.json"]
        for name, text in files.items():
            for secret in victim_strings:
                assert secret not in text, f"{recipient.id}/{name} holds {secret}"
