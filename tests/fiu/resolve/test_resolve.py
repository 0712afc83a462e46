import numpy as np
import pyarrow as pa

from fiu.resolve import resolve, resolve_entities
from fiu.resolve.judgements import load_judgements

from tests.people import background_rows


def entity_of(table):
    return dict(zip(table["ref"].to_pylist(), table["entity_id"].to_pylist()))


def background(make, n=300):
    """Unrelated people (and some at both banks), so the fit has a comparison space."""
    return background_rows(n)


def test_same_person_spelled_three_ways_merges(make):
    accounts = make.accounts(
        make.account("A1", "SMITH, WILLIAM J.", date_of_birth="1980-02-03",
                phone="(512) 555-0100", address="12 Main Street Apt 4", postal_code="78701"),
        make.account("B7", "Bill Smith", partner_id="bank-b", date_of_birth="1980-02-03",
                phone="+1 512.555.0100", email="BILL.SMITH+bank@example.com"),
        *background(make),
    )
    records = make.osints(
        make.osint("R1", "Mr. William Smyth", phone="1-512-555-0100",
              email="bill.smith@example.com", address="12 Main St #4", postal_code="78701"),
    )
    entities, _ = resolve_entities(accounts, records)
    ids = entity_of(entities)
    assert ids["account:bank-a:A1"] == ids["account:bank-b:B7"] == ids["osint:R1"]


def test_every_ref_exactly_once(make):
    accounts = make.accounts(*background(make))
    records = make.osints(make.osint("R1", "Lily", source="online_ad", phone="512 555 0199"))
    entities, stats = resolve_entities(accounts, records)
    refs = entities["ref"].to_pylist()
    assert sorted(refs) == refs and len(set(refs)) == len(refs) == accounts.num_rows + 1
    assert stats["records"] == accounts.num_rows + 1
    assert stats["pairs_compared"] <= stats["possible_pairs"]


def household(make):
    # Father and son: same name, address and phone, different dates of birth; and a
    # record with no date of birth that either of them could be.
    return [
        make.account("A1", "John Smith", date_of_birth="1960-04-01", phone="512-555-0100",
                     address="12 Main St", postal_code="78701"),
        make.account("A2", "John Smith Jr.", date_of_birth="1990-07-09", phone="512-555-0100",
                     address="12 Main St", postal_code="78701"),
        make.account("A3", "Mary Smith", date_of_birth="1962-11-30", phone="512-555-0100",
                     address="12 Main St", postal_code="78701"),
        make.account("A4", "J. Smith", phone="512.555.0100", address="12 Main Street",
                     postal_code="78701"),
    ]


def test_household_sharing_address_and_phone_stays_apart(make):
    """A shared landline and address are one home, not two pieces of evidence (their u
    given a shared phone is learnt from households), so the different dates of birth
    keep father, son and mother apart."""
    result = resolve(make.accounts(*household(make)[:3], *background(make)), None)
    ids = entity_of(result.entities)
    assert len({ids[f"account:bank-a:A{i}"] for i in (1, 2, 3)}) == 3
    session = next(s for s in result.stats["weights"]["sessions"] if "phone" in s["agree_on"])
    address_u = session["conditional_u"]["address"]
    assert address_u[-1] > 10 * result.stats["weights"]["comparisons"]["address"]["u"][-1]


def test_an_analysts_judgements_cut_and_link(make, tmp_path):
    """`J. Smith` could be father or son and joins them; an analyst's "different" keeps
    them apart, and a "same" links the mother's court record to her account."""
    accounts = make.accounts(*household(make), *background(make))
    records = make.osints(make.osint("R9", "SMITH, M.", source="court_record"))
    path = tmp_path / "judgements.csv"
    path.write_text(
        "left_ref,right_ref,judgement,analyst\n"
        "account:bank-a:A1,account:bank-a:A2,different,jd\n"
        "osint:R9,account:bank-a:A3,same,jd\n"
        "osint:R9,account:bank-z:NONE,same,jd\n"
    )
    result = resolve(accounts, records, judgements=load_judgements(path))
    ids = entity_of(result.entities)
    assert ids["account:bank-a:A1"] != ids["account:bank-a:A2"]
    assert ids["osint:R9"] == ids["account:bank-a:A3"]
    assert result.stats["judgements"] == {"same": 1, "different": 1, "unknown_refs": 1}


def test_ads_sharing_a_phone_with_different_names_stay_apart(make):
    names = ["Candy", "Lily", "Mimi", "Jasmine Lee", "Angel", "Candy"]
    records = make.osints(*[
        make.osint(f"AD{i}", name, source="online_ad", phone=phone)
        for i, (name, phone) in enumerate(zip(
            names, ["512-555-0199", "(512) 555-0199", "+15125550199", "5125550199",
                    "512.555.0199", "1 512 555 0199"]))
    ])
    ids = entity_of(resolve_entities(make.accounts(*background(make)), records)[0])
    ad_ids = [ids[f"osint:AD{i}"] for i in range(6)]
    assert len(set(ad_ids[:5])) == 5
    assert ad_ids[5] == ad_ids[0]  # the same name on the same phone is the same ad person


def test_person_and_business_never_merge(make):
    accounts = make.accounts(
        make.account("A1", "Golden Lotus", holder_type="business", phone="512-555-0100",
                address="5 Oak Ln", postal_code="78701"),
        make.account("A2", "Golden Lotus", phone="512-555-0100", address="5 Oak Ln",
                postal_code="78701"),
    )
    records = make.osints(make.osint("R1", "The Golden Lotus LLC", entity_type="unknown",
                                source="business_registry", phone="5125550100"))
    ids = entity_of(resolve_entities(accounts, records)[0])
    assert ids["account:bank-a:A1"] == ids["osint:R1"] != ids["account:bank-a:A2"]


def test_related_names_are_not_the_records_identity(make):
    accounts = make.accounts(make.account("A1", "Wei Chen", date_of_birth="1975-01-01",
                                      phone="512-555-0111"))
    records = make.osints(make.osint("R1", "Jade Spa LLC", entity_type="business",
                                source="business_registry", related_names=["Wei Chen"],
                                phone="512-555-0111"))
    ids = entity_of(resolve_entities(accounts, records)[0])
    assert ids["account:bank-a:A1"] != ids["osint:R1"]


def test_resolution_does_not_depend_on_row_order(make):
    accounts = make.accounts(
        make.account("A1", "SMITH, WILLIAM", date_of_birth="1980-02-03", phone="(512) 555-0100"),
        make.account("A2", "Bill Smith", date_of_birth="1980-02-03", phone="512.555.0100"),
        make.account("A3", "Ana Ruiz", date_of_birth="1991-05-06", email="ana@x.com"),
        *background(make),
    )
    records = make.osints(
        make.osint("R1", "Ana Ruíz", email="ANA+ads@x.com"),
        make.osint("R2", "Candy", source="online_ad", phone="512 555 0100"),
    )
    expected, stats = resolve_entities(accounts, records)
    rng = np.random.default_rng(3)
    for _ in range(3):
        shuffled_a = accounts.take(pa.array(rng.permutation(accounts.num_rows)))
        shuffled_o = records.take(pa.array(rng.permutation(records.num_rows)))
        got, got_stats = resolve_entities(shuffled_a, shuffled_o)
        assert got.equals(expected)
        assert got_stats == stats


def test_namesakes_sharing_address_and_phone_stay_apart_when_birth_dates_differ(make):
    # Two different Maria Garcias at one address with one landline: everything but the
    # date of birth agrees, and that disagreement must keep them apart.
    accounts = make.accounts(
        make.account("M1", "Maria Garcia", date_of_birth="1971-03-14",
                     phone="(512) 555-0142", address="77 Oak Ave Apt 2", postal_code="78704"),
        make.account("M2", "GARCIA, MARIA", date_of_birth="1998-09-02",
                     phone="512.555.0142", address="77 Oak Avenue #2", postal_code="78704"),
        make.account("M3", "Maria Garcia", partner_id="bank-b", date_of_birth="1971-03-14",
                     phone="+1 512 555 0142", address="77 Oak Ave, Unit 2",
                     postal_code="78704"),
        *background(make),
    )
    ids = entity_of(resolve_entities(accounts, None)[0])
    assert ids["account:bank-a:M1"] == ids["account:bank-b:M3"]
    assert ids["account:bank-a:M2"] != ids["account:bank-a:M1"]


def test_threshold_is_derived_from_the_data_and_recorded(make):
    accounts = make.accounts(*background(make))
    _, stats = resolve_entities(accounts, None)
    assert stats["threshold_method"] == "max_expected_f1"
    assert 0 < stats["threshold_probability"] <= 1
    assert stats["weights"]["threshold_match_weight"] == stats["threshold_match_weight"]


def test_a_rare_exact_name_in_the_same_city_with_nothing_against_it_links(make):
    accounts = make.accounts(
        make.account("A1", "Oksana Wojciechowska", date_of_birth="1988-06-21",
                     phone="305-555-0123", city="Miami", region="FL", postal_code="33101"),
        *background(make),
    )
    records = make.osints(
        make.osint("R1", "Oksana Wojciechowska", source="court_record", city="Miami",
                   region="FL"),
    )
    ids = entity_of(resolve_entities(accounts, records)[0])
    assert ids["account:bank-a:A1"] == ids["osint:R1"]


def test_two_people_with_a_common_name_and_different_birth_dates_stay_apart(make):
    accounts = make.accounts(
        make.account("C1", "James Smith", date_of_birth="1961-02-11", phone="512-555-0101",
                     city="Austin", region="TX", postal_code="78701"),
        make.account("C2", "James Smith", date_of_birth="1989-10-30", phone="713-555-0177",
                     city="Austin", region="TX", postal_code="78745", partner_id="bank-b"),
        *background(make),
    )
    ids = entity_of(resolve_entities(accounts, None)[0])
    assert ids["account:bank-a:C1"] != ids["account:bank-b:C2"]


def test_registry_reviews_and_bank_account_of_a_business_join_on_name_and_city(make):
    accounts = make.accounts(
        make.account("B1", "Blue Nail Spa Inc.", holder_type="business", city="Tampa",
                     region="FL", phone="813-555-0150"),
        *background(make),
    )
    records = make.osints(
        make.osint("REG", "Blue Nail Spa Incorporated", entity_type="business",
                   source="business_registry", city="Tampa", region="FL",
                   related_names=["Hoa Tran"]),
        make.osint("REV1", "Blue Nail Spa", entity_type="business", source="review",
                   city="Tampa", region="FL"),
        make.osint("REV2", "BLUE NAIL SPA CORPORATION", entity_type="unknown",
                   source="review", city="Tampa"),
        make.osint("ELSE", "Blue Nail Spa", entity_type="business", source="review",
                   city="Seattle", region="WA"),
    )
    ids = entity_of(resolve_entities(accounts, records)[0])
    same = {ids[r] for r in ("account:bank-a:B1", "osint:REG", "osint:REV1", "osint:REV2")}
    assert len(same) == 1
    assert ids["osint:ELSE"] not in same  # the same trade name in another state


def test_names_in_other_scripts_meet_their_romanised_spelling(make):
    accounts = make.accounts(
        make.account("K1", "Kim Minjun", date_of_birth="1990-03-04", phone="212-555-0190"),
        make.account("Z1", "Zhang Wei", date_of_birth="1979-12-01", phone="718-555-0133"),
        *background(make),
    )
    records = make.osints(
        make.osint("K2", "김민준", date_of_birth="1990-03-04", source="court_record"),
        make.osint("Z2", "张伟", phone="+1 718 555 0133", date_of_birth="1979-12-01"),
    )
    ids = entity_of(resolve_entities(accounts, records)[0])
    assert ids["account:bank-a:Z1"] == ids["osint:Z2"]
    assert ids["account:bank-a:K1"] == ids["osint:K2"]


def test_f1_does_not_fall_when_the_world_doubles():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
    from resolution import World, pairwise_scores

    scores = []
    for size in (1500, 3000):
        world = World(size, seed=3)
        accounts, osint = world.tables()
        entities, _ = resolve_entities(accounts, osint)
        predicted = entity_of(entities)
        scores.append(pairwise_scores(predicted, world.truth)["f1"])
    assert scores[0] > 0.9
    assert scores[1] >= scores[0] - 0.02


def test_mentions_with_name_place_and_shared_associates_join(make):
    """Records as open sources carry them: a name, a place and the people named with
    it (employer, colleagues), no date of birth and no contact point."""
    mentions = [
        make.osint(f"M{i}", "Dr. Ilse Vanderbeek", source="news", city="Utrecht",
                   country="NL", related_names=related)
        for i, related in enumerate([["Utrecht University", "Jan de Vries"],
                                     ["Jan de Vries", "Pieter Bakker"],
                                     ["Utrecht University"]])
    ]
    others = [
        make.osint(f"O{i}", name, source="news", city=city, country="NL",
                   related_names=[org])
        for i, (name, city, org) in enumerate(
            [(f"{f} {l}", c, o) for f in ("Anna", "Sanne", "Daan", "Lucas", "Emma")
             for l in ("de Jong", "Jansen", "Visser", "Smit")
             for c, o in (("Utrecht", "Rabobank"), ("Delft", "TU Delft"))])
    ]
    records = make.osints(*mentions, *others)
    ids = entity_of(resolve_entities(make.accounts(*background(make)), records)[0])
    assert ids["osint:M0"] == ids["osint:M1"] == ids["osint:M2"]
    assert len({ids[f"osint:O{i}"] for i in range(len(others))}) == len(others)
