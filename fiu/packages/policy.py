"""What one recipient may see of one case (CONTRACT §4): the only place that decides it.

A bank sees open-source records and its own accounts and transactions; of other
institutions only counts. Law enforcement sees open-source records and which partners
hold related accounts, never account numbers; a subject known only from accounts is
shown to it by its case-scoped id with the partners to ask, and nothing else. A subject a
registry or licence record of the case names as owner or officer is shown to everyone
with that record and the name it gives (open source), whoever holds its accounts.
Nobody outside the analysts sees a
potential victim: no name, no ref, no identifier, only how many. Identifiers of a
subject are taken only from records the recipient may see, so a name known only from
another bank's customer file never leaves that bank.

Activity follows the same line: a bank's timeline sums only its own accounts of the
subjects it is shown (never another institution's, never a potential victim's account);
law enforcement gets the case-wide monthly totals, aggregated over every institution,
with no account or institution broken out. The network picture names only subjects the
recipient is shown, linked by real ties; everything else is a counted node. Open-source text is shown with
every potential victim's name blanked out.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from fiu.contract import ref_kind, ref_partner
from fiu.normalize.names import party_name
from fiu.packages.partners import Partner

KEY_TERM = "HUMAN TRAFFICKING FIN-2020-A008"
POTENTIAL_VICTIM = "potential_victim"
SUBJECT = "subject"
ONLINE_AD = "online_ad"
DRAFT = "draft"
WITHHELD = "[withheld]"
_FI = "financial_institution"
VICTIMS_NODE = "potential-victims"
# The ties the picture draws (detection's `ties` of a case, and owners named in
# registries), in words; the direction of the first three matters.
TIE_WORDS = {
    "officer_or_owner": "owns or runs",
    "forwards_to": "forwards most of what it receives to",
    "pays": "pays",
    "shares_phone": "shares a phone with",
    "shares_email": "shares an e-mail address with",
    "shares_address": "shares an address with",
}
DIRECTED_TIES = frozenset({"officer_or_owner", "forwards_to", "pays"})
ELSEWHERE_NODE = "not-shown"


def receives(recipient: Partner, case: dict) -> bool:
    """Routing: a bank gets cases in which it holds an account of a subject (a bank
    that holds only victims' or related parties' accounts is told nothing: a package
    could get those accounts closed); law enforcement those in its
    jurisdiction (every case when it has none). `package_files` then sends a package
    only when the view names a subject."""
    if recipient.kind == _FI:
        victims = victim_refs(case)
        return any(ref_partner(ref) == recipient.id and not is_victim_record(ref, victims, case)
                   for ref in subject_accounts(case))
    if not recipient.jurisdiction:
        return True
    return bool(set(recipient.jurisdiction) & set(case_regions(case)))


def subject_accounts(case: dict) -> list[str]:
    """The account refs of the case's subjects (not of its potential victims or
    related parties); a subject's protected accounts are among them, for the caller to
    leave out with `is_victim_record`."""
    return [ref for subject in case.get("subjects", []) if subject.get("role") == SUBJECT
            for ref in subject["refs"] if ref_kind(ref) == "account"]


def case_regions(case: dict) -> list[str]:
    regions = set(case.get("regions") or [])
    regions.update(r["region"] for r in case.get("records", []) if r.get("region"))
    return sorted(regions)


def victim_refs(case: dict) -> set[str]:
    """Refs that identify a potential victim: every record of an entity detection calls
    one, and every online ad whatever entity it was resolved into. The person an ad
    advertises is a potential victim (CONTRACT §4); an ad merged into its controller's
    entity through a shared contact must not carry that person's name out."""
    by_role = {
        ref
        for subject in case.get("subjects", [])
        if subject.get("role") == POTENTIAL_VICTIM
        for ref in subject["refs"]
    }
    protected = {ref for subject in case.get("subjects", [])
                 for ref in subject.get("protected_refs", [])}
    ads = {r["ref"] for r in case.get("records", []) if r.get("source") == ONLINE_AD}
    return by_role | protected | ads


def is_victim_record(ref: str, victims: set[str], case: dict) -> bool:
    """Is this a potential victim's record? One of `victim_refs(case)`, or a
    transaction on such an account. The one answer every view and count uses."""
    if ref in victims:
        return True
    return ref_kind(ref) == "txn" and _txn_account(ref, case) in victims


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

    def can_see(ref: str) -> bool:
        return not is_victim_record(ref, victims, case) and visible(recipient, ref, victims)

    records = {r["ref"]: r for r in case.get("records", [])}
    redact = _redactor(case, records)
    subjects = []
    hidden_parties = 0
    for subject in case.get("subjects", []):
        if subject.get("role") != SUBJECT:
            continue
        refs = sorted(ref for ref in subject["refs"] if can_see(ref))
        held_at = sorted({ref_partner(ref) for ref in subject["refs"]
                          if ref_kind(ref) == "account" and not is_victim_record(ref, victims, case)})
        named_in = _named_in(subject, records, can_see)
        registry_names = sorted({n for m in named_in for n in m["names"]})
        if not refs and (named_in or (recipient.kind != _FI and held_at)):
            # No record of its own to show, but the lead: the registry records naming
            # it owner or officer (open source, for everyone), and for law enforcement
            # which partners hold its accounts, without an identifier.
            lead = {"entity_id": subject["entity_id"],
                    "entity_type": subject.get("entity_type", "unknown"),
                    "names": registry_names, "refs": [], "phones": [], "emails": [],
                    "addresses": [], "regions": []}
            if named_in:
                lead["named_in"] = named_in
            lead["note"] = _NAMED_IN_NOTE
            if recipient.kind != _FI and held_at:
                lead["ask_partners"] = held_at
                why = f"{_NAMED_IN_NOTE}; " if named_in else "known only from partner accounts: "
                lead["note"] = why + "ask these partners about this case and this id"
            subjects.append(lead)
            continue
        if not refs:
            hidden_parties += 1
            continue
        shown = [records[ref] for ref in refs if ref in records]
        subjects.append(
            {
                "entity_id": subject["entity_id"],
                "entity_type": subject.get("entity_type", "unknown"),
                "names": sorted(set(_values(shown, "name")) | set(registry_names)),
                "refs": refs,
                "phones": _values(shown, "phone"),
                "emails": _values(shown, "email"),
                "addresses": _values(shown, "address"),
                "regions": _values(shown, "region"),
                **({"named_in": named_in} if named_in else {}),
            }
        )
    subjects.sort(key=lambda s: s["entity_id"])
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
                "withheld": _withheld(hidden, victims, case),
            }
        )
    other_accounts = sorted(ref for ref in subject_accounts(case)
                            if ref not in victims and not can_see(ref))
    victim_count = sum(1 for s in case.get("subjects", []) if s.get("role") == POTENTIAL_VICTIM)
    body = {
        "case_id": case["case_id"],
        "status": DRAFT,
        "recipient": {"id": recipient.id, "kind": recipient.kind, "name": recipient.name},
        "tlp": recipient.marking,
        "typologies": list(case.get("typologies", [])),
        "score": case["score"],
        "subjects": subjects,
        "evidence": evidence,
        "regions": case_regions(case),
        "potential_victims": {
            "count": victim_count,
            "note": "People the evidence shows as exploited are counted, never named.",
        },
        "open_sources": _open_sources(subjects, records, redact),
        "timeline": _timeline(recipient, case, victims),
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
        elsewhere = (
            f"{len(other_accounts)} linked account(s) at {len(partners_elsewhere)} other "
            f"institution(s), {hidden_parties} party(ies) not shown"
        )
    else:
        body["partners_to_ask"] = partners_elsewhere
        elsewhere = (
            f"accounts held at {', '.join(partners_elsewhere) or 'no partner'}; "
            f"{hidden_parties} party(ies) known only from them"
        )
    body["network"] = _network(case, subjects, records, victim_count, elsewhere)
    return body


_NAMED_IN_NOTE = "named as owner or officer in the open-source records under named_in"


def _named_in(subject: dict, records: dict[str, dict], can_see: Callable[[str], bool]) -> list[dict]:
    """The registry and licence records this recipient may see that name the subject
    owner or officer (detection's `named_in`), each with the names as it writes them."""
    out = []
    for mention in subject.get("named_in", []):
        ref = mention["ref"]
        if not can_see(ref) or ref not in records:
            continue
        record = records[ref]
        names = sorted({n for n in record.get("related_names") or []
                        if party_name(n) == mention["name_norm"]})
        if names:
            out.append({"ref": ref, "source": record.get("source") or "", "names": names})
    return out


def _timeline(recipient: Partner, case: dict, victims: set[str]) -> dict:
    """Monthly activity this recipient may see (see the module docstring)."""
    if recipient.kind != _FI:
        return {
            "scope": "case",
            "note": "Monthly totals over every account of the case at every reporting "
                    "institution, aggregated: no account or institution is broken out.",
            "months": [
                {"date": m["date"], "in": round(float(m["in"]), 2),
                 "out": round(float(m["out"]), 2), "count": int(m["count"])}
                for m in case.get("timeline", [])
            ],
        }
    own = sorted(
        ref
        for ref in case["refs"]
        if ref_kind(ref) == "account" and ref_partner(ref) == recipient.id and ref not in victims
    )
    totals: dict[str, list[float]] = {}
    months_of = case.get("account_months") or {}
    for ref in own:
        for month in months_of.get(ref, []):
            into = totals.setdefault(month["date"], [0.0, 0.0, 0])
            into[0] += month["in"]
            into[1] += month["out"]
            into[2] += month["count"]
    return {
        "scope": "own_accounts",
        "note": "Monthly totals of your own institution's accounts of the subjects in this "
                "package; other institutions' activity and potential victims' accounts are left out.",
        "months": [
            {"date": date, "in": round(v[0], 2), "out": round(v[1], 2), "count": int(v[2])}
            for date, v in sorted(totals.items())
        ],
    }


def _open_sources(subjects: list[dict], records: dict[str, dict], redact: Callable[[str], str]) -> list[dict]:
    """The open-source records behind the subjects shown, potential victims' names blanked."""
    shown = []
    refs = {ref for s in subjects for ref in s["refs"] if ref_kind(ref) == "osint"}
    refs |= {m["ref"] for s in subjects for m in s.get("named_in", [])}
    for ref in sorted(refs):
        record = records.get(ref)
        if record is None:
            continue
        shown.append(
            {
                "ref": ref,
                "source": record.get("source") or "",
                "observed_on": record.get("observed_on") or "",
                "name": redact(record.get("name") or ""),
                "url": record.get("url") or "",
                "text": redact(record.get("text") or ""),
            }
        )
    return shown


def _redactor(case: dict, records: dict[str, dict]) -> Callable[[str], str]:
    """A function that blanks every potential victim's name (and each part of it) in text."""
    names: set[str] = set()
    for subject in case.get("subjects", []):
        if subject.get("role") != POTENTIAL_VICTIM:
            found = [records[ref].get("name") or "" for ref in subject.get("protected_refs", [])
                     if ref in records]
        else:
            found = list(subject.get("names", []))
            found += [records[ref].get("name") or "" for ref in subject["refs"] if ref in records]
        for name in found:
            names.add(name.strip())
            names.update(part for part in re.split(r"[\s,]+", name) if len(part) >= 3)
    names.discard("")
    if not names:
        return lambda text: text
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n))) + r")(?!\w)",
        re.IGNORECASE,
    )
    return lambda text: pattern.sub(WITHHELD, text)


def _network(
    case: dict,
    subjects: list[dict],
    records: dict[str, dict],
    victim_count: int,
    elsewhere: str,
) -> dict:
    """Nodes and links of the picture: subjects shown by id, joined by the real ties
    between them (owns or runs, pays, forwards to, shares a phone, e-mail or address);
    a tie to a potential victim or to a party this recipient is not shown ends at a
    counted node. A tie's words never carry the value it rests on."""
    nodes = [
        {"id": s["entity_id"], "kind": s.get("entity_type", "unknown"),
         "label": (s["names"] or [s["entity_id"]])[0]}
        for s in subjects
    ]
    links: dict[tuple[str, str, str], set[str]] = {}

    def link(a: str, b: str, kind: str, label: str) -> None:
        # Ownership and money have a direction (owner → business, payer → payee);
        # a shared contact point does not.
        if a != b:
            key = (a, b, kind) if kind in DIRECTED_TIES else (*sorted((a, b)), kind)
            links.setdefault(key, set()).add(label)

    shown = {s["entity_id"] for s in subjects}
    victim_parties = {s["entity_id"] for s in case.get("subjects", [])
                      if s.get("role") == POTENTIAL_VICTIM}
    hidden_used = False

    def end(entity: str) -> str | None:
        """The node a tie's end is drawn at: the subject, or a counted node."""
        nonlocal hidden_used
        if entity in shown:
            return entity
        if entity in victim_parties:
            return VICTIMS_NODE if victim_count else None
        hidden_used = True
        return ELSEWHERE_NODE

    for tie in case.get("ties", []):
        a, b = end(tie["source"]), end(tie["target"])
        if a is None or b is None or (a not in shown and b not in shown):
            continue
        link(a, b, tie["kind"], TIE_WORDS.get(tie["kind"], tie["kind"].replace("_", " ")))
    persons = {}
    for s in subjects:
        if s.get("entity_type") == "person":
            for name in s["names"]:
                folded = party_name(name)
                if folded:
                    persons.setdefault(folded, s["entity_id"])
    for s in subjects:
        if s.get("entity_type") != "business":
            continue
        for ref in s["refs"]:
            record = records.get(ref) or {}
            if ref_kind(ref) != "osint":
                continue
            for name in record.get("related_names") or []:
                person = persons.get(party_name(name) or "")
                if person:
                    link(person, s["entity_id"], "officer_or_owner", f"named in {record.get('source') or 'record'} {ref}")
    if victim_count:
        nodes.append({"id": VICTIMS_NODE, "kind": "potential_victims", "count": victim_count,
                      "label": f"{victim_count} potential victim(s), counted, not named"})
    if hidden_used:
        nodes.append({"id": ELSEWHERE_NODE, "kind": "not_shown", "label": elsewhere})
    return {
        "nodes": nodes,
        "links": [
            {"source": a, "target": b, "kind": kind, "label": "; ".join(sorted(labels))}
            for (a, b, kind), labels in sorted(links.items())
        ],
    }


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


def _withheld(hidden: list[str], victims: set[str], case: dict) -> dict:
    victim_count = sum(1 for ref in hidden if is_victim_record(ref, victims, case))
    return {
        "potential_victim_records": victim_count,
        "records_at_other_institutions": len(hidden) - victim_count,
    }


def _values(records: Iterable[dict], field: str) -> list[str]:
    return sorted({r[field] for r in records if r.get(field)})
