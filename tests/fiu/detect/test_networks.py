"""Networks grow from seeds through links, never through hub identifiers."""
from __future__ import annotations

import pandas as pd

from fiu.detect.networks import (
    LinkSettings,
    entity_edges,
    grow_networks,
    hub_identifiers,
    party_records,
)


def edges(pairs):
    return pd.DataFrame({"a": [a for a, _ in pairs], "b": [b for _, b in pairs],
                         "kind": "identifier"})


def test_only_components_with_a_seed_become_networks():
    e = edges([("a", "b"), ("b", "c"), ("x", "y")])
    nets = grow_networks(["a", "b", "c", "x", "y"], e, {"a"}, LinkSettings())
    assert sorted(nets["entity_id"]) == ["a", "b", "c"]
    assert nets["network_id"].nunique() == 1


def test_growth_stops_at_depth_and_at_busy_entities():
    e = edges([("s", "h")] + [("h", f"n{i}") for i in range(50)] + [("s", "p"), ("p", "q"), ("q", "r")])
    nets = grow_networks(["s"], e, {"s"}, LinkSettings(depth=2, max_degree=40))
    # h (51 links) is reached but not walked through; r is three hops away.
    assert sorted(nets["entity_id"]) == ["h", "p", "q", "s"]


def test_network_ids_are_stable():
    e = edges([("a", "b")])
    one = grow_networks(["a", "b"], e, {"a"}, LinkSettings())
    two = grow_networks(["b", "a"], e.iloc[::-1], {"a", "b"}, LinkSettings())
    assert one["network_id"].tolist() == two["network_id"].tolist()


def _spa_records(entity_of):
    """Two "Lucky Massage" storefronts (NY, TX) under different owners, each with its
    phone in an ad; `entity_of` maps refs to the resolver's entity ids."""
    import pyarrow as pa

    from fiu.normalize.records import normalise

    from .conftest import typed

    def rec(rid, source, etype, name, region, **kw):
        return {"record_id": rid, "source": source, "entity_type": etype, "name": name,
                "region": region, "country": "US", "ref": f"osint:{rid}", **kw}

    osint = [
        rec("NY-REG", "business_registry", "business", "Lucky Massage", "NY",
            phone="+12125550101", related_names=["Karen Castillo"]),
        rec("NY-LIC", "license", "business", "Lucky Massage", "NY", related_names=["Karen Castillo"]),
        rec("NY-REV", "review", "business", "Lucky Massage", "NY"),
        rec("NY-AD", "online_ad", "person", "Angel", "NY", phone="+12125550101"),
        rec("TX-REG", "business_registry", "business", "Lucky Massage", "TX",
            phone="+17135550199", related_names=["Adriana Roberts"]),
        rec("TX-LIC", "license", "business", "Lucky Massage", "TX", related_names=["Adriana Roberts"]),
        rec("TX-AD", "online_ad", "person", "Roxy", "TX", phone="+17135550199"),
    ]
    refs = [r["ref"] for r in osint]
    entities = pa.table({"ref": refs, "entity_id": [entity_of.get(r, "ent-" + r) for r in refs]})
    return party_records(None, normalise("osint", typed("osint", osint)), entities)


def test_one_business_name_in_two_regions_is_two_parties():
    # The resolver joined both storefronts by name; detection must not.
    lucky = {f"osint:{s}-{k}": "ent-lucky" for s in ("NY", "TX") for k in ("REG", "LIC", "REV")}
    recs = _spa_records(lucky)
    ent = recs.set_index("ref")["entity_id"]
    assert ent["osint:NY-REG"] == ent["osint:NY-LIC"] == ent["osint:NY-REV"]
    assert ent["osint:TX-REG"] == ent["osint:TX-LIC"]
    assert ent["osint:NY-REG"] != ent["osint:TX-REG"]
    settings = LinkSettings()
    e = entity_edges(recs, pd.DataFrame(), hub_identifiers(recs, settings.max_identifier_entities),
                     settings)
    nets = grow_networks(sorted(set(ent)), e, {ent["osint:NY-REG"]}, settings)
    reached = set(recs.loc[recs["entity_id"].isin(nets["entity_id"]), "ref"])
    assert reached == {"osint:NY-REG", "osint:NY-LIC", "osint:NY-REV", "osint:NY-AD"}


def test_one_business_in_one_region_stays_one_party():
    same = {"osint:NY-REG": "ent-ny", "osint:NY-LIC": "ent-ny", "osint:NY-REV": "ent-ny"}
    ent = _spa_records(same).set_index("ref")["entity_id"]
    assert ent["osint:NY-REG"] == ent["osint:NY-LIC"] == ent["osint:NY-REV"] == "ent-ny"


def test_reviews_of_a_namesake_in_another_city_are_not_the_business():
    # Name-only reviews of a "Lucky Massage" in Buffalo, resolved into the Manhattan one.
    import pyarrow as pa

    from fiu.normalize.records import normalise

    from .conftest import typed

    osint = [
        {"record_id": "REG", "source": "business_registry", "entity_type": "business",
         "name": "Lucky Massage", "region": "NY", "city": "New York", "phone": "+12125550101",
         "country": "US", "ref": "osint:REG"},
        {"record_id": "REV1", "source": "review", "entity_type": "business", "name": "Lucky Massage",
         "region": "NY", "city": "new york ", "country": "US", "ref": "osint:REV1"},
        {"record_id": "REV2", "source": "review", "entity_type": "business", "name": "Lucky Massage",
         "region": "NY", "city": "Buffalo", "country": "US", "ref": "osint:REV2"},
        {"record_id": "REV3", "source": "review", "entity_type": "business", "name": "Lucky Massage",
         "region": "NY", "country": "US", "ref": "osint:REV3"},
    ]
    refs = [r["ref"] for r in osint]
    entities = pa.table({"ref": refs, "entity_id": ["ent-lucky"] * len(refs)})
    recs = party_records(None, normalise("osint", typed("osint", osint)), entities)
    ent = recs.set_index("ref")["entity_id"]
    assert ent["osint:REG"] == ent["osint:REV1"]
    assert ent["osint:REV2"] != ent["osint:REG"]
    # No city: it cannot be placed between the two, so it stands alone.
    assert ent["osint:REV3"] not in {ent["osint:REG"], ent["osint:REV2"]}


def _owner_records(owner_accounts):
    """A spa chain's two licences and a bar's licence, all naming "Nicholas Richardson";
    `owner_accounts` are (account id, region) of the people who bear that name."""
    import pyarrow as pa

    from fiu.normalize.records import normalise

    from .conftest import typed

    def lic(rid, name, region, owners):
        return {"record_id": rid, "source": "license", "entity_type": "business", "name": name,
                "region": region, "country": "US", "related_names": owners,
                "ref": f"osint:{rid}"}

    osint = [
        lic("SPA-CA", "Dragon Massage", "CA", ["Nicholas Richardson", "Min Jun Richardson"]),
        lic("SPA-NC", "Asian Star Spa", "NC", ["Nicholas Richardson", "Min Jun Richardson"]),
        lic("BAR-TX", "Velvet Tavern", "TX", ["Nicholas Richardson"]),
    ]
    accounts = [
        {"partner_id": "bank-a", "account_id": acc, "holder_name": "Nicholas Richardson",
         "holder_type": "individual", "region": region, "country": "US",
         "ref": f"account:bank-a:{acc}"}
        for acc, region in owner_accounts
    ]
    acc = normalise("accounts", typed("accounts", accounts)) if accounts else None
    osi = normalise("osint", typed("osint", osint))
    refs = [r["ref"] for r in accounts + osint]
    entities = pa.table({"ref": refs, "entity_id": ["ent-" + r for r in refs]})
    recs = party_records(acc, osi, entities)
    settings = LinkSettings()
    e = entity_edges(recs, pd.DataFrame(), hub_identifiers(recs, settings.max_identifier_entities),
                     settings)
    ent = recs.set_index("ref")["entity_id"]
    linked = {frozenset(p) for p in zip(e["a"], e["b"])}
    return lambda x, y: frozenset((ent[x], ent[y])) in linked


def test_businesses_naming_one_owner_are_linked():
    linked = _owner_records([("A1", "CA")])
    assert linked("osint:SPA-CA", "osint:SPA-NC")
    assert linked("osint:SPA-CA", "osint:BAR-TX")
    assert linked("account:bank-a:A1", "osint:BAR-TX")


def test_a_name_two_people_bear_links_no_businesses():
    # Two people called Nicholas Richardson: the bar's owner is not the spa chain's.
    linked = _owner_records([("A1", "CA"), ("A2", "TX")])
    assert not linked("osint:SPA-CA", "osint:BAR-TX")
    assert not linked("osint:SPA-NC", "osint:BAR-TX")
    assert not linked("account:bank-a:A1", "osint:BAR-TX")
    # The chain still shares an officer no one else is named after.
    assert linked("osint:SPA-CA", "osint:SPA-NC")
