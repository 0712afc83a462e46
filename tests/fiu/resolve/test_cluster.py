import hashlib

import pyarrow as pa

from fiu.resolve.cluster import EDGE_SCHEMA, clusters, entity_id


def edges(*rows):
    return pa.Table.from_pylist(
        [{"left_ref": a, "right_ref": b, "match_weight": w} for a, b, w in rows],
        schema=EDGE_SCHEMA,
    )


def people(*rows):
    return pa.table({
        "ref": [r[0] for r in rows],
        "party_type": [r[1] for r in rows],
        "date_of_birth": [r[2] for r in rows],
    })


def test_entity_id_is_hash_of_smallest_member():
    parties = people(("osint:b", "person", None), ("osint:a", "person", None),
                     ("osint:c", "person", None))
    table, stats = clusters(parties, edges(("osint:a", "osint:b", 5.0)))
    expected = entity_id("osint:a")
    assert expected == "ent-" + hashlib.sha256(b"osint:a").hexdigest()[:12]
    assert table.to_pylist() == [
        {"ref": "osint:a", "entity_id": expected},
        {"ref": "osint:b", "entity_id": expected},
        {"ref": "osint:c", "entity_id": entity_id("osint:c")},
    ]
    assert stats["entities"] == 2 and stats["singletons"] == 1


def test_chain_through_two_dates_of_birth_is_split_at_the_weakest_link():
    parties = people(("a:1", "person", "1980-01-01"), ("a:2", "person", None),
                     ("a:3", "person", "1990-05-05"))
    table, stats = clusters(parties, edges(("a:1", "a:2", 9.0), ("a:2", "a:3", 2.0)),
                            strong_identifiers=("date_of_birth", "party_type"))
    ids = dict(zip(table["ref"].to_pylist(), table["entity_id"].to_pylist()))
    assert ids["a:1"] == ids["a:2"] != ids["a:3"]
    assert stats["components_split"] == 1


def test_a_direct_match_may_outweigh_a_strong_identifier_and_a_slip_may_chain():
    guard = ("date_of_birth", "party_type")
    direct = people(("a:1", "person", "1980-01-01"), ("a:2", "person", "1991-06-05"))
    table, _ = clusters(direct, edges(("a:1", "a:2", 9.0)), strong_identifiers=guard)
    assert len(set(table["entity_id"].to_pylist())) == 1
    slip = people(("a:1", "person", "1980-01-01"), ("a:2", "person", None),
                  ("a:3", "person", "1980-01-07"))
    table, _ = clusters(slip, edges(("a:1", "a:2", 9.0), ("a:2", "a:3", 4.0)),
                        strong_identifiers=guard)
    assert len(set(table["entity_id"].to_pylist())) == 1


def test_an_analysts_different_cuts_a_chain_and_same_links():
    parties = people(("a:1", "person", None), ("a:2", "person", None),
                     ("a:3", "person", None), ("a:4", "person", None))
    cut = pa.table({"left_ref": ["a:1"], "right_ref": ["a:3"]})
    table, stats = clusters(
        parties, edges(("a:1", "a:2", 9.0), ("a:2", "a:3", 2.0), ("a:3", "a:4", float("inf"))),
        cannot_link=cut,
    )
    ids = dict(zip(table["ref"].to_pylist(), table["entity_id"].to_pylist()))
    assert ids["a:1"] == ids["a:2"] != ids["a:3"] == ids["a:4"]
    assert stats["components_split"] == 1


def test_unknown_type_may_not_join_a_person_and_a_business():
    parties = people(("a:1", "person", None), ("o:2", "unknown", None),
                     ("a:3", "business", None))
    table, _ = clusters(parties, edges(("a:1", "o:2", 3.0), ("a:3", "o:2", 4.0)))
    ids = dict(zip(table["ref"].to_pylist(), table["entity_id"].to_pylist()))
    assert ids["a:3"] == ids["o:2"] != ids["a:1"]


def test_keyed_entity_ids_cannot_be_recomputed_from_a_ref_alone():
    parties = people(("account:bank-b:BB-6211178", "person", None))
    plain, _ = clusters(parties, edges())
    keyed, _ = clusters(parties, edges(), id_key="run-key")
    again, _ = clusters(parties, edges(), id_key="run-key")
    assert keyed.column("entity_id").to_pylist() == again.column("entity_id").to_pylist()
    assert keyed.column("entity_id").to_pylist() != plain.column("entity_id").to_pylist()
