"""From typed records to scored cases: features → rule hits → networks → model → case dicts.

`detect_cases` is the one-process form. The Beam form (`pipelines/detect.py`) runs
`summarise_transactions` per bucket of accounts, merges the parts with
`combine_summaries`, and calls `cases_from_summary` once, so both give the same cases.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from ..buckets import bucket_of
from ..ids import opaque_id
from ..normalize.names import first_name_forms, party_name
from .features import (
    ACCOUNT_PARTY_FEATURES,
    ENTITY_FEATURES,
    TRANSACTION_FEATURES,
    NetworkContext,
    PartyContext,
    network_features,
    party_features,
    prepare_transactions,
    sweep_to_other_share,
    sweeps_48h,
    transaction_features,
)
from .links import case_ties, is_massage, one_slip, owner_mentions
from .model import CaseModel, default_model
from .networks import (
    combine_flows,
    entity_edges,
    grow_networks,
    hub_identifiers,
    money_flows,
    party_records,
    payouts,
)
from .roles import (
    POTENTIAL_VICTIM,
    RELATED_PARTY,
    SUBJECT,
    business_signs,
    case_roles,
    drawn_in,
    owners_named,
    role_evidence,
    self_forwarding,
)
from .rules import Rule, RuleHit, evaluate, load_rules
from .settings import DEFAULT_SETTINGS, DEFAULT_THRESHOLD, DetectSettings


def payouts_of_nothing() -> pd.DataFrame:
    return pd.DataFrame({"account": [], "cp": [], "amount": []})


@dataclass
class TransactionSummary:
    """What detection needs from transactions, per account; mergeable across buckets."""

    features: pd.DataFrame
    flows: pd.DataFrame
    months: pd.DataFrame  # account, month, in, out, count
    regions: pd.DataFrame  # account, region
    count: int = 0
    payouts: pd.DataFrame = field(default_factory=lambda: payouts_of_nothing())
    sweeps: pd.DataFrame = field(default_factory=lambda: payouts_of_nothing())  # `sweeps_48h`


def summarise_transactions(transactions: pa.Table | pa.RecordBatch | None) -> TransactionSummary:
    """Features, money flows, monthly totals and regions of the accounts in `transactions`.

    Every transaction of an account must be in the same call (the pipeline buckets by
    account ref).
    """
    if transactions is None or transactions.num_rows == 0:
        return TransactionSummary(
            pd.DataFrame(columns=[f.__name__ for f in TRANSACTION_FEATURES], dtype=float),
            combine_flows([]),
            pd.DataFrame({"account": [], "month": [], "in": [], "out": [], "count": []}),
            pd.DataFrame({"account": [], "region": []}),
            0,
        )
    t = prepare_transactions(transactions)
    feats = transaction_features(t)
    return TransactionSummary(feats, money_flows(t), monthly_totals(t), account_regions(t), len(t),
                              payouts(t), sweeps_48h(t))


def monthly_totals(t: pd.DataFrame) -> pd.DataFrame:
    """account, month (`YYYY-MM-01`), in, out, count per account and month of activity.

    Grouped by the account's and the month's numbers, both in sorted order, so the rows
    and the sums (each group added in row order) are those of a groupby by the strings.
    """
    months = t["day"].to_numpy().astype("datetime64[D]").astype("datetime64[M]")
    distinct, back = np.unique(months, return_inverse=True)
    names = np.array([f"{m}-01" for m in distinct.astype(str)], dtype=object)
    width = len(distinct)
    inflow, amount = t["inflow"].to_numpy(dtype=bool), t["amount"].to_numpy()
    sums = pd.DataFrame({"in": np.where(inflow, amount, 0.0), "out": np.where(inflow, 0.0, amount),
                         "count": 1}).groupby(t["account_code"].to_numpy() * width
                                              + back.reshape(-1), sort=True).sum()
    key = sums.index.to_numpy()
    first_row = np.searchsorted(t["account_code"].to_numpy(), key // width)
    return pd.DataFrame({
        "account": t["account"].to_numpy()[first_row], "month": names[key % width],
        "in": sums["in"].to_numpy(), "out": sums["out"].to_numpy(),
        "count": sums["count"].to_numpy(),
    })


def account_regions(t: pd.DataFrame) -> pd.DataFrame:
    """account, region: each region an account transacted in, sorted (regions numbered
    once in `prepare_transactions`, so the pairs are found in integers)."""
    code = t["region_code"].to_numpy()
    rows = np.flatnonzero(code >= 0)
    width = int(code.max()) + 1 if len(rows) else 1
    _, first = np.unique(t["account_code"].to_numpy()[rows] * width + code[rows],
                         return_index=True)
    rows = rows[first]
    pairs = pd.DataFrame({"account": t["account"].to_numpy()[rows],
                          "region": t["region"].to_numpy()[rows]})
    return pairs.sort_values(["account", "region"]).reset_index(drop=True)


def combine_summaries(parts: Iterable[TransactionSummary]) -> TransactionSummary:
    """Merge per-bucket summaries (accounts never span buckets)."""
    parts = list(parts)
    if not parts:
        return summarise_transactions(None)
    feats = pd.concat([p.features for p in parts if len(p.features)] or [parts[0].features])
    feats = feats[~feats.index.duplicated()].sort_index()
    feats.index.name = "ref"
    months = pd.concat([p.months for p in parts], ignore_index=True)
    months = months.groupby(["account", "month"], sort=True).sum().reset_index() if len(months) else months
    regions = pd.concat([p.regions for p in parts], ignore_index=True).drop_duplicates()
    regions = regions.sort_values(["account", "region"]).reset_index(drop=True)
    paid = [p.payouts for p in parts if len(p.payouts)]
    paid_out = (pd.concat(paid, ignore_index=True).sort_values(["account", "cp"], kind="stable")
                .reset_index(drop=True) if paid else payouts_of_nothing())
    swept = [p.sweeps for p in parts if len(p.sweeps)]
    sweeps = (pd.concat(swept, ignore_index=True).sort_values(["account", "cp"], kind="stable")
              .reset_index(drop=True) if swept else payouts_of_nothing())
    return TransactionSummary(
        feats, combine_flows([p.flows for p in parts]), months, regions, sum(p.count for p in parts),
        paid_out, sweeps,
    )


@dataclass
class Candidates:
    """Candidate networks with everything needed to score and describe them."""

    records: pd.DataFrame
    account_features: pd.DataFrame
    entity_features: pd.DataFrame
    network_features: pd.DataFrame
    members: pd.DataFrame  # ref, entity_id, network_id (+ record columns)
    hits: list[RuleHit]
    roles: pd.DataFrame  # role evidence per party (`roles.role_evidence`)
    summary: TransactionSummary
    seeds: set[str] = field(default_factory=set)
    # personal accounts forwarding most of their inflow to their own party's accounts
    self_forwarding: frozenset[str] = frozenset()
    # accounts those pay most to, keeping what they receive (`roles.self_forwarding`)
    collectors: frozenset[str] = frozenset()


def normalised(kind: str, table: pa.Table | None) -> pa.Table | None:
    """`table` with its `*_norm` columns (normalised here when the caller has not)."""
    if table is None or "phone_norm" in table.column_names:
        return table
    from ..normalize.records import normalise

    return normalise(kind, table)


def _feature_table(frame: pd.DataFrame) -> pa.Table:
    frame = frame.copy()
    frame.index = frame.index.astype(str)
    out = pa.Table.from_pandas(frame, preserve_index=True)
    name = frame.index.name or "__index_level_0__"
    cols = out.column_names
    if name in cols and name != "ref":
        out = out.rename_columns(["ref" if c == name else c for c in cols])
    elif "ref" not in cols:
        out = out.append_column("ref", pa.array(list(frame.index), pa.string()))
    return out.replace_schema_metadata(None)


def _hit_weights(hits: list[RuleHit], rules: dict[str, Rule], key_entity: dict[str, str]) -> pd.Series:
    rows = [(key_entity.get(h.key, h.key), h.rule_id, rules[h.rule_id].weight) for h in hits]
    if not rows:
        return pd.Series(dtype=float)
    f = pd.DataFrame(rows, columns=["entity", "rule", "w"]).drop_duplicates(["entity", "rule"])
    return f.groupby("entity")["w"].apply(lambda w: 1 - np.prod(1 - w.to_numpy()))


def candidate_networks(
    summary: TransactionSummary,
    accounts: pa.Table | None,
    osint: pa.Table | None,
    entities: pa.Table | None,
    rules: Sequence[Rule],
    settings: DetectSettings = DEFAULT_SETTINGS,
    extra_seed_refs: Iterable[str] = (),
) -> Candidates:
    """Account and entity features and hits, seeds, networks grown from them, network hits.

    `extra_seed_refs` (e.g. labelled records, when training) also seed networks.
    """
    records = party_records(normalised("accounts", accounts), normalised("osint", osint), entities)
    links = settings.links
    hubs = hub_identifiers(records, links.max_identifier_entities)
    ctx = PartyContext(records, hubs, summary.features)
    acc_refs = pd.Index(sorted(records.loc[records["kind"] == "account", "ref"]), name="ref")
    account_features = summary.features.reindex(acc_refs).join(
        party_features(ctx, ACCOUNT_PARTY_FEATURES, acc_refs)
    )
    account_features.index.name = "ref"
    if "sweep_to_one_share_48h" in account_features and len(summary.sweeps):
        # A sweep is to someone else: the holder's own accounts are one party (ESC-6, LAB-1).
        inflow_in = summary.months.groupby("account")["in"].sum()
        share = account_features["sweep_to_one_share_48h"]
        account_features["sweep_to_one_share_48h"] = share.where(share.isna(), np.minimum(
            share, sweep_to_other_share(summary.sweeps, inflow_in,
                                        dict(zip(records["ref"], records["entity_id"])),
                                        acc_refs)))
    ent_ids = pd.Index(sorted(records["entity_id"].unique()), name="ref")
    entity_features = party_features(ctx, ENTITY_FEATURES, ent_ids)
    hits = evaluate(rules, _feature_table(account_features), level="account")
    hits += evaluate(rules, _feature_table(entity_features), level="entity")
    by_id = {r.id: r for r in rules}
    ref_entity = dict(zip(records["ref"], records["entity_id"]))
    weights = _hit_weights(hits, by_id, ref_entity)
    seeds = set(weights[weights >= settings.seed_weight - 1e-9].index)
    seeds |= {ref_entity[r] for r in extra_seed_refs if r in ref_entity}
    edges = entity_edges(records, summary.flows, hubs, links)
    nets = grow_networks(list(ent_ids), edges, seeds, links)
    members = records.merge(nets, on="entity_id").sort_values(["network_id", "ref"]).reset_index(drop=True)
    members["is_massage"] = is_massage(members)
    nctx = NetworkContext(members, account_features, entity_features, summary.flows)
    net_feats = network_features(nctx) if len(members) else pd.DataFrame(index=pd.Index([], name="ref"))
    if len(net_feats):
        hits += evaluate(rules, _feature_table(net_feats), level="network")
    inflow = summary.months.groupby("account")["in"].sum() if len(summary.months) else pd.Series(
        dtype=float)
    roles = role_evidence(records, account_features, entity_features, summary.payouts, inflow,
                          settings.roles)
    forwarding, collectors = self_forwarding(records, summary.payouts, inflow,
                                             settings.roles.forward_share)
    return Candidates(records, account_features, entity_features, net_feats, members,
                      sorted(hits, key=lambda h: (h.rule_id, h.key)), roles, summary, seeds,
                      forwarding, collectors)


# --- model inputs -----------------------------------------------------------------------


def _network_hits(c: Candidates) -> pd.DataFrame:
    """One row per (network, rule, key) hit inside the network."""
    m = c.members
    rows = []
    ref_net = dict(zip(m["ref"], m["network_id"]))
    ent_nets = m.groupby("entity_id")["network_id"].first().to_dict()
    nets = set(c.network_features.index)
    for h in c.hits:
        if h.level == "account":
            net = ref_net.get(h.key)
        elif h.level == "entity":
            net = ent_nets.get(h.key)
        else:
            net = h.key if h.key in nets else None
        if net is not None:
            rows.append((net, h.rule_id, h.key, h.level, h.explanation))
    return pd.DataFrame(rows, columns=["network_id", "rule_id", "key", "level", "explanation"])


def model_matrix(c: Candidates, rules: Sequence[Rule]) -> pd.DataFrame:
    """One row per candidate network: network features, the largest account and entity
    feature values among members, rule hit counts and rule scores per typology."""
    nets = c.network_features.index
    X = c.network_features.copy()
    m = c.members
    acc = m[m["kind"] == "account"][["network_id", "ref"]]
    af = c.account_features.reindex(acc["ref"])
    af.index = acc["network_id"].to_numpy()
    X = X.join(af.groupby(level=0).max(), how="left")
    ents = m[["network_id", "entity_id"]].drop_duplicates()
    ef = c.entity_features.reindex(ents["entity_id"])
    ef.index = ents["network_id"].to_numpy()
    X = X.join(ef.groupby(level=0).max(), how="left")
    nh = _network_hits(c)
    by_id = {r.id: r for r in rules}
    for r in rules:
        cnt = nh[nh["rule_id"] == r.id].groupby("network_id")["key"].nunique()
        X[f"rule:{r.id}"] = cnt.reindex(nets).fillna(0).astype(float)
    scores = rule_scores(nh, by_id)
    for col in scores.columns:
        X[col] = scores[col].reindex(nets).fillna(0.0)
    X.index.name = "network_id"
    return X.sort_index()


def rule_scores(network_hits: pd.DataFrame, rules: dict[str, Rule]) -> pd.DataFrame:
    """Per network: `rule_score` (all distinct rules hit) and `rule_score:<typology>`.

    Each distinct rule adds its severity weight w (low 0.15, medium 0.3, high 0.5):
    score = 1 − Π(1 − w). Example: one high and one medium rule → 0.65.
    """
    if network_hits.empty:
        return pd.DataFrame(columns=["rule_score"])
    d = network_hits[["network_id", "rule_id"]].drop_duplicates()
    d = d.assign(
        w=d["rule_id"].map(lambda r: rules[r].weight),
        typology=d["rule_id"].map(lambda r: rules[r].typology),
    )
    comb = lambda w: 1 - np.prod(1 - w.to_numpy())  # noqa: E731
    out = pd.DataFrame({"rule_score": d.groupby("network_id")["w"].apply(comb)})
    for typ, g in d.groupby("typology"):
        out[f"rule_score:{typ}"] = g.groupby("network_id")["w"].apply(comb)
    return out.fillna(0.0)


def network_labels(c: Candidates, labels: pa.Table | None) -> pd.Series:
    """Label of each candidate network from labelled refs: 1 if any member ref is labelled 1,
    0 if its labelled refs are all 0; networks without labelled refs are left out."""
    if labels is None or labels.num_rows == 0:
        return pd.Series(dtype=int)
    lab = labels.select(["ref", "label"]).to_pandas()
    lab["label"] = lab["label"].astype(int)
    m = c.members[["ref", "network_id"]].merge(lab, on="ref")
    return m.groupby("network_id")["label"].max().astype(int).sort_index()


# --- cases ------------------------------------------------------------------------------


def _case_id(refs: list[str], id_key: str = "") -> str:
    """`case-` + 12 hex digits of the keyed hash of the case's smallest ref (`fiu.ids`)."""
    return opaque_id("case", min(refs), id_key)


def _uniq(values: Iterable[Any]) -> list[Any]:
    return sorted({v for v in values if v is not None and v == v and v != ""})


def _subjects(c: Candidates, net_members: pd.DataFrame, typologies: list[str],
              settings: DetectSettings, ties: list[dict]) -> list[dict[str, Any]]:
    """Every resolved party of a case with its role and the reasons for it.

    A resolved entity is a potential victim when each of its parties is (a party is
    what detection links: the entity, or one place of a business, or one ad); a
    business tied to none of the case's subjects is a related party (`roles.drawn_in`).
    """
    mentions = owner_mentions(net_members, within_case=True)
    owned = owners_named(mentions) if not net_members.empty else pd.Series(dtype=int)
    roles = case_roles(c.roles, sorted(net_members["entity_id"].unique()), typologies,
                       settings.roles, owned)
    out = []
    for ent, g in net_members.groupby("resolved_entity_id", sort=True):
        decided = [roles[u] for u in sorted(g["entity_id"].unique())]
        victim = all(role == POTENTIAL_VICTIM for role, _ in decided)
        reasons = [r for role, why in decided if (role == POTENTIAL_VICTIM) == victim for r in why]
        if g["is_business"].any():
            etype = "business"
        elif ((g["kind"] == "account") | (g["entity_type"] == "person")).any():
            etype = "person"
        else:
            etype = "unknown"
        protected = [] if victim or g["is_business"].any() else _protected_accounts(
            g, c.self_forwarding, c.collectors)
        if protected:
            reasons.append(f"{len(protected)} of its accounts are in a family name none of "
                           "its other accounts bears, or forward most of what they receive "
                           "to them: left out of packages, as a victim's account may be "
                           "resolved into her controller's party through the phone he put "
                           "on it")
        # The registry and licence records of the case that name this subject as owner
        # or officer, with the name each gives: open-source evidence every recipient may
        # be shown, whichever institution holds the subject's accounts.
        named_in = []
        if not (victim or g["is_business"].any()):
            named = mentions[mentions["person"].isin(set(g["entity_id"]))]
            named_in = [{"ref": r, "name_norm": m}
                        for r, m in sorted(set(zip(named["ref"], named["mention"])))]
        out.append({
            "entity_id": ent,
            "role": POTENTIAL_VICTIM if victim else SUBJECT,
            **({"protected_refs": protected} if protected else {}),
            **({"named_in": named_in} if named_in else {}),
            "role_reasons": list(dict.fromkeys(reasons)),
            "entity_type": etype,
            "names": _uniq(g["name"]),
            "refs": sorted(g["ref"]),
            "phones": _uniq(g["phone_norm"]),
            "emails": _uniq(g["email_norm"]),
            "addresses": _uniq(g["address_norm"]),
            "regions": _uniq(g["region"]),
            "partners": _uniq(g["partner"]),
        })
    _mark_drawn_in(out, c, net_members, mentions, ties, settings)
    return sorted(out, key=lambda s: (s["role"] != SUBJECT, s["entity_id"]))


def _mark_drawn_in(subjects: list[dict[str, Any]], c: Candidates, net_members: pd.DataFrame,
                   mentions: pd.DataFrame, ties: list[dict], settings: DetectSettings) -> None:
    """Make the case's businesses that `roles.drawn_in` finds related parties."""
    resolved = dict(zip(net_members["entity_id"], net_members["resolved_entity_id"]))
    owns = [{"source": resolved[p], "target": resolved[b], "kind": "officer_or_owner"}
            for p, b in zip(mentions["person"], mentions["business"])
            if p in resolved and b in resolved]
    units = net_members.loc[net_members["is_business"].astype(bool), "entity_id"].unique()
    evidence = c.roles.reindex([u for u in units if u in c.roles.index])
    signs = {resolved[u] for u in evidence.index[business_signs(evidence, settings.roles)]}
    roles = {s["entity_id"]: s["role"] for s in subjects}
    businesses = {s["entity_id"] for s in subjects
                  if s["entity_type"] == "business" and s["role"] == SUBJECT}
    names = {s["entity_id"]: {party_name(n) for n in s["names"]} - {None} for s in subjects}
    fallen = drawn_in(roles, businesses, ties + owns, signs, names)
    for s in subjects:
        if s["entity_id"] in fallen:
            s["role"] = RELATED_PARTY
            s["role_reasons"] = s["role_reasons"] + [
                "tied to none of the case's subjects (it only pays people of the case, or "
                "has no tie at all): a related party, not named"]


def _protected_accounts(g: pd.DataFrame, self_forwarding: frozenset[str],
                        collectors: frozenset[str] = frozenset()) -> list[str]:
    """Accounts of one subject party (a person) that may be a victim's: in a name that
    no other of its accounts bears — a family name within one typing slip, and a first
    name of the same initial or a short form of it, typed as it was ("Sam" for
    "Samantha", "Btty" for "Elizabeth") — a woman housed with her controller may share
    his phone and address, and his first name or his family name (she may be given it,
    or be his relative), never both by chance — or forwarding most of what they receive
    to its other accounts (when in doubt, protect: even all of them). An account those
    forward to and that keeps the money (`collectors`) is his, whatever its name."""
    acc = g[g["kind"] == "account"].drop_duplicates("ref")
    words = {ref: name.split() if isinstance(name, str) and name.split() else ["", ""]
             for ref, name in zip(acc["ref"], acc["name_norm"])}

    def same(a: list[str], b: list[str]) -> bool:
        return bool(a[0] and b[0] and a[-1] and b[-1] and one_slip(a[-1], b[-1])
                    and same_first(a[0], b[0]))

    other_name = {ref for ref, name in words.items() if len(words) > 1 and not any(
        same(name, other) for o, other in words.items() if o != ref)}
    forwarding = set(words) & self_forwarding
    return sorted((other_name - (collectors - forwarding)) | forwarding)


def same_first(a: str, b: str) -> bool:
    """Two folded first names one person may be written with: the same initial, or one
    a short form of the other, typed as it was or, from five letters on, within one
    typing slip ("btty" for "betty"; "lia" is not "liam": a wrong match here would
    show a woman's account as her controller's)."""
    def form_of(name: str, formal: str) -> bool:
        return any(name == f or (len(f) >= 5 and one_slip(name, f))
                   for f in first_name_forms(formal))

    return a[0] == b[0] or form_of(a, b) or form_of(b, a)


def _hit_refs(entity_refs: dict, level: str, key: str, net_refs: list[str]) -> list[str]:
    if level == "account":
        return [key]
    if level == "entity":
        return entity_refs.get(key, [])
    return net_refs


def _by(frame: pd.DataFrame, column: str) -> dict[Any, pd.DataFrame]:
    """{value: its rows}: one pass over the frame instead of one filter per case."""
    return {key: rows for key, rows in frame.groupby(column, sort=False)}


def _positions(frame: pd.DataFrame, column: str) -> dict[Any, np.ndarray]:
    """{value: positions of its rows}: one pass over a frame that grows with the history
    (months, regions, flows), so each case takes its rows instead of filtering it all."""
    return frame.groupby(column, sort=False).indices if len(frame) else {}


def _rows_of(frame: pd.DataFrame, positions: dict[Any, np.ndarray], keys: Iterable[Any]
             ) -> pd.DataFrame:
    """The rows of `frame` whose value is one of `keys`, in the frame's order."""
    found = [positions[k] for k in keys if k in positions]
    return frame.iloc[np.sort(np.concatenate(found))] if found else frame.iloc[0:0]


def _explanation(texts: list[str]) -> str:
    texts = list(dict.fromkeys(texts))
    if len(texts) <= 3:
        return "; ".join(texts)
    return "; ".join(texts[:3]) + f"; and {len(texts) - 3} more"


def _typologies(scores: pd.Series, share: float) -> list[str]:
    typ = {k.split(":", 1)[1]: v for k, v in scores.items()
           if k.startswith("rule_score:") and not k.endswith(":general") and v > 0}
    if not typ:
        return []
    best = max(typ.values())
    chosen = [t for t, v in typ.items() if v >= share * best]
    return sorted(chosen, key=lambda t: (-typ[t], t))[:2]


def shows_conduct(X: pd.DataFrame, rules: Sequence[Rule],
                  settings: DetectSettings = DEFAULT_SETTINGS) -> pd.Series:
    """Per candidate network (a row of `model_matrix`): do typology rules hit on at least
    `settings.conduct_indicators` distinct indicators of conduct of one typology? General red flags
    alone (structuring, shared identifiers) are not evidence of trafficking, nor is
    structure alone (`structural_indicators`: one owner of spas in several states,
    accounts at several banks), which a licensed chain shows as well; and no single red
    flag is by itself indicative (FIN-2014-A008, FIN-2020-A008): night tips paid by app,
    or cash banked in several states, are ordinary lives until a second kind of conduct
    of the same typology corroborates them (one member's night tips and another's
    shared phone tell no one story). Only such networks can become cases."""
    conduct = [r for r in rules if r.typology != "general"
               and r.indicator not in settings.structural_indicators and f"rule:{r.id}" in X]
    if not conduct:
        return pd.Series(False, index=X.index)
    hit = X[[f"rule:{r.id}" for r in conduct]].gt(0).to_numpy()
    best = np.zeros(len(X), dtype=int)
    for typology in sorted({r.typology for r in conduct}):
        indicators = sorted({r.indicator for r in conduct if r.typology == typology})
        distinct = sum(hit[:, [k for k, r in enumerate(conduct) if r.indicator == ind]].any(axis=1)
                       for ind in indicators)
        best = np.maximum(best, distinct)
    return pd.Series(best >= settings.conduct_indicators, index=X.index)


def score_cases(
    c: Candidates,
    rules: Sequence[Rule],
    model: CaseModel | None,
    threshold: float = DEFAULT_THRESHOLD,
    id_key: str = "",
    settings: DetectSettings = DEFAULT_SETTINGS,
) -> list[dict[str, Any]]:
    """Case dicts (architecture §4) of the candidate networks scoring ≥ `threshold`.

    The case score is the mean of the rule score and the model probability (the rule
    score alone without a model).
    """
    if c.network_features.empty:
        return []
    X = model_matrix(c, rules)
    rule_score = X["rule_score"] if "rule_score" in X else pd.Series(0.0, index=X.index)
    if model is not None:
        proba = pd.Series(model.predict_proba(X)[:, 1], index=X.index)
        score = (rule_score + proba) / 2
    else:
        proba = None
        score = rule_score
    has_typology = shows_conduct(X, rules, settings)
    chosen = [n for n in X.index if score[n] >= threshold and has_typology[n]]
    reasons = dict(zip(chosen, model.reasons(X.loc[chosen]))) if model is not None and chosen else {}
    by_id = {r.id: r for r in rules}
    members = _by(c.members[c.members["network_id"].isin(chosen)], "network_id")
    network_hits = _network_hits(c)
    hits = _by(network_hits, "network_id")
    # The refs of each entity a chosen case's hit names (not of every entity held).
    named = network_hits.loc[(network_hits["level"] == "entity")
                             & network_hits["network_id"].isin(chosen), "key"]
    named_records = c.records[c.records["entity_id"].isin(set(named))]
    entity_refs = {e: sorted(refs)
                   for e, refs in named_records.groupby("entity_id", sort=False)["ref"]}
    case_accounts = c.members.loc[c.members["kind"] == "account", "ref"]
    months = c.summary.months[c.summary.months["account"].isin(case_accounts)]
    txn_regions = c.summary.regions[c.summary.regions["account"].isin(case_accounts)]
    forward_to = c.roles["forward_to"].dropna().to_dict() if "forward_to" in c.roles else {}
    month_rows, region_rows = _positions(months, "account"), _positions(txn_regions, "account")
    flows = c.summary.flows
    flow_rows = _positions(flows, "src")
    cases = []
    for net in chosen:
        mem = members[net]
        refs = sorted(mem["ref"])
        rule_hits = []
        net_hits = hits[net].groupby("rule_id", sort=True) if net in hits else ()
        for rid, g in net_hits:
            r = by_id[rid]
            hit_refs = sorted({x for level, key in zip(g["level"], g["key"])
                               for x in _hit_refs(entity_refs, level, key, refs)})
            rule_hits.append({
                "rule_id": rid, "title": r.title, "typology": r.typology,
                "indicator": r.indicator, "source": r.source, "severity": r.severity,
                "level": r.level, "refs": hit_refs, "explanation": _explanation(list(g["explanation"])),
            })
        acc_refs = set(mem.loc[mem["kind"] == "account", "ref"])
        tl = _rows_of(months, month_rows, acc_refs).groupby("month", sort=True)[
            ["in", "out", "count"]].sum()
        timeline = [
            {"date": str(mo), "in": round(float(r["in"]), 2), "out": round(float(r["out"]), 2),
             "count": int(r["count"])}
            for mo, r in tl.iterrows()
        ]
        regions = _uniq(list(mem["region"])
                        + list(_rows_of(txn_regions, region_rows, acc_refs)["region"]))
        model_part: dict[str, Any] = {"score": None, "version": None, "reasons": []}
        if model is not None and proba is not None:
            model_part = {"score": round(float(proba[net]), 4), "version": model.version_,
                          "reasons": reasons.get(net, [])}
        typologies = _typologies(X.loc[net], settings.typology_share)
        ties = case_ties(mem, _rows_of(flows, flow_rows, set(mem["ref"])), forward_to)
        cases.append({
            "case_id": _case_id(refs, id_key),
            "score": round(float(score[net]), 4),
            "typologies": typologies,
            "refs": refs,
            "rule_hits": rule_hits,
            "model": model_part,
            "subjects": _subjects(c, mem, typologies, settings, ties),
            "ties": ties,
            "regions": regions,
            "timeline": timeline,
        })
    return sorted(cases, key=lambda k: k["case_id"])


def cases_from_summary(
    summary: TransactionSummary,
    accounts: pa.Table | None,
    osint: pa.Table | None,
    entities: pa.Table | None,
    labels: pa.Table | None = None,
    rules: Sequence[Rule] | None = None,
    model: CaseModel | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    use_default_model: bool = True,
    id_key: str = "",
    settings: DetectSettings = DEFAULT_SETTINGS,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Everything after the per-account transaction summary: the global half of detection."""
    if not 0 < threshold <= 1:
        raise ValueError(f"`threshold` must be in (0, 1]; got {threshold}")
    rules = list(load_rules() if rules is None else rules)
    c = candidate_networks(summary, accounts, osint, entities, rules, settings)
    fitted = False
    fit_note = None
    y = network_labels(c, labels)
    need = settings.min_fit_per_class
    if len(y) and y.nunique() == 2 and y.value_counts().min() >= need:
        X = model_matrix(c, rules)
        model = CaseModel().fit(X.loc[y.index], y.to_numpy(),
                                training_data={"source": "labels in the input folder"})
        fitted = True
    if model is None and use_default_model:
        model = default_model()
    if not fitted and labels is not None and labels.num_rows:
        counts = y.value_counts()
        kept = "rules only" if model is None else f"model {model.version_}"
        fit_note = (
            f"labels present ({labels.num_rows} rows) but too few to fit: "
            f"{int(counts.get(1, 0))} labelled-1 and {int(counts.get(0, 0))} labelled-0 candidate "
            f"networks (need {need} of each); scored with {kept}"
        )
    cases = score_cases(c, rules, model, threshold, id_key, settings)
    level_counts = {lv: sum(1 for h in c.hits if h.level == lv) for lv in ("account", "entity", "network")}
    typ_counts: dict[str, int] = {}
    for case in cases:
        for t in case["typologies"]:
            typ_counts[t] = typ_counts.get(t, 0) + 1
    stats: dict[str, Any] = {
        "transactions": int(summary.count),
        "accounts": int((c.records["kind"] == "account").sum()),
        "osint": int((c.records["kind"] == "osint").sum()),
        "entities": int(c.records["entity_id"].nunique()),
        "rules": len(rules),
        "rule_hits": level_counts,
        "seeds": len(c.seeds),
        "candidate_networks": int(len(c.network_features)),
        "cases": len(cases),
        "cases_by_typology": dict(sorted(typ_counts.items())),
        "potential_victims": int(sum(
            1 for case in cases for s in case["subjects"] if s["role"] == POTENTIAL_VICTIM
        )),
        "related_parties": int(sum(
            1 for case in cases for s in case["subjects"] if s["role"] == RELATED_PARTY
        )),
        "threshold": threshold,
        "score": "mean of rule score and model probability" if model else "rule score",
        "model": None if model is None else {
            "version": model.version_,
            "fitted_on_labels": fitted,
            "sklearn_version": model.card_.get("sklearn_version"),
            "metrics": model.card_.get("held_out_metrics", {}),
        },
        "model_fitted_on_labels": fitted,
    }
    if fit_note:
        stats["model_note"] = fit_note
    return cases, stats


def detect_cases(
    transactions: pa.Table | None,
    accounts: pa.Table | None,
    osint: pa.Table | None,
    entities: pa.Table | None,
    labels: pa.Table | None = None,
    rules: Sequence[Rule] | None = None,
    model: CaseModel | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    use_default_model: bool = True,
    id_key: str = "",
    settings: DetectSettings = DEFAULT_SETTINGS,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Cases and stats in one process (the Beam `DetectCases` gives the same).

    `model=None` uses the packaged default model (unless `use_default_model=False`);
    labels with both classes among candidate networks fit a fresh model first.
    """
    summary = summarise_transactions(transactions)
    return cases_from_summary(summary, accounts, osint, entities, labels, rules, model,
                              threshold, use_default_model, id_key, settings)


def account_buckets(transactions: pa.Table | pa.RecordBatch, buckets: int) -> np.ndarray:
    """Bucket of every transaction: the stable bucket (`fiu.buckets`) of its account ref."""
    import pyarrow.compute as pc

    refs = pc.binary_join_element_wise(
        "account", transactions.column("partner_id"), transactions.column("account_id"), ":"
    )
    return bucket_of(refs, buckets)


def split_by_account_bucket(
    transactions: pa.RecordBatch | pa.Table, buckets: int
) -> list[tuple[int, pa.RecordBatch | pa.Table]]:
    """(bucket, rows of that bucket) for every non-empty bucket of a transactions batch."""
    if transactions.num_rows == 0:
        return []
    b = account_buckets(transactions, buckets)
    # Each bucket's rows taken by index (in the batch's order), not a filter of every
    # row per bucket: one pass over the batch in all.
    order = np.argsort(b, kind="stable")
    keys, starts, sizes = np.unique(b[order], return_index=True, return_counts=True)
    return [(int(k), transactions.take(pa.array(order[s:s + n])))
            for k, s, n in zip(keys, starts, sizes)]


def concat_batches(batches: Iterable[pa.RecordBatch | pa.Table]) -> pa.Table | None:
    """One table from batches of one kind (None when there are none)."""
    tables = [pa.Table.from_batches([b]) if isinstance(b, pa.RecordBatch) else b for b in batches]
    tables = [t for t in tables if t.num_rows]
    if not tables:
        return None
    return pa.concat_tables(tables, promote_options="default")
