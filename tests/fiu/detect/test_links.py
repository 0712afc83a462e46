"""Owner ↔ business ties from registry and licence names."""
from __future__ import annotations

import pandas as pd

from fiu.detect.links import owner_edges


def records(people: dict[str, str], related: list[str]) -> pd.DataFrame:
    rows = [{"entity_id": e, "name_norm": n, "is_business": False, "source": "bank-a",
             "related_names_norm": None} for e, n in people.items()]
    rows.append({"entity_id": "biz", "name_norm": "lotus spa", "is_business": True,
                 "source": "business_registry", "related_names_norm": related})
    return pd.DataFrame(rows)


def owners(people: dict[str, str], related: list[str]) -> set[str]:
    return set(owner_edges(records(people, related))["person"])


def test_a_registry_dropping_a_middle_name_or_slipping_a_letter_still_names_the_owner():
    assert owners({"p1": "adriana christopher myers"}, ["adriana myers"]) == {"p1"}
    assert owners({"p1": "malik wng"}, ["malik wang"]) == {"p1"}
    assert owners({"p1": "andrew wang"}, ["andrew wagn"]) == {"p1"}
    # and a registry giving a middle name the account leaves out
    assert owners({"p1": "hector phillips"}, ["hector stephanie phillips"]) == {"p1"}
    # ... unless the full name is someone else's
    assert owners({"p1": "hector phillips", "p2": "hector stephanie phillips"},
                  ["hector stephanie phillips"]) == {"p2"}


def test_a_changed_letter_or_a_name_near_two_people_names_nobody():
    assert owners({"p1": "malia wang"}, ["malik wang"]) == set()
    assert owners({"p1": "malik wng", "p2": "malik wag"}, ["malik wang"]) == set()
    assert owners({"p1": "jason myers", "p2": "jason myers"}, ["jason myers"]) == set()


def test_a_short_form_of_several_names_names_the_one_person_bearing_either():
    """"Jon" is John's and Jonathan's (wide seed 7691: "Jon Kumar" on a registry, the
    co-owner Jonathan Kumar, a John Kumar elsewhere named owner of two spas)."""
    from fiu.normalize.names import person_name

    jon = person_name("Jon Kumar")
    assert jon == "jon kumar"
    assert owners({"p1": "jonathan kumar"}, [jon]) == {"p1"}
    assert owners({"p1": "john kumar"}, [jon]) == {"p1"}
    assert owners({"p1": "jonathan kumar", "p2": "john kumar"}, [jon]) == set()
    assert owners({"p1": "jonathan kumar", "p2": "jon kumar"}, [jon]) == {"p2"}


def test_a_name_several_people_bear_names_the_one_at_a_co_owners_home():
    """Wide seed 7662: "Lee, Gary, Lee, John" on a spa's registry; the John Lee who
    lives at Gary Lee's address (his account leaves out the flat) is the co-owner, the
    John Lee of another city is not."""
    def lee(entity, name, address):
        return {"entity_id": entity, "name_norm": name, "is_business": False, "source": "bank-a",
                "related_names_norm": None, "address_key": address}

    def registry(names, texas="2528 commerce rd|77002", spa="5266 broadway blvd|89101"):
        return pd.DataFrame([
            lee("gary", "gary lee", "4073 MAPLE WAY UNIT 9|89122"),
            lee("john-nv", "john lee", "4073 MAPLE WAY|89122"),
            lee("john-tx", "john lee", texas),
            {"entity_id": "biz", "name_norm": "jade massage", "is_business": True,
             "source": "business_registry", "related_names_norm": names, "address_key": spa},
        ])

    assert set(owner_edges(registry(["gary lee", "john lee"]))["person"]) == {"gary", "john-nv"}
    # Both John Lees at Gary's address: still nobody of that name.
    both = registry(["gary lee", "john lee"], texas="4073 MAPLE WAY UNIT 2|89122")
    assert set(owner_edges(both)["person"]) == {"gary"}
    # With no co-owner named, only the business's own contacts tell.
    assert set(owner_edges(registry(["john lee"]))["person"]) == set()
    at_home = registry(["john lee"], spa="4073 MAPLE WAY|89122")
    assert set(owner_edges(at_home)["person"]) == {"john-nv"}


def test_within_a_case_a_name_listed_as_often_as_its_bearers_names_each_of_them():
    """Father and son of one name, both officers (wide seeds 7602 and 7611: "ALEX KHAN"
    and "Alexander Khan" on one registry record, two Alexander Khans at one address)."""
    def within(people, related):
        return set(owner_edges(records(people, related), within_case=True)["person"])

    two = {"p1": "alexander khan", "p2": "alexander khan"}
    assert within(two, ["alexander khan", "alexander khan"]) == {"p1", "p2"}
    # a middle name in one listing is still a listing of the name
    assert within(two, ["alexander anjali khan", "alexander khan"]) == {"p1", "p2"}
    # listed once for two bearers: nobody, as across the whole data
    assert within(two, ["alexander khan", "li wei"]) == set()
    assert within({**two, "p3": "alexander khan"}, ["alexander khan"] * 2) == set()
    # outside a case a repeated name is still anyone's
    assert owners(two, ["alexander khan", "alexander khan"]) == set()


def test_within_a_case_a_namesake_there_by_the_name_alone_gives_way_to_the_one_in_touch():
    """Wide seed 7624: the registry's "Daniel Kang" is a massage therapist of that name
    in another city; the co-owner, "Daniel Kag" at his wife's address, bears it with a
    slip. The case's registry names are his; the namesake owns none of its spas."""
    from fiu.detect.roles import owners_in_case

    def case(kag_address, kang_phone=None):
        recs = records({"p1": "daniel kang", "p2": "daniel kag", "p3": "angela kang"},
                       ["daniel kang", "angela kang"])
        recs["phone_norm"] = [kang_phone, None, None, "+18135550000"]
        recs["email_norm"] = None
        recs["address_key"] = [None, kag_address, "7929 meadow pl", None]
        recs["ref"] = ["account:a:1", "account:a:2", "account:a:3", "osint:REG1"]
        return recs

    def within(recs):
        return set(owner_edges(recs, within_case=True)["person"])

    assert within(case("7929 meadow pl")) == {"p2", "p3"}
    assert owners_in_case(case("7929 meadow pl")).to_dict() == {"p2": 1, "p3": 1, "p1": 0}
    # nobody near the name in touch with the case: the name's bearer, as before
    assert within(case(None)) == {"p1", "p3"}
    # the bearer in touch with the case himself (his phone on the spa's record) keeps it
    assert within(case("7929 meadow pl", kang_phone="+18135550000")) == {"p1", "p3"}
    # across the whole data nothing moves
    assert set(owner_edges(case("7929 meadow pl"))["person"]) == {"p1", "p3"}
