import numpy as np
import pyarrow as pa

from fiu.resolve import resolve_entities


def entity_of(table):
    return dict(zip(table["ref"].to_pylist(), table["entity_id"].to_pylist()))


def background(make, n=60):
    """Unrelated people, so the fit has non-matching pairs to learn from."""
    rows = []
    for i in range(n):
        rows.append(make.account(f"X{i}", f"Person{i % 7} Family{i % 11}",
                            date_of_birth=f"19{50 + i % 40}-0{1 + i % 9}-1{i % 10}",
                            phone=f"(737) 555-{1000 + i}", address=f"{i} Elm St",
                            postal_code="78702"))
    return rows


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
    assert sorted(refs) == refs and len(set(refs)) == len(refs) == 61
    assert stats["records"] == 61
    assert stats["pairs_compared"] <= stats["possible_pairs"]


def test_household_sharing_address_and_phone_stays_apart(make):
    # Father and son: same name, address and phone, different dates of birth.
    accounts = make.accounts(
        make.account("A1", "John Smith", date_of_birth="1960-04-01", phone="512-555-0100",
                address="12 Main St", postal_code="78701"),
        make.account("A2", "John Smith Jr.", date_of_birth="1990-07-09", phone="512-555-0100",
                address="12 Main St", postal_code="78701"),
        make.account("A3", "Mary Smith", date_of_birth="1962-11-30", phone="512-555-0100",
                address="12 Main St", postal_code="78701"),
        make.account("A4", "J. Smith", phone="512.555.0100", address="12 Main Street",
                postal_code="78701"),
        *background(make),
    )
    ids = entity_of(resolve_entities(accounts, None)[0])
    assert len({ids["account:bank-a:A1"], ids["account:bank-a:A2"],
                ids["account:bank-a:A3"]}) == 3


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
    assert 0 < stats["threshold_probability"] < 1
    assert stats["weights"]["threshold_match_weight"] == stats["threshold_match_weight"]
