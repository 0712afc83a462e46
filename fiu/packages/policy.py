"""What one recipient may see of one case (CONTRACT §4): the only place that decides it.

A bank sees open-source records and its own accounts and transactions; of other
institutions only counts. Law enforcement sees open-source records and which partners
hold related accounts, never account numbers. Nobody outside the analysts sees a
potential victim: no name, no ref, no identifier, only how many. Identifiers of a
subject are taken only from records the recipient may see, so a name known only from
another bank's customer file never leaves that bank.
"""
from __future__ import annotations

from collections.abc import Iterable

from fiu.contract import ref_kind, ref_partner
from fiu.packages.partners import Partner

KEY_TERM = "HUMAN TRAFFICKING FIN-2020-A008"
POTENTIAL_VICTIM = "potential_victim"
_FI = "financial_institution"


def receives(recipient: Partner, case: dict) -> bool:
    """Routing: a bank gets cases touching its accounts; law enforcement those in its
    jurisdiction (every case when it has none)."""
    if recipient.kind == _FI:
        return any(ref_partner(ref) == recipient.id for ref in case["refs"])
    if not recipient.jurisdiction:
        return True
    return bool(set(recipient.jurisdiction) & set(case_regions(case)))


def case_regions(case: dict) -> list[str]:
    regions = set(case.get("regions") or [])
    regions.update(r["region"] for r in case.get("records", []) if r.get("region"))
    return sorted(regions)


def victim_refs(case: dict) -> set[str]:
    return {
        ref
        for subject in case.get("subjects", [])
        if subject.get("role") == POTENTIAL_VICTIM
        for ref in subject["refs"]
    }


def visible(recipient: Partner, ref: str, victims: set[str]) -> bool:
    """May this recipient see this ref? Transactions follow their account's partner."""
    if ref in victims:
        return False
    kind = ref_kind(ref)
    if kind == "osint":
        return True
    return recipient.kind == _FI and ref_partner(ref) == recipient.id


def view_for(recipient: Partner, case: dict) -> dict:
    """The package body for `recipient`: subjects, evidence, counts, markings."""
    victims = victim_refs(case)
    victim_accounts = {ref for ref in victims if ref_kind(ref) == "account"}

    def can_see(ref: str) -> bool:
        if ref_kind(ref) == "txn" and _txn_account(ref, case) in victim_accounts:
            return False
        return visible(recipient, ref, victims)

    records = {r["ref"]: r for r in case.get("records", [])}
    subjects = []
    hidden_parties = 0
    for subject in case.get("subjects", []):
        if subject.get("role") == POTENTIAL_VICTIM:
            continue
        refs = sorted(ref for ref in subject["refs"] if can_see(ref))
        if not refs:
            hidden_parties += 1
            continue
        shown = [records[ref] for ref in refs if ref in records]
        subjects.append(
            {
                "entity_id": subject["entity_id"],
                "entity_type": subject.get("entity_type", "unknown"),
                "names": _values(shown, "name"),
                "refs": refs,
                "phones": _values(shown, "phone"),
                "emails": _values(shown, "email"),
                "addresses": _values(shown, "address"),
                "regions": _values(shown, "region"),
            }
        )
    evidence = []
    for hit in sorted(case.get("rule_hits", []), key=lambda h: h["rule_id"]):
        refs = [ref for ref in hit["refs"] if can_see(ref)]
        hidden = [ref for ref in hit["refs"] if not can_see(ref)]
        evidence.append(
            {
                "rule_id": hit["rule_id"],
                "title": hit.get("title", ""),
                "typology": hit.get("typology", ""),
                "indicator": hit.get("indicator", ""),
                "source": hit.get("source", ""),
                "severity": hit.get("severity", ""),
                "explanation": hit.get("explanation", ""),
                "refs": sorted(refs),
                "withheld": _withheld(hidden, victims, victim_accounts, case),
            }
        )
    other_accounts = sorted(
        ref
        for ref in case["refs"]
        if ref_kind(ref) == "account" and ref not in victims and not can_see(ref)
    )
    body = {
        "case_id": case["case_id"],
        "recipient": {"id": recipient.id, "kind": recipient.kind, "name": recipient.name},
        "tlp": recipient.marking,
        "typologies": list(case.get("typologies", [])),
        "score": case["score"],
        "subjects": subjects,
        "evidence": evidence,
        "regions": case_regions(case),
        "potential_victims": {
            "count": sum(1 for s in case.get("subjects", []) if s.get("role") == POTENTIAL_VICTIM),
            "note": "People the evidence shows as exploited are counted, never named.",
        },
        "related_parties_not_shown": hidden_parties,
        "model": {
            "score": (case.get("model") or {}).get("score"),
            "reasons": list((case.get("model") or {}).get("reasons", [])),
        },
        "handling": handling(recipient),
    }
    partners_elsewhere = sorted({ref_partner(ref) for ref in other_accounts} - {recipient.id})
    if recipient.kind == _FI:
        body["key_term"] = KEY_TERM
        body["linked_accounts_elsewhere"] = {
            "accounts": sum(1 for ref in other_accounts if ref_partner(ref) != recipient.id),
            "institutions": len(partners_elsewhere),
        }
    else:
        body["partners_to_ask"] = partners_elsewhere
    return body


def handling(recipient: Partner) -> list[str]:
    """Caveats printed on every package of this recipient kind."""
    common = [
        f"{recipient.marking}: share only as the Traffic Light Protocol 2.0 label allows.",
        "Open-source intelligence for lead generation, not evidence of a crime.",
        "Potential victims are counted, never identified; do not try to identify them from this package.",
    ]
    if recipient.kind == _FI:
        return common + [
            f"If you file a suspicious activity report, use the key term {KEY_TERM!r} in field 2 and the narrative.",
            "Accounts that look like funnels or wage sweeps are often opened in victims' names: "
            "do not close or freeze accounts on this package alone.",
            "This package contains only open-source records and your own institution's data.",
        ]
    return common + [
        "Account details stay with the institutions listed under partners_to_ask; request them through legal process.",
    ]


def _txn_account(ref: str, case: dict) -> str | None:
    """The account ref a transaction ref is on (`txn_accounts`, filled by enrichment)."""
    return (case.get("txn_accounts") or {}).get(ref)


def _withheld(hidden: list[str], victims: set[str], victim_accounts: set[str], case: dict) -> dict:
    victim_count = sum(
        1
        for ref in hidden
        if ref in victims or (ref_kind(ref) == "txn" and _txn_account(ref, case) in victim_accounts)
    )
    return {
        "potential_victim_records": victim_count,
        "records_at_other_institutions": len(hidden) - victim_count,
    }


def _values(records: Iterable[dict], field: str) -> list[str]:
    return sorted({r[field] for r in records if r.get(field)})
