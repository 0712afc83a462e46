"""Who profits and who is exploited: the role rules, decided per resolved party.

Money is first gathered per party (every account of a resolved entity, at every
institution), and so are its counterparties: a victim who forwards half of her takings
to a controller's account at one bank and half to his account at another forwards all
of it to one party. A wire to a bank that is not a partner names its payee only; it is
the party of that name when the payer also pays that party by account
(`payees_by_name`). Then, for each party of a case:

1. A business is a `subject`: packages are about the businesses that profit. A
   business the case holds only as a payer of its people, tied to none of its
   subjects, is a `related_party` (`drawn_in`): a restaurant whose staff were drawn
   in pays them wages, and naming it could cost an innocent employer its account.
2. A person is a `subject` when the evidence shows they own, run or profit from the
   operation:
   - named as owner, officer or agent in a business registry or licence record of a
     business (IMB-4, LAB-3, LAB-4), whatever its accounts show: a name borne by
     several people in the data names the one of them tied to the business's case;
   - the main payee of at least `collects_from` other parties, each paying it at
     least `collect_share` of what they receive (ESC-6, LAB-1, FUN-2: the one the
     sweeps and drains go to, whatever share the operation takes);
   - pays for the operation — advertising (≥ `ad_payments` ad payments in 90 days,
     ESC-1) or lodging in ≥ `hotel_regions` states within 30 days (ESC-2) — while
     keeping its own money (not forwarding `forward_share` of it to someone else);
   - on a sanctions list, or in a court record or news item about trafficking (GEN-5);
   - outside sex- and labor-trafficking cases, lends a funnel account and lives on the
     cut: one of its accounts is fed by cash in ≥ `funnel_regions` states within 30
     days (FUN-1) — deposits made by others, where the holder is not — and is also in
     everyday use by its holder (everyday card purchases in at least `everyday_use` of
     the months money moved), so the drains (FUN-2) leave behind money the holder
     spends. An account opened in a victim's name is a conduit the controller holds:
     cash in, drained out, no life of its own. Any sign of exploitation besides the
     funnel itself (advertised, fees paid back, a cohort account) keeps the party
     protected.
   In every case, a registry's name alone does not outweigh signs of exploitation
   (rule 3): a victim may share an officer's name (or be resolved into a namesake
   officer's party), so a party whose only sign of profit is that name, and whose
   money shows it exploited, is protected.
3. Otherwise a person is a `potential_victim` when the evidence shows them exploited:
   the person advertised in an online ad (ESC-4, IMB-5); forwards at least
   `forward_share` of what they receive to one other party (ESC-6, LAB-1); pays fees
   or rent back to whoever pays them (LAB-5); one of ≥ `cohort_accounts` accounts
   opened together at one address or phone (LAB-2); an account fed by cash in
   ≥ `funnel_regions` states within 30 days (FUN-1) that its holder does not live on
   (or any such account in a sex- or labor-trafficking case), as funnel accounts are
   often opened in victims' names, however fast or fully they are drained.
4. When in doubt, protect: every other person is a `potential_victim` too, named in
   no package. A wrong victim costs a lead; a wrong subject can cost a person their
   bank account. In sex- and labor-trafficking cases (illicit massage, escort / online
   commercial sex, labor trafficking) that is the typology's own presumption; in other
   cases (funnel accounts) a person with no sign of profit is most often someone the
   network grew to — a namesake's household, an employer's staff — not its core.

Every decision carries its reasons in words, for the analysts to check.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from ..normalize.names import party_names
from .links import owner_edges, owner_mentions
from .settings import RoleSettings

SUBJECT = "subject"
POTENTIAL_VICTIM = "potential_victim"
RELATED_PARTY = "related_party"
SHARED_CONTACT_TIES = frozenset({"shares_phone", "shares_email", "shares_address"})
PROTECTIVE_TYPOLOGIES = frozenset(
    {"illicit_massage_business", "escort_online_commercial_sex", "labor_trafficking"}
)
EVIDENCE_COLUMNS = (
    "business", "owner_of", "collects_from", "forward_share", "forward_to",
    "pays_operation", "trafficking_record", "advertised", "fee_payer", "cohort", "funnel",
    "lives_on_funnel",
)


def party_forwarding(records: pd.DataFrame, payouts: pd.DataFrame,
                     inflow: pd.Series) -> pd.DataFrame:
    """Per paying party: the party it pays most, and that as a share of all it receives.

    `payouts`: account, cp (counterparty key), amount of the account's own outgoing
    transfers; `inflow`: money received per account. A counterparty that is a known
    account is replaced by its party, so two accounts of one controller are one payee;
    payments between a party's own accounts are left out. Columns: party, payee, share.
    """
    ent = dict(zip(records["ref"], records["entity_id"]))
    if payouts.empty:
        return pd.DataFrame({"party": [], "payee": [], "share": []})
    p = payouts.assign(
        party=payouts["account"].map(ent),
        payee=payouts["cp"].map(ent).fillna("cp:" + payouts["cp"].astype(str)),
    ).dropna(subset=["party"])
    p = p.assign(payee=payees_by_name(p, records))
    p = p[p["party"] != p["payee"]]
    received = inflow.groupby(inflow.index.map(lambda r: ent.get(r))).sum()
    per = p.groupby(["party", "payee"], sort=True)["amount"].sum().reset_index()
    per = per.sort_values(["party", "amount", "payee"], ascending=[True, False, True])
    top = per.drop_duplicates("party")
    got = top["party"].map(received).fillna(0.0).to_numpy(dtype=float)
    # Paying out without receiving anything is not forwarding.
    share = np.divide(top["amount"].to_numpy(dtype=float), got, out=np.zeros(len(got)), where=got > 0)
    return pd.DataFrame({"party": top["party"].to_numpy(), "payee": top["payee"].to_numpy(),
                         "share": np.clip(share, 0.0, 1.0)})


def payees_by_name(p: pd.DataFrame, records: pd.DataFrame) -> pd.Series:
    """`p`'s payees, a counterparty known only by name (an account at a bank that is not
    a partner) replaced by the party of that name among the payer's own known payees, or
    by the payer itself when the name is its own.

    A controller holds accounts at several banks, and a victim's drains go partly to his
    partner account and partly to one elsewhere, recorded by his name alone: one payee,
    not two. The name decides only among parties the payer already pays by account (and
    itself); a name two of them share decides nothing.
    """
    unknown = p["payee"].str.startswith("cp:").to_numpy()
    if not unknown.any():
        return p["payee"]
    names = records.loc[records["name_norm"].notna(), ["entity_id", "name_norm"]]
    payers = p["party"].unique()
    known = pd.concat([p.loc[~unknown, ["party", "payee"]],
                       pd.DataFrame({"party": payers, "payee": payers})]).drop_duplicates()
    named = known.merge(names, left_on="payee", right_on="entity_id")[
        ["party", "payee", "name_norm"]].drop_duplicates()
    named = named.drop_duplicates(["party", "name_norm"], keep=False)
    asked = pd.DataFrame({
        "row": np.flatnonzero(unknown),
        "party": p["party"].to_numpy()[unknown],
        "name_norm": party_names(pa.array(p["cp"].to_numpy()[unknown].astype(str))).to_pandas(),
    })
    found = asked.merge(named, on=["party", "name_norm"])
    payee = p["payee"].to_numpy(dtype=object).copy()
    payee[found["row"].to_numpy()] = found["payee"].to_numpy()
    return pd.Series(payee, index=p.index)


def _forwarding_to_own(records: pd.DataFrame, payouts: pd.DataFrame, inflow: pd.Series,
                       share: float) -> pd.Series:
    """Amounts by (account, cp): each personal account that forwards at least `share` of
    what it receives to one other account of its own party, with that account."""
    if payouts.empty:
        return pd.Series(dtype=float, index=pd.MultiIndex.from_arrays(
            [[], []], names=["account", "cp"]))
    ent = dict(zip(records["ref"], records["entity_id"]))
    personal = set(records.loc[(records["kind"] == "account") & ~records["is_business"].astype(
        bool), "ref"])
    p = payouts[payouts["account"].isin(personal)]
    own = p["cp"].map(ent).to_numpy() == p["account"].map(ent).to_numpy()
    to_own = p[own & (p["cp"] != p["account"]).to_numpy()].groupby(["account", "cp"])[
        "amount"].sum()
    got = inflow.reindex(to_own.index.get_level_values(0)).fillna(0.0).to_numpy()
    top = to_own.groupby(level=0).transform("max").to_numpy()
    return to_own[(to_own.to_numpy() == top) & (got > 0) & (top >= share * got)]


def self_forwarding(records: pd.DataFrame, payouts: pd.DataFrame, inflow: pd.Series,
                    share: float) -> tuple[frozenset[str], frozenset[str]]:
    """(personal accounts forwarding at least `share` of what they receive to another
    account of their own party, the accounts they pay most to that keep what they
    receive: forward less than `share` of it to any one account).

    A subject's account that forwards so is either savings moved between one's own
    banks or a victim's account resolved into her controller's party through the phone
    or e-mail he put on it; packages leave it out (when in doubt, protect) and keep the
    rest. The money shows which is whose: hers forwards most of what it receives, his
    collects it and keeps it.
    """
    forwards = _forwarding_to_own(records, payouts, inflow, share)
    collectors = set(forwards.index.get_level_values(1))
    paid = payouts[payouts["account"].isin(collectors)].groupby(["account", "cp"])[
        "amount"].sum().groupby(level=0).max()
    onward = paid >= share * inflow.reindex(paid.index).fillna(0.0)
    return (frozenset(forwards.index.get_level_values(0)),
            frozenset(collectors - set(paid.index[onward.to_numpy()])))


def role_evidence(
    records: pd.DataFrame,
    account_features: pd.DataFrame,
    entity_features: pd.DataFrame,
    payouts: pd.DataFrame,
    inflow: pd.Series,
    settings: RoleSettings = RoleSettings(),
) -> pd.DataFrame:
    """One row per party (`entity_id`) with the facts the role rules read."""
    s = settings
    parties = pd.Index(sorted(records["entity_id"].unique()), name="entity_id")
    out = pd.DataFrame(index=parties)
    out["business"] = records.groupby("entity_id")["is_business"].max().reindex(parties).fillna(
        False).astype(bool)
    owned = owner_edges(records).groupby("person")["business"].nunique()
    out["owner_of"] = owned.reindex(parties).fillna(0).astype(int)
    fwd = party_forwarding(records, payouts, inflow).set_index("party")
    out["forward_share"] = fwd["share"].reindex(parties).fillna(0.0)
    out["forward_to"] = fwd["payee"].reindex(parties)
    forwarding = fwd[fwd["share"] >= s.collect_share]
    out["collects_from"] = forwarding.groupby("payee").size().reindex(parties).fillna(0).astype(int)
    acc = records[records["kind"] == "account"][["ref", "entity_id"]]

    def per_party(name: str) -> pd.Series:
        if name not in account_features:
            return pd.Series(0.0, index=parties)
        values = acc["ref"].map(account_features[name]).fillna(0.0)
        return values.groupby(acc["entity_id"].to_numpy()).max().reindex(parties).fillna(0.0)

    keeps_money = out["forward_share"] < s.forward_share
    out["pays_operation"] = keeps_money & (
        (per_party("ad_payment_count_90d") >= s.ad_payments)
        | (per_party("hotel_regions_30d") >= s.hotel_regions)
    )
    record = entity_features["trafficking_record"] if "trafficking_record" in entity_features else None
    out["trafficking_record"] = (
        record.reindex(parties).fillna(0) >= 1 if record is not None else False
    )
    out["advertised"] = (records["source"] == "online_ad").groupby(records["entity_id"]).max(
    ).reindex(parties).fillna(False).astype(bool)
    out["fee_payer"] = per_party("fee_to_payer_count") >= s.fee_payments
    out["cohort"] = per_party("cohort_accounts_14d") >= s.cohort_accounts
    out["funnel"] = per_party("cash_in_regions_30d") >= s.funnel_regions
    # FUN-1 and everyday use on the same account: the holder lives on a funnel.
    if {"cash_in_regions_30d", "everyday_use_share"} <= set(account_features.columns):
        f = account_features
        lived = (f["cash_in_regions_30d"] >= s.funnel_regions) & (
            f["everyday_use_share"] >= s.everyday_use)
        values = acc["ref"].map(lived).fillna(False).astype(bool)
        out["lives_on_funnel"] = values.groupby(acc["entity_id"].to_numpy()).max().reindex(
            parties).fillna(False).astype(bool)
    else:
        out["lives_on_funnel"] = False
    return out[list(EVIDENCE_COLUMNS)]


def _percent(share: float) -> str:
    return f"{round(100 * share)} %"


def decide_role(evidence: pd.Series, protective: bool,
                settings: RoleSettings = RoleSettings()) -> tuple[str, list[str]]:
    """(role, reasons in words) of one party, by the rules of the module docstring."""
    e = evidence
    if bool(e["business"]):
        return SUBJECT, ["a business"]
    profit = []
    if e["owner_of"] >= 1:
        profit.append(f"named as owner or officer of {int(e['owner_of'])} business(es) "
                      "in registry or licence records")
    if e["collects_from"] >= settings.collects_from:
        profit.append(f"main payee of {int(e['collects_from'])} parties, each paying it at least "
                      f"{_percent(settings.collect_share)} of what they receive")
    if bool(e["pays_operation"]):
        profit.append("pays for advertising or lodging in several states and keeps its own money")
    if bool(e["trafficking_record"]):
        profit.append("on a sanctions list or in a court record or news item about trafficking")
    # Rule 2, funnel holders: outside sex- and labor-trafficking cases, a person who lives
    # on an account that others feed with cash from several states lends the account
    # and keeps the cut, unless anything else shows them exploited.
    lends_account = (not protective and bool(e.get("lives_on_funnel", False))
                     and not (e["advertised"] or e["fee_payer"] or e["cohort"]))
    if lends_account:
        profit.append("lives on an account of its own (everyday purchases in most months) "
                      "that others feed with cash from several states and that forwards "
                      f"{_percent(float(e['forward_share']))} to one party: lends the "
                      "account and keeps the cut")
    exploited = []
    if bool(e["advertised"]):
        exploited.append("the person advertised in an online ad")
    if e["forward_share"] >= settings.forward_share and not lends_account:
        exploited.append(f"forwards {_percent(float(e['forward_share']))} of what it receives "
                         "to one party")
    if bool(e["fee_payer"]):
        exploited.append("pays fees or rent back to whoever pays it")
    if bool(e["cohort"]):
        exploited.append("one of many accounts opened together at one address or phone")
    if bool(e["funnel"]) and not lends_account:
        exploited.append("account fed by cash deposits in several states, with no everyday "
                         "use of its own: funnel accounts are often opened in victims' names")
    # A registry names an owner by name alone; when that is the only sign of profit and
    # the money shows the party exploited, the name may be a namesake's: protect.
    name_only = len(profit) == 1 and e["owner_of"] >= 1
    if profit and not (exploited and name_only):
        return SUBJECT, profit
    if profit:
        return POTENTIAL_VICTIM, exploited + [
            "the only sign of profit is a registry naming someone of the same name: protected"
        ]
    if exploited:
        return POTENTIAL_VICTIM, exploited
    if protective:
        return POTENTIAL_VICTIM, ["no evidence of owning, running or profiting from the "
                                  "operation: protected, as in every sex- or labor-trafficking case"]
    return POTENTIAL_VICTIM, ["no evidence of owning, running or profiting from the operation: "
                              "not named (when in doubt, protect)"]


def business_signs(evidence: pd.DataFrame, settings: RoleSettings = RoleSettings()) -> pd.Series:
    """Per party: does its own evidence show it profits (the main payee of several
    parties, pays for advertising or lodging, advertised in an ad, on a trafficking
    record)? Such a business is a subject whatever its ties."""
    e = evidence
    return ((e["collects_from"] >= settings.collects_from) | e["pays_operation"].astype(bool)
            | e["advertised"].astype(bool) | e["trafficking_record"].astype(bool))


def drawn_in(roles: dict[str, str], businesses: set[str], ties: list[dict],
             signs: set[str], names: dict[str, set[str]]) -> set[str]:
    """The businesses of one case that only pay its people: related parties.

    A business is tied to the operation by any tie (ownership, money either way, a
    shared phone, e-mail or address) with a subject of the case, and by money or a
    shared contact coming from a potential victim: workers paying it fees, or
    accounts carrying its phone, are controlled through it. One whose ties are all
    else — wages paid to the people of the case, a registry naming a protected person
    its owner — is an employer the network reached. A business with no tie at all (a
    review, a licence: the network holds it by its name or its owners) is the
    business of its name (`names`, folded): it falls when every other business of that
    name in the case falls, and stays a subject otherwise. A tie between two
    businesses holds both, so spas sharing a phone stay subjects together when the
    data knows no owner of theirs. `roles` maps each resolved party to its role,
    `signs` are the businesses whose own evidence shows profit (`business_signs`)."""
    subjects = {p for p, role in roles.items() if role == SUBJECT}
    tied_at_all = {end for tie in ties for end in (tie["source"], tie["target"])}
    candidates = businesses - signs
    payers = {b for b in candidates & tied_at_all
              if not any(_ties_to_operation(b, tie, subjects, roles) for tie in ties)}
    untied = candidates - tied_at_all
    staying = businesses - payers - untied

    def falls_with_its_name(b: str) -> bool:
        namesakes = {o for o in businesses - {b} if names.get(o, set()) & names.get(b, set())}
        return bool(namesakes & payers) and not namesakes & staying
    return payers | {b for b in untied if falls_with_its_name(b)}


def _ties_to_operation(business: str, tie: dict, subjects: set[str], roles: dict[str, str]) -> bool:
    if business not in (tie["source"], tie["target"]):
        return False
    other = tie["target"] if tie["source"] == business else tie["source"]
    if other in subjects:
        return True
    if roles.get(other) != POTENTIAL_VICTIM or tie["kind"] == "officer_or_owner":
        return False
    return tie["kind"] in SHARED_CONTACT_TIES or tie["target"] == business


def owners_in_case(members: pd.DataFrame) -> pd.Series:
    """Per person party of one case: how many of the case's businesses a registry or
    licence record names it owner or officer of, names read among the case's people.

    Across the whole data a common name ("Carol Lopez") is borne by several people and
    ties no one to a business (`links.owner_edges`); a case is the business's own
    network, so when exactly one of its people bears the name the record gives, that
    person is the one it names — a namesake in another city with no tie to the case
    is not. The name decides only among people already tied to the case; two of them
    bearing it are both named when one record lists it twice, and a namesake the case
    holds through the name alone gives way to its one slip-near person in touch with
    the case (`links.owner_mentions`): he then owns none of its businesses."""
    if members.empty:
        return pd.Series(dtype=int)
    return owners_named(owner_mentions(members, within_case=True))


def owners_named(mentions: pd.DataFrame) -> pd.Series:
    """Per person: the businesses a case's `links.owner_mentions` names it owner or
    officer of, counted once each; a namesake the case's records were read away from
    owns none of its businesses."""
    owned = mentions.groupby("person")["business"].nunique()
    away = set(mentions["read_from"].dropna()) - set(owned.index)
    return pd.concat([owned, pd.Series(0, index=sorted(away), dtype=int)])


def case_roles(evidence: pd.DataFrame, parties: list[str], typologies: list[str],
               settings: RoleSettings = RoleSettings(),
               owned: pd.Series | None = None) -> dict[str, tuple[str, list[str]]]:
    """{party: (role, reasons)} for the parties of one case of these typologies.

    `owned` is the case's own reading of its registry owners (`owners_in_case`): it
    raises a party's count, and a namesake read away from the case (0) owns none."""
    protective = bool(PROTECTIVE_TYPOLOGIES & set(typologies))
    if owned is None:
        owned = pd.Series(dtype=int)
    out = {}
    for party in parties:
        if party in evidence.index:
            e = evidence.loc[party]
            if party in owned.index and (owned[party] > e["owner_of"] or owned[party] == 0):
                e = e.copy()
                e["owner_of"] = int(owned[party])
            out[party] = decide_role(e, protective, settings)
        else:  # a party with no record (known only as a counterparty)
            out[party] = (POTENTIAL_VICTIM, ["no record to judge by"])
    return out
