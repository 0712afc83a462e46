"""Link entities into networks and tell who profits from who is exploited.

Entities are linked by shared identifiers (phone, email, address key; never through a
hub identifier that very many entities share), by registry and licence `related_names`
(owner ↔ business, never through a name two people bear), and by money moving between
partner accounts; a business the resolver joined with a namesake in another place is
split per place first. Networks grow only from suspicious seed entities, a few hops out,
so that benign parts of the graph never form one giant component; connected components
come from `scipy.sparse.csgraph`.
"""
from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pyarrow as pa
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from .links import identifiers, namesake_names, owner_edges
from .settings import LinkSettings


def stable_id(prefix: str, refs: list[str] | pd.Index | np.ndarray) -> str:
    """`prefix` + 12 hex of sha256 of the smallest ref: stable for the same members."""
    smallest = min(refs)
    return prefix + hashlib.sha256(smallest.encode("utf-8")).hexdigest()[:12]


def _to_frame(table: pa.Table | None, columns: list[str]) -> pd.DataFrame:
    if table is None or table.num_rows == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    present = [c for c in columns if c in table.column_names]
    frame = table.select(present).to_pandas()
    for c in columns:
        if c not in frame:
            frame[c] = None
    return frame[columns]


def party_records(
    accounts: pa.Table | None, osint: pa.Table | None, entities: pa.Table | None
) -> pd.DataFrame:
    """One row per account and osint record, with entity id and the party columns features use."""
    acc = _to_frame(
        accounts,
        ["ref", "partner_id", "holder_name", "holder_type", "region", "city", "opened_on",
         "business_category", "name_norm", "phone_norm", "email_norm", "address_key",
         "address_norm"],
    )
    acc = acc.rename(columns={"holder_name": "name", "partner_id": "partner"})
    acc["kind"] = "account"
    acc["source"] = None
    acc["is_business"] = acc["holder_type"] == "business"
    acc["entity_type"] = np.where(acc["is_business"], "business", "person")
    acc["related_names_norm"] = None
    acc["text"] = None
    osi = _to_frame(
        osint,
        ["ref", "source", "entity_type", "name", "region", "city", "name_norm",
         "related_names_norm", "phone_norm", "email_norm", "address_key", "address_norm", "text"],
    )
    osi["kind"] = "osint"
    osi["partner"] = None
    osi["opened_on"] = None
    osi["business_category"] = None
    osi["is_business"] = osi["entity_type"] == "business"
    recs = pd.concat([acc, osi], ignore_index=True)
    recs["related_names_norm"] = recs["related_names_norm"].map(
        lambda v: list(v) if v is not None and not isinstance(v, float) else None
    )
    opened = pd.to_datetime(recs["opened_on"], errors="coerce")
    recs["opened_day"] = (opened - pd.Timestamp("1970-01-01")).dt.days
    ref_entity = {}
    if entities is not None and entities.num_rows:
        ref_entity = dict(zip(entities.column("ref").to_pylist(), entities.column("entity_id").to_pylist()))
    # A record the resolver did not see is an entity of its own.
    recs["resolved_entity_id"] = [
        ref_entity.get(r) or stable_id("ent-", [r]) for r in recs["ref"]
    ]
    recs["entity_id"] = _link_units(recs)
    for c in ("phone_norm", "email_norm", "address_key"):
        recs[c] = recs[c].where(recs[c].notna() & (recs[c] != ""), None)
    return recs.sort_values("ref", kind="stable").reset_index(drop=True)


def _link_units(recs: pd.DataFrame) -> pd.Series:
    """The party each record stands for in detection: its resolved entity, except that

    - an entity made only of online ads is split into one party per ad: advertised names
      are short and common ("Bella"), so ads of different people get resolved together
      by name alone; ads are linked through their contacts instead;
    - a record without any contact (a review, a news item) resolved into an entity none
      of whose contact-bearing records is in its region stands alone: two businesses of
      one name in two cities are not one business. `_same_name` may tie it to the
      business of that name in its own region;
    - a business entity whose records lie in several places (region, and city where
      known) is split into one party per place (records without a region stand alone):
      a storefront is in one place, so "Lucky Massage" in New York and "Lucky Massage" in
      Texas, or "Pearl Spa" in Dallas and "Pearl Spa" in McAllen, are two businesses the
      resolver joined by name. Joined, they tie two unrelated operations into one
      network; split, each still links to its owner and to the other businesses of that
      owner through `related_names`, phones and money.
    """
    own = recs["ref"].map(lambda r: stable_id("ent-", [r]))
    ent = recs["resolved_entity_id"]
    ad = recs["source"] == "online_ad"
    ad_only = ad.groupby(ent).transform("all")
    many = recs.groupby(ent)["ref"].transform("size") > 1
    split = ad_only & many
    contact = recs[["phone_norm", "email_norm", "address_key"]].notna().any(axis=1) | (
        recs["kind"] == "account"
    )
    anchored = recs.loc[contact & recs["region"].notna(), ["region"]].assign(e=ent[contact])
    anchor_pairs = set(zip(anchored["e"], anchored["region"]))
    has_anchor = ent.isin(set(anchored["e"]))
    in_anchor_region = pd.Series(
        [(e, r) in anchor_pairs for e, r in zip(ent, recs["region"])], index=recs.index
    )
    stray = ~contact & recs["region"].notna() & has_anchor & ~in_anchor_region & ~ad
    units = ent.where(~(split | stray), own)
    return _split_business_by_region(recs, ent, units, own)


def _split_business_by_region(
    recs: pd.DataFrame, ent: pd.Series, units: pd.Series, own: pd.Series
) -> pd.Series:
    """`units`, with each business entity spanning several places split per place.

    A business record is a business account or osint record, or a review (reviews are
    about businesses). Its place is its region and folded city; a record with a region
    but no city takes the one city the entity has in that region, if it has just one. A
    split part is named after its smallest ref; a business record without a region in
    such an entity stands alone.
    """
    business = (recs["is_business"].fillna(False).astype(bool) | (recs["source"] == "review")) & (
        units == ent
    )
    if not business.any():
        return units
    sub = pd.DataFrame({
        "e": ent[business],
        "region": recs.loc[business, "region"],
        "city": [c.casefold().strip() or None if isinstance(c, str) else None
                 for c in recs.loc[business, "city"]],
        "ref": recs.loc[business, "ref"],
    })
    sub["region"] = [r if isinstance(r, str) and r else None for r in sub["region"]]
    known = sub.dropna(subset=["region", "city"])
    cities = known.groupby(["e", "region"])["city"].agg(lambda c: sorted(set(c)))
    only = {k: v[0] for k, v in cities.items() if len(v) == 1}
    fill = [only.get((e, r)) if c is None and r is not None else c
            for e, r, c in zip(sub["e"], sub["region"], sub["city"])]
    sub["place"] = [
        None if r is None else f"{r}|{c or ''}"
        for r, c in zip(sub["region"], fill)
    ]
    places = sub.groupby("e")["place"].nunique()
    sub = sub[sub["e"].map(places) > 1]
    if sub.empty:
        return units
    placed = sub["place"].notna()
    first = sub[placed].groupby(["e", "place"])["ref"].transform("min")
    out = units.copy()
    out.loc[first.index] = first.map(lambda r: stable_id("ent-", [r]))
    out.loc[sub.index[~placed]] = own[sub.index[~placed]]
    return out


def hub_identifiers(records: pd.DataFrame, max_entities: int) -> frozenset[str]:
    """Identifiers shared by more than `max_entities` entities (not counting online ads).

    Ads are left out of the count because one controller's phone behind many ads is the
    signal (ESC-4), not a switchboard.
    """
    ids = identifiers(records[records["source"] != "online_ad"])
    per = ids.groupby("ident")["entity_id"].nunique()
    return frozenset(per[per > max_entities].index)


def money_flows(t: pd.DataFrame) -> pd.DataFrame:
    """Money between partner accounts: src, dst (account refs), amount, count.

    Both sides may report one transfer; each side's report counts, which only scales the
    figures and never changes who is linked.
    """
    sub = t.loc[t["cp_account"].notna(), ["account", "cp_account", "inflow", "amount"]]
    src = np.where(sub["inflow"], sub["cp_account"], sub["account"])
    dst = np.where(sub["inflow"], sub["account"], sub["cp_account"])
    f = pd.DataFrame({"src": src, "dst": dst, "amount": sub["amount"].to_numpy()})
    if f.empty:
        return pd.DataFrame({"src": [], "dst": [], "amount": [], "count": []})
    g = f.groupby(["src", "dst"], sort=True)["amount"].agg(["sum", "size"]).reset_index()
    return g.rename(columns={"sum": "amount", "size": "count"})


def payouts(t: pd.DataFrame) -> pd.DataFrame:
    """Each account's own outgoing transfers, per counterparty: account, cp, amount.

    Only transfers count (person-to-person, a wire, or to a known partner account): rent
    paid by card or a cash withdrawal is spending. A wire to a bank that is not a partner
    is known by the payee's name alone (`roles.payees_by_name`). One side's report only,
    so shares of an account's inflow are true shares (`money_flows` counts both sides).
    """
    transfer = ~t["inflow"] & t["cp"].notna() & (
        t["channel"].isin(["p2p", "wire"]) | t["cp_account"].notna())
    sub = t.loc[transfer, ["account", "cp", "amount"]]
    if sub.empty:
        return pd.DataFrame({"account": [], "cp": [], "amount": []})
    return sub.groupby(["account", "cp"], sort=True)["amount"].sum().reset_index()


def combine_flows(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Flows of several buckets as one frame (the same pair may appear in two buckets)."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({"src": [], "dst": [], "amount": [], "count": []})
    f = pd.concat(parts, ignore_index=True)
    g = f.groupby(["src", "dst"], sort=True).agg(amount=("amount", "sum"), count=("count", "sum"))
    return g.reset_index()


def entity_edges(
    records: pd.DataFrame, flows: pd.DataFrame, hubs: frozenset[str], settings: LinkSettings
) -> pd.DataFrame:
    """Undirected entity pairs a, b (a < b) with the kind of link: identifier, owner, money."""
    ids = identifiers(records)
    ids = ids[~ids["ident"].isin(hubs)][["entity_id", "ident"]].drop_duplicates()
    pairs = ids.merge(ids, on="ident", suffixes=("_a", "_b"))
    pairs = pairs[pairs["entity_id_a"] < pairs["entity_id_b"]]
    parts = [pd.DataFrame({"a": pairs["entity_id_a"], "b": pairs["entity_id_b"], "kind": "identifier"})]
    owners = owner_edges(records)
    parts.append(pd.DataFrame({"a": owners["person"], "b": owners["business"], "kind": "owner"}))
    parts.append(_co_owned(records, settings))
    parts.append(_same_name(records, settings))
    if len(flows):
        ent = records.set_index("ref")["entity_id"]
        strong = flows[(flows["count"] >= settings.min_flow_count) | (flows["amount"] >= settings.min_flow_amount)]
        # An account known only as a counterparty still connects the accounts it deals with.
        fa = strong["src"].map(ent).fillna("acct:" + strong["src"])
        fb = strong["dst"].map(ent).fillna("acct:" + strong["dst"])
        ok = fa != fb
        parts.append(pd.DataFrame({"a": fa[ok], "b": fb[ok], "kind": "money"}))
    edges = pd.concat(parts, ignore_index=True)
    lo = np.minimum(edges["a"].astype(str), edges["b"].astype(str))
    hi = np.maximum(edges["a"].astype(str), edges["b"].astype(str))
    edges = pd.DataFrame({"a": lo, "b": hi, "kind": edges["kind"]})
    return edges[edges["a"] != edges["b"]].drop_duplicates().sort_values(["a", "b", "kind"]).reset_index(drop=True)


def _co_owned(records: pd.DataFrame, settings: LinkSettings) -> pd.DataFrame:
    """Business pairs whose registry or licence records name the same person.

    Links businesses under one owner even when the owner has no record of their own. A
    name on more than `max_identifier_entities` businesses is too common to link, and so
    is a name two or more people in the data bear: a late bar's owner and a spa chain's
    owner who share a name are not one owner.
    """
    biz = records[records["source"].isin(["business_registry", "license"])
                  & records["related_names_norm"].notna()]
    rows = biz[["entity_id", "related_names_norm"]].explode("related_names_norm").dropna()
    rows = rows[~rows["related_names_norm"].isin(namesake_names(records))].drop_duplicates()
    per = rows.groupby("related_names_norm")["entity_id"].nunique()
    rows = rows[rows["related_names_norm"].map(per).between(2, settings.max_identifier_entities)]
    pairs = rows.merge(rows, on="related_names_norm", suffixes=("_a", "_b"))
    pairs = pairs[pairs["entity_id_a"] < pairs["entity_id_b"]]
    return pd.DataFrame({"a": pairs["entity_id_a"], "b": pairs["entity_id_b"], "kind": "co_owner"})


def _same_name(records: pd.DataFrame, settings: LinkSettings) -> pd.DataFrame:
    """Entity pairs with the same folded name in the same region, for records without
    contacts: reviews and businesses; court, sanctions and news records and people.

    Reviews and court records rarely carry a phone, so the name in its region is what
    ties them to the business or person they are about.
    """
    named = records["name_norm"].notna() & records["region"].notna()
    business = records["is_business"] | (records["source"] == "review")
    person_record = records["source"].isin(["court_record", "sanctions", "news"]) | (
        (records["kind"] == "account") & ~records["is_business"]
    )
    sub = records[named & (business | person_record)]
    key = np.where(sub["is_business"] | (sub["source"] == "review"), "b|", "p|")
    rows = pd.DataFrame({
        "entity_id": sub["entity_id"],
        "key": key + sub["name_norm"].astype(str) + "|" + sub["region"].astype(str),
        "needs_link": ~sub["kind"].eq("account") & sub["phone_norm"].isna() & sub["email_norm"].isna(),
    })
    # A record without contacts is tied to the one entity with contacts of that name in
    # that region; when two such entities share the name, the link would be a guess.
    anchored = rows[~rows["needs_link"]].groupby("key")["entity_id"].nunique()
    loose = rows[rows["needs_link"]][["entity_id", "key"]].drop_duplicates()
    loose = loose[loose["key"].map(anchored).fillna(0) == 1]
    anchors = rows[~rows["needs_link"] & rows["key"].isin(loose["key"])][["entity_id", "key"]]
    pairs = loose.merge(anchors.drop_duplicates(), on="key", suffixes=("_a", "_b"))
    pairs = pairs[pairs["entity_id_a"] != pairs["entity_id_b"]]
    return pd.DataFrame({"a": pairs["entity_id_a"], "b": pairs["entity_id_b"], "kind": "name"})


def grow_networks(
    entity_ids: list[str], edges: pd.DataFrame, seeds: set[str], settings: LinkSettings
) -> pd.DataFrame:
    """Networks grown from seed entities: entity_id, network_id (sorted by both).

    From the seeds, walk `depth` hops along the edges; an entity with more than
    `max_degree` links is reached but not walked through unless it is a seed itself.
    The connected components of what was reached, holding at least one seed, are the
    networks.
    """
    ids = sorted(set(entity_ids) | set(edges["a"]) | set(edges["b"]))
    pos = {e: i for i, e in enumerate(ids)}
    n = len(ids)
    if n == 0 or not seeds:
        return pd.DataFrame({"entity_id": [], "network_id": []})
    a = edges["a"].map(pos).to_numpy(dtype=np.int64)
    b = edges["b"].map(pos).to_numpy(dtype=np.int64)
    adj = sparse.coo_matrix((np.ones(len(a) * 2), (np.r_[a, b], np.r_[b, a])), shape=(n, n)).tocsr()
    adj.data[:] = 1.0
    degree = np.asarray((adj > 0).sum(axis=1)).ravel()
    is_seed = np.zeros(n, dtype=bool)
    is_seed[[pos[s] for s in seeds if s in pos]] = True
    passable = is_seed | (degree <= settings.max_degree)
    reached = is_seed.copy()
    frontier = is_seed.copy()
    for _ in range(settings.depth):
        step = adj.T @ (frontier & passable).astype(float)
        new = (step > 0) & ~reached
        reached |= new
        frontier = new
    # Components over the reached entities, only through edges a walk could have used.
    keep = reached
    use = keep[a] & keep[b] & (passable[a] | passable[b])
    sub = sparse.coo_matrix(
        (np.ones(int(use.sum())), (a[use], b[use])), shape=(n, n)
    ).tocsr()
    _, labels = connected_components(sub, directed=False)
    comp_has_seed = np.zeros(labels.max() + 1, dtype=bool)
    comp_has_seed[labels[is_seed]] = True
    member = keep & comp_has_seed[labels]
    frame = pd.DataFrame({"entity_id": np.asarray(ids, dtype=object)[member], "label": labels[member]})
    frame = frame[~frame["entity_id"].str.startswith("acct:")]
    net_of = {
        lab: stable_id("net-", grp["entity_id"].tolist()) for lab, grp in frame.groupby("label")
    }
    frame["network_id"] = frame["label"].map(net_of)
    return frame[["entity_id", "network_id"]].sort_values(["network_id", "entity_id"]).reset_index(drop=True)
