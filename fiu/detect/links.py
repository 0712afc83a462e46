"""Who is tied to whom in the party records: the helpers linking and features share.

Identifiers (phone, e-mail, address key) as one long frame, what counts as a massage or
labour business, and owner ↔ business ties from registry and licence `related_names`
(through a name two people bear only to the one of them who shares a contact with the
business or with someone its record names beside him). `networks.py` links entities with them;
`features.py` measures with them.
"""
from __future__ import annotations

import re

import pandas as pd

from ..normalize.names import formal_readings

MASSAGE_WORDS = re.compile(r"massage|spa\b|bodywork|reflexolog|foot\s*rub|acupress", re.I)
LABOR_BUSINESS_WORDS = re.compile(
    r"staffing|labou?r|contract|recruit|farm|agricultur|harvest|construction|cleaning|"
    r"landscap|temp\b|workforce|manpower|packing|processing",
    re.I,
)


def identifiers(records: pd.DataFrame) -> pd.DataFrame:
    """Long frame ref, entity_id, ident (`phone:`/`email:`/`addr:` + value)."""
    parts = []
    for col, prefix in (("phone_norm", "phone:"), ("email_norm", "email:"), ("address_key", "addr:")):
        sub = records.loc[records[col].notna() & (records[col] != ""), ["ref", "entity_id", col]]
        parts.append(
            pd.DataFrame({"ref": sub["ref"], "entity_id": sub["entity_id"], "ident": prefix + sub[col]})
        )
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["ref", "entity_id", "ident"]
    )


def is_massage(records: pd.DataFrame) -> pd.Series:
    """Per record: a business whose category or name says massage or spa."""
    text = records["business_category"].fillna("") + " " + records["name_norm"].fillna("")
    return text.str.contains(MASSAGE_WORDS, regex=True) & records["is_business"]


def is_labor_business(records: pd.DataFrame) -> pd.Series:
    """Per record: a business whose category or name says staffing, farm, construction…"""
    text = records["business_category"].fillna("") + " " + records["name_norm"].fillna("")
    return text.str.contains(LABOR_BUSINESS_WORDS, regex=True) & records["is_business"]


def people(recs: pd.DataFrame) -> pd.DataFrame:
    """Distinct (entity_id, name_norm) of the records of people."""
    named = recs.loc[~recs["is_business"] & recs["name_norm"].notna(), ["entity_id", "name_norm"]]
    return named.drop_duplicates()


def namesake_names(recs: pd.DataFrame) -> frozenset[str]:
    """Folded person names borne by two or more person entities.

    Such a name in a registry's `related_names` could be any of them, so it identifies
    no one: it neither ties a person to a business nor two businesses to each other.
    """
    per_name = people(recs).groupby("name_norm")["entity_id"].nunique()
    return frozenset(per_name[per_name > 1].index)


def owner_edges(recs: pd.DataFrame, within_case: bool = False) -> pd.DataFrame:
    """Person entity ↔ business entity, from registry and licence related_names."""
    return owner_mentions(recs, within_case)[["person", "business"]].drop_duplicates()


def owner_mentions(recs: pd.DataFrame, within_case: bool = False) -> pd.DataFrame:
    """Person entity, business entity, the registry or licence record (`ref`) and the
    name it gives (`mention`, folded as `related_names_norm`), for every related name
    that reads as one person of `recs`. A name two or more people bear reads as nobody,
    unless one of them alone shares a phone, e-mail or building with the business or
    with a person its record lists (`_bearer_in_touch`).

    `within_case`: `recs` are one case's records, all tied to the operation; a name
    two of its people bear is then read as each of them when one record lists it as
    many times as they are (father and son of one name, both officers), never fewer;
    and a name borne by someone the case holds through that name alone is read as the
    one person of the case within a typing slip of it who shares a phone, e-mail or
    address with the case (`_in_touch_over_namesake`).
    """
    persons, bearers, per_name = _person_names(recs)
    ambiguous = set(bearers["name_norm"])
    rows = _registry_names(recs, set(persons["name_norm"]) | ambiguous)
    rows = pd.concat([rows, _misspelt(rows, persons, ambiguous)], ignore_index=True)
    m = rows.merge(persons, on="name_norm")
    if len(bearers):
        m = pd.concat([m, _bearer_in_touch(rows, bearers, m, recs)], ignore_index=True)
    if within_case:
        m = _in_touch_over_namesake(m, persons, recs)
        if len(bearers):
            m = pd.concat([m, _listed_apart(rows, bearers, per_name)], ignore_index=True)
    m = m.rename(columns={"entity_id": "person"})
    columns = ["person", "business", "ref", "mention"] + (["read_from"] if within_case else [])
    m = m.reindex(columns=columns)
    return m[m["person"] != m["business"]].drop_duplicates().reset_index(drop=True)


def _person_names(recs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """(entity_id, name_norm) of the people of `recs` whose name is theirs alone, of the
    bearers of a name two or more people bear, and the bearers per name. A registry
    often drops a middle name ("Adriana C. Myers" for the account's "Myers, Adriana
    Christopher"; initials are already gone), so a name's first and last word count too."""
    persons = people(recs)
    words = persons["name_norm"].str.split()
    longer = words.str.len() >= 3
    persons = pd.concat([persons, persons[longer].assign(
        name_norm=words[longer].str[0] + " " + words[longer].str[-1])]).drop_duplicates()
    per_name = persons.groupby("name_norm")["entity_id"].nunique()
    shared = persons["name_norm"].isin(set(per_name[per_name > 1].index))
    return persons[~shared], persons[shared], per_name


def _registry_names(recs: pd.DataFrame, known: set[str]) -> pd.DataFrame:
    """One row per name a registry or licence record lists: the business, the record
    (`ref`), the name (`name_norm`, as `mention` too) and its place in the list; and the
    other way round from `_person_names`, a registry's middle name an account leaves
    out ("Hector Stephanie Phillips" for "Hector Phillips"), when the full name is
    nobody's (not in `known`)."""
    biz = recs[recs["source"].isin(["business_registry", "license"]) & recs["related_names_norm"].notna()]
    biz = biz if "ref" in biz else biz.assign(ref="")
    rows = biz[["entity_id", "ref", "related_names_norm"]].explode("related_names_norm")
    rows["listing"] = rows.groupby(level=0).cumcount()
    rows = rows.dropna(subset=["related_names_norm"])
    rows = rows.rename(columns={"entity_id": "business", "related_names_norm": "name_norm"})
    rows["mention"] = rows["name_norm"]
    words = rows["name_norm"].str.split()
    longer = (words.str.len() >= 3) & ~rows["name_norm"].isin(known)
    return pd.concat([rows, rows[longer].assign(
        name_norm=words[longer].str[0] + " " + words[longer].str[-1])], ignore_index=True)


def _bearer_in_touch(rows: pd.DataFrame, bearers: pd.DataFrame, m: pd.DataFrame,
                     recs: pd.DataFrame) -> pd.DataFrame:
    """Rows of a name several people bear, joined to the one bearer who shares a phone,
    e-mail or address with the business or with a person the same record names: a
    co-owner "John Lee" at the home of the "Gary Lee" listed beside him, not the John
    Lee of another city. Two such bearers, or none: nobody."""
    named = rows[rows["name_norm"].isin(set(bearers["name_norm"]))]
    if named.empty:
        return named.iloc[0:0]
    anchors = pd.concat([named[["ref", "business"]].rename(columns={"business": "entity_id"}),
                         m.loc[m["ref"].isin(set(named["ref"])), ["ref", "entity_id"]]])
    pairs = named[["ref", "name_norm"]].drop_duplicates().merge(bearers, on="name_norm")
    ids = _contacts(recs[recs["entity_id"].isin(set(anchors["entity_id"]) | set(pairs["entity_id"]))])
    if ids.empty:
        return named.iloc[0:0]
    anchor_ids = anchors.drop_duplicates().merge(ids, on="entity_id").rename(
        columns={"entity_id": "anchor"})
    touch = pairs.merge(ids, on="entity_id").merge(anchor_ids, on=["ref", "ident"])
    touch = touch.loc[touch["entity_id"] != touch["anchor"], ["ref", "name_norm", "entity_id"]]
    touch = touch.drop_duplicates()
    one = touch.groupby(["ref", "name_norm"])["entity_id"].transform("nunique") == 1
    return named.merge(touch[one.to_numpy()], on=["ref", "name_norm"])


def _contacts(recs: pd.DataFrame) -> pd.DataFrame:
    """Distinct (entity_id, ident) of the phones, e-mails and buildings of `recs`
    (`identifiers` with each address key's unit left out: one account gives the flat,
    another leaves it out)."""
    columns = recs.reindex(columns=["ref", "entity_id", "phone_norm", "email_norm", "address_key"])
    columns = columns.astype(object).assign(
        address_key=lambda d: d["address_key"].str.replace(_UNIT, "", regex=True))
    return identifiers(columns)[["entity_id", "ident"]].drop_duplicates()


def _in_touch_over_namesake(m: pd.DataFrame, persons: pd.DataFrame, recs: pd.DataFrame
                            ) -> pd.DataFrame:
    """Matches of one case's registry names, each moved from a bearer who shares no
    contact with the case (there through the name alone: a therapist of the owner's
    name in another city) to the one person of the case a typing slip from the name
    who does share one ("Daniel Kag" at the co-owner's address, for "Daniel Kang"),
    the bearer kept in `read_from`; with no such person, or several, nothing moves."""
    if m.empty:
        return m
    in_touch = _sharing_contact(recs)
    names = persons.drop_duplicates()
    moved = {}
    for name, bearer in m[["name_norm", "entity_id"]].drop_duplicates().itertuples(index=False):
        if bearer in in_touch:
            continue
        near = {e for e, n in names.itertuples(index=False)
                if e != bearer and e in in_touch and n != name and one_slip(n, name)}
        if len(near) == 1:
            moved[(name, bearer)] = near.pop()
    if not moved:
        return m
    key = list(zip(m["name_norm"], m["entity_id"]))
    return m.assign(entity_id=[moved.get(k, k[1]) for k in key],
                    read_from=[k[1] if k in moved else None for k in key])


def _sharing_contact(recs: pd.DataFrame) -> set[str]:
    """Entities of `recs` sharing a phone, e-mail or address with another of them."""
    out: set[str] = set()
    for column, _ in SHARED_KINDS:
        sub = recs.loc[recs[column].notna(), [column, "entity_id"]].drop_duplicates()
        shared = sub.groupby(column)["entity_id"].transform("nunique") > 1
        out |= set(sub.loc[shared, "entity_id"])
    return out


def _listed_apart(rows: pd.DataFrame, bearers: pd.DataFrame, per_name: pd.Series
                  ) -> pd.DataFrame:
    """Rows of a name several people bear, joined to each of them, where one record
    lists that name (in any spelling) at least as many times as there are bearers."""
    named = rows[rows["name_norm"].isin(set(bearers["name_norm"]))]
    listed = named.groupby(["ref", "name_norm"])["listing"].nunique()
    enough = listed[listed.to_numpy() >= per_name.reindex(
        listed.index.get_level_values("name_norm")).to_numpy()]
    return named.merge(enough.index.to_frame(index=False), on=["ref", "name_norm"]).merge(
        bearers, on="name_norm")


def one_slip(a: str, b: str) -> bool:
    """A dropped or added letter, or two neighbouring letters swapped; never a letter
    changed for another ("malia" and "malik" may be two people)."""
    from rapidfuzz.distance import OSA, Indel

    return Indel.distance(a, b) <= 1 or (sorted(a) == sorted(b) and OSA.distance(a, b) == 1)


def _misspelt(rows: pd.DataFrame, persons: pd.DataFrame, ambiguous: set[str]) -> pd.DataFrame:
    """Related names no person bears exactly, read as the one person name (of the same
    first or last word) within one typing slip ("malik wng" for "malik wang", "andrew
    wagn" for "andrew wang") or written with a short form of several first names ("jon
    kumar" for "jonathan kumar"); a name that reads as two people's names links nobody
    ("jon kumar" when both a John and a Jonathan Kumar are known)."""

    known = set(persons["name_norm"])
    loose = sorted(set(rows["name_norm"]) - known - ambiguous)
    if not loose or persons.empty:
        return rows.iloc[0:0]
    by_word: dict[str, set[str]] = {}
    for name in known:
        words = name.split()
        for w in (words[0], words[-1]) if words else ():
            by_word.setdefault(w, set()).add(name)
    found = {}
    for name in loose:
        words = name.split()
        if len(words) < 2:
            continue
        near = {other for w in (words[0], words[-1]) for other in by_word.get(w, ())
                if one_slip(name, other)}
        near |= {read for formal in formal_readings(words[0])
                 if (read := " ".join([formal, *words[1:]])) in known | ambiguous}
        if len(near) == 1 and not near & ambiguous:
            found[name] = near.pop()
    if not found:
        return rows.iloc[0:0]
    hit = rows[rows["name_norm"].isin(found)]
    return hit.assign(name_norm=hit["name_norm"].map(found))


_UNIT = r" (?:UNIT|FL) [^ |]+"
SHARED_KINDS = (("phone_norm", "shares_phone"), ("email_norm", "shares_email"),
                ("address_key", "shares_address"))


def case_ties(members: pd.DataFrame, flows: pd.DataFrame, forward_to: dict[str, str]) -> list[dict]:
    """The real ties between the resolved parties of one case, for its picture.

    `pays` / `forwards_to` (money between the case's accounts, from payer to payee;
    `forwards_to` when the payee is the one the payer forwards most of its inflow to),
    and `shares_phone` / `shares_email` / `shares_address` (one contact point on the
    records of both). `forward_to` maps a party (`entity_id`) to its main payee party.
    Each tie: source, target (resolved entity ids), kind, count (transfers or shared
    values).
    """
    resolved = dict(zip(members["ref"], members["resolved_entity_id"]))
    unit = dict(zip(members["ref"], members["entity_id"]))
    ties: dict[tuple[str, str, str], int] = {}
    if len(flows):
        inside = flows[flows["src"].isin(resolved.keys()) & flows["dst"].isin(resolved.keys())]
        for src, dst, count in zip(inside["src"], inside["dst"], inside["count"]):
            a, b = resolved[src], resolved[dst]
            if a == b:
                continue
            kind = "forwards_to" if forward_to.get(unit[src]) == unit[dst] else "pays"
            ties[(a, b, kind)] = ties.get((a, b, kind), 0) + int(count)
    for column, kind in SHARED_KINDS:
        sub = members.loc[members[column].notna(), [column, "resolved_entity_id"]].drop_duplicates()
        sub = sub[sub.duplicated(column, keep=False)]  # a value of one party ties nobody
        for _, group in sub.groupby(column, sort=True):
            parties = sorted(set(group["resolved_entity_id"]))
            for i, a in enumerate(parties):
                for b in parties[i + 1:]:
                    ties[(a, b, kind)] = ties.get((a, b, kind), 0) + 1
    # A pair both paying and forwarding is drawn as forwarding.
    return [
        {"source": a, "target": b, "kind": kind, "count": n}
        for (a, b, kind), n in sorted(ties.items())
        if not (kind == "pays" and (a, b, "forwards_to") in ties)
    ]
