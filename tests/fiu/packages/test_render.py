import csv
import io

import jsonschema_rs
import pytest

from fiu.packages.policy import view_for
from fiu.packages.render import brief_html, identifiers_csv, neutralise_cell, package_json

from tests.fiu.packages.sample_case import BANK_A, LE_TX, leaky_case


def package(recipient=BANK_A, **overrides):
    body = view_for(recipient, leaky_case())
    body.update(package_id=f"case-0123456789ab--{recipient.id}", run_id="run-0123456789abcdef",
                generated_at="2026-06-30T00:00:00Z")
    shown = next(s for s in body["subjects"] if s["refs"])  # not one known only by id
    shown["names"] = ["<script>alert(1)</script>", "=HYPERLINK(\"x\")"]
    body.update(overrides)
    return body


def test_html_escapes_hostile_text():
    page = brief_html(package())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page and "<script" not in page
    assert "javascript:alert(1)" in page and 'href="javascript' not in page


def test_brief_has_every_section_and_draws_inline_svg():
    page = brief_html(package())
    for section in ("summary", "typology", "timeline", "network", "subjects", "evidence",
                    "open-sources", "model", "handling"):
        assert f'<section id="{section}">' in page
    assert page.count("<svg") == 2 and "Source: POLARIS-IMB" in page
    # Nothing that fetches: no external reference of any kind.
    for fetching in ("<img", "<link", "<iframe", "<object", "<embed", "<script", "url(", "@import",
                     "https://", "http://example"):
        assert fetching not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert 'class="bar-in"' in page and "node-potential_victims" in page


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "+1 512 555", "+15125550100=1"])
def test_csv_cells_that_would_run_as_formulas_are_neutralised(value):
    assert neutralise_cell(value) == "'" + value


def test_e164_phone_numbers_stay_verbatim():
    assert neutralise_cell("+15125550100") == "+15125550100"


def test_identifiers_csv_lists_names_phones_and_own_accounts():
    rows = list(csv.reader(io.StringIO(identifiers_csv(package()))))
    values = {(r[2], r[3]) for r in rows[1:]}
    assert ("own_account", "SPA1") in values and ("phone", "+15125550100") in values
    assert ("name", "'=HYPERLINK(\"x\")") in values


def test_package_json_is_checked_against_its_schema():
    assert '"case_id": "case-0123456789ab"' in package_json(package())
    with pytest.raises(jsonschema_rs.ValidationError):
        package_json(package(case_id="../../etc"))


@pytest.mark.parametrize("change", [
    lambda p: p.update(extra="anything"),
    lambda p: p["subjects"][0].update(date_of_birth="1990-01-01"),
    lambda p: p.update(status="released"),
    lambda p: p.pop("timeline"),
    lambda p: p["timeline"].update(scope="case"),
    lambda p: p["network"]["nodes"].append({"id": "victim-anna", "kind": "person", "label": "Anna"}),
    lambda p: p.update(tlp="TLP:WHITE"),
    lambda p: p.update(partners_to_ask=["bank-b"]),
])
def test_schema_is_strict(change):
    body = package()
    change(body)
    with pytest.raises(jsonschema_rs.ValidationError):
        package_json(body)


def test_schema_refuses_account_refs_in_a_law_enforcement_package():
    body = package(LE_TX)
    package_json(body)
    next(s for s in body["subjects"] if s["refs"])["refs"].append("account:bank-a:SPA1")
    with pytest.raises(jsonschema_rs.ValidationError):
        package_json(body)
