from fiu.validate.accounts import account_keys, known_keys, merge_unknown, unknown_accounts
from fiu.validate.report import findings_of, validation_section
from fiu.validate.suites import load_suites
from tests.conftest import account, txn
from tests.fiu.validate.test_split import raw_batch


def test_transaction_on_an_unknown_account_is_counted_with_an_example():
    known = known_keys([account_keys(raw_batch("accounts", [account(account_id="A1")]))])
    batch = raw_batch("transactions", [txn(txn_id="T1"), txn(txn_id="T2", account_id="A9")])
    found = merge_unknown([unknown_accounts(batch, known)])
    assert found == {"count": 1, "examples": [
        {"file": "f.csv", "row": 2, "txn_id": "T2", "partner_id": "bank-a", "account_id": "A9"}]}


def test_same_account_id_at_another_partner_is_unknown():
    known = known_keys([account_keys(raw_batch("accounts", [account(account_id="A1")]))])
    batch = raw_batch("transactions", [txn(partner_id="bank-b", account_id="A1")])
    assert unknown_accounts(batch, known)["count"] == 1


def test_findings_count_failures_per_expectation_and_column():
    lines = [
        {"file": "a.csv", "row": 2, "failures": [
            {"expectation": "expect_column_values_to_be_in_set", "column": "currency", "value": "XYZ"},
            {"expectation": "expect_column_values_to_match_regex", "column": "amount", "value": "-1"}]},
        {"file": "a.csv", "row": 1, "failures": [
            {"expectation": "expect_column_values_to_be_in_set", "column": "currency", "value": "US$"}]},
    ]
    found = findings_of(lines)
    assert found["expect_column_values_to_be_in_set|currency"] == {"count": 2, "examples": ["US$", "XYZ"]}
    assert found["expect_column_values_to_match_regex|amount"]["count"] == 1


def test_report_is_gx_data_docs_with_one_page_per_kind(tmp_path):
    counts = {"transactions": {"read": 10, "accepted": 8, "quarantined": 2},
              "accounts": {"read": 0, "accepted": 0, "quarantined": 0}}
    findings = {"transactions": findings_of([{"file": "a.csv", "row": 3, "failures": [
        {"expectation": "expect_column_values_to_be_in_set", "column": "currency", "value": "XYZ"}]}])}
    unknown = {"count": 1, "examples": [{"file": "a.csv", "row": 4, "txn_id": "T4",
                                         "partner_id": "bank-a", "account_id": "A9"}]}
    section = validation_section(tmp_path, load_suites(), counts, [findings], [unknown],
                                 "run-1", "2026-03-01T00:00:00Z")
    assert section["report"] == "validation/index.html"
    assert section["warnings"]["unknown_accounts"]["transactions"] == 1
    assert section["failures"] == {"transactions": {"expect_column_values_to_be_in_set|currency": 1}}
    assert (tmp_path / "validation" / "index.html").exists()
    (page,) = (tmp_path / "validation" / "validations").rglob("*.html")
    text = page.read_text()
    assert "XYZ" in text and "A9" in text
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
