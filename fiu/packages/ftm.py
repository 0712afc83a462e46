"""A recipient's view as FollowTheMoney entities, one JSON object a line, as Aleph and
the `ftm` tools read them.

Built only from the view (`policy.view_for`), never from the case, so it cannot show
more than the package: subjects become Person / Company / LegalEntity with the FtM topic
of the case's typology, their addresses Address entities; a bank's own accounts become
BankAccount entities owned by the subject (law enforcement gets no account at all);
owners and officers named in registry records become Directorship links, shared red
flags UnknownLink, and each red flag a Note on the subjects it concerns. Potential
victims never appear: the view does not hold them.
"""
from __future__ import annotations

import json

from followthemoney import model

# FtM topics (the `topic` type) that fit each typology.
TOPICS = {
    "illicit_massage_business": ["crime.traffick.human"],
    "escort_online_commercial_sex": ["crime.traffick.human"],
    "labor_trafficking": ["crime.traffick.human", "forced.labor"],
    "funnel_account": ["crime.traffick.human"],
}
SCHEMA_OF = {"person": "Person", "business": "Company", "unknown": "LegalEntity"}


def ftm_entities(package: dict) -> list[dict]:
    """The package's entities as FtM dicts, sorted by id."""
    case_id, recipient = package["case_id"], package["recipient"]
    topics = sorted({t for typology in package["typologies"] for t in TOPICS.get(typology, [])})
    proxies = {}

    def make(schema: str, *keys: str):
        proxy = model.make_entity(schema)
        proxy.make_id("fiu", case_id, recipient["id"], schema, *keys)
        proxies[proxy.id] = proxy
        return proxy

    entity_of = {}
    for subject in package["subjects"]:
        proxy = make(SCHEMA_OF.get(subject.get("entity_type", "unknown"), "LegalEntity"),
                     subject["entity_id"])
        entity_of[subject["entity_id"]] = proxy
        names = list(subject["names"]) or [subject["entity_id"]]
        proxy.add("name", names[0])
        _add(proxy, "alias", names[1:])
        _add(proxy, "phone", subject.get("phones", []))
        _add(proxy, "email", subject.get("emails", []))
        _add(proxy, "topics", topics)
        proxy.add("notes", f"Subject of fiu case {case_id} ({', '.join(package['typologies'])}); "
                           f"refs: {', '.join(subject['refs'])}")
        for address in subject.get("addresses", []):
            place = make("Address", subject["entity_id"], address)
            place.add("full", address)
            proxy.add("addressEntity", place.id)
            proxy.add("address", address)
        if recipient["kind"] == "financial_institution":
            for ref in subject["refs"]:
                if not ref.startswith(f"account:{recipient['id']}:"):
                    continue
                account = make("BankAccount", ref)
                account.add("accountNumber", ref.split(":", 2)[2])
                account.add("bankName", recipient["name"])
                _add(account, "topics", topics)
                owns = make("Ownership", ref, "owner")
                owns.add("owner", proxy.id)
                owns.add("asset", account.id)
                owns.add("role", "account holder")
    for link in package["network"]["links"]:
        a, b = entity_of.get(link["source"]), entity_of.get(link["target"])
        if a is None or b is None:
            continue
        if link["kind"] == "officer_or_owner":
            held = make("Directorship", link["source"], link["target"])
            held.add("director", a.id)
            held.add("organization", b.id)
            held.add("role", "owner or officer")
            held.add("description", link["label"])
        else:
            shared = make("UnknownLink", link["source"], link["target"])
            shared.add("subject", a.id)
            shared.add("object", b.id)
            shared.add("role", link["label"])
    owner_of = {ref: entity_of[s["entity_id"]] for s in package["subjects"] for ref in s["refs"]}
    for hit in package["evidence"]:
        concerned = sorted({owner_of[ref].id for ref in hit["refs"] if ref in owner_of})
        if not concerned:
            continue
        note = make("Note", hit["rule_id"])
        note.add("name", hit.get("title") or hit["rule_id"])
        note.add("description", f"{hit['explanation']} (indicator {hit.get('indicator', '')}, "
                                f"source {hit.get('source', '')})")
        _add(note, "entity", concerned)
        _add(note, "topics", topics)
    return [_sorted_dict(proxies[key].to_dict()) for key in sorted(proxies)]


def ftm_json(package: dict) -> str:
    """JSON lines, one entity a line, keys and values sorted: the same view, the same bytes."""
    return "".join(json.dumps(e, sort_keys=True, ensure_ascii=False) + "\n" for e in ftm_entities(package))


def _add(proxy, prop: str, values) -> None:
    for value in sorted(set(values)):
        proxy.add(prop, value)


def _sorted_dict(entity: dict) -> dict:
    return {
        "id": entity["id"],
        "schema": entity["schema"],
        "properties": {k: sorted(v) for k, v in sorted(entity["properties"].items())},
    }
