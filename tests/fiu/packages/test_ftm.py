"""The FollowTheMoney export: valid entities, only what the view holds."""
import json

from followthemoney import model

from fiu.packages.assemble import package_files

from tests.fiu.packages.sample_case import BANK_A, BANK_B, LE_FED, STAMP, leaky_case


def entities(recipient):
    text = package_files(leaky_case(), recipient, STAMP)["entities.ftm.json"]
    return [json.loads(line) for line in text.splitlines()]


def test_every_line_is_a_valid_ftm_entity():
    for recipient in (BANK_A, BANK_B, LE_FED):
        for data in entities(recipient):
            proxy = model.get_proxy(data, cleaned=False)
            assert proxy.id == data["id"] and proxy.schema.name == data["schema"]


def test_subjects_carry_the_human_trafficking_topic():
    spa = next(e for e in entities(BANK_A) if e["schema"] == "Company")
    assert spa["properties"]["topics"] == ["crime.traffick.human"]
    assert spa["properties"]["name"] == ["Golden Lotus Spa"]


def test_a_bank_gets_only_its_own_accounts_and_law_enforcement_none():
    accounts = [e for e in entities(BANK_A) if e["schema"] == "BankAccount"]
    assert [a["properties"]["accountNumber"] for a in accounts] == [["SPA1"]]
    assert not [e for e in entities(LE_FED) if e["schema"] in ("BankAccount", "Ownership")]


def test_owner_named_in_a_registry_becomes_a_directorship():
    found = [e for e in entities(BANK_B) if e["schema"] == "Directorship"]
    assert len(found) == 1 and found[0]["properties"]["role"] == ["owner or officer"]
    assert not [e for e in entities(BANK_A) if e["schema"] == "Directorship"]
