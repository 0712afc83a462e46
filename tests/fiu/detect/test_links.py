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
