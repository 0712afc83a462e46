import csv
import io

import jsonschema
import pytest

from fiu.packages.render import brief_html, identifiers_csv, neutralise_cell, package_json


def package(**overrides):
    body = {
        "package_id": "case-0123456789ab--bank-a", "case_id": "case-0123456789ab", "run_id": "run-1",
        "generated_at": "2026-06-30T00:00:00Z",
        "recipient": {"id": "bank-a", "kind": "financial_institution", "name": "Bank A"},
        "tlp": "TLP:AMBER+STRICT", "typologies": ["illicit_massage_business"], "score": 0.8,
        "subjects": [{"entity_id": "ent-1", "names": ["<script>alert(1)</script>", "=HYPERLINK(\"x\")"],
                      "refs": ["account:bank-a:A1"], "phones": ["+15125550100"], "emails": [], "addresses": []}],
        "evidence": [{"rule_id": "r", "refs": [], "explanation": "<img src=x onerror=alert(1)>"}],
        "potential_victims": {"count": 2}, "handling": ["h"], "key_term": "K",
        "linked_accounts_elsewhere": {"accounts": 0, "institutions": 0},
    }
    body.update(overrides)
    return body


def test_html_escapes_hostile_text():
    page = brief_html(package())
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page and "<script" not in page


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "+1 512 555", "+15125550100=1"])
def test_csv_cells_that_would_run_as_formulas_are_neutralised(value):
    assert neutralise_cell(value) == "'" + value


def test_e164_phone_numbers_stay_verbatim():
    assert neutralise_cell("+15125550100") == "+15125550100"


def test_identifiers_csv_lists_names_phones_and_own_accounts():
    rows = list(csv.reader(io.StringIO(identifiers_csv(package()))))
    values = {(r[2], r[3]) for r in rows[1:]}
    assert ("own_account", "A1") in values and ("phone", "+15125550100") in values
    assert ("name", "'=HYPERLINK(\"x\")") in values


def test_package_json_is_checked_against_its_schema():
    assert '"case_id": "case-0123456789ab"' in package_json(package())
    with pytest.raises(jsonschema.ValidationError):
        package_json(package(case_id="../../etc"))
