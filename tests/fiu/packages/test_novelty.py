"""Weekly packages: what is new since the recipient's last package of the case, and no
package identical to one already sent."""
import copy
import json
from dataclasses import replace

from fiu.packages.assemble import write_case_packages
from tests.fiu.packages.sample_case import PARTNERS, STAMP, leaky_case


def _week(case, out, reported, run):
    reports: list = []
    sent = write_case_packages(case, PARTNERS, out, replace(STAMP, run=run), reported, reports)
    return sent, {recipient: report for recipient, report, _ in reports}


def test_a_first_package_says_so_and_a_second_marks_only_what_is_new(tmp_path):
    case = leaky_case()
    sent, reports = _week(case, tmp_path / "w1", {}, 1)
    assert sent == ["bank-a", "bank-b", "le-fed", "le-tx"]
    first = json.loads((tmp_path / "w1/packages" / case["case_id"] / "bank-a/package.json").read_text())
    assert first["since_last_package"]["previous_run"] is None

    grown = copy.deepcopy(case)
    grown["rule_hits"][0]["refs"] = [*grown["rule_hits"][0]["refs"], "txn:bank-a:T2"]
    sent, _ = _week(grown, tmp_path / "w2", reports, 2)
    package = json.loads((tmp_path / "w2/packages" / case["case_id"] / "bank-a/package.json").read_text())
    since = package["since_last_package"]
    assert since["previous_run"] == 1 and since["new_subjects"] == []
    assert since["new_refs"] == ["txn:bank-a:T2"]
    assert [package["evidence"][i]["rule_id"] for i in since["new_evidence"]] == [
        "illicit_massage_business.night_card_receipts"]
    brief = (tmp_path / "w2/packages" / case["case_id"] / "bank-a/brief.html").read_text()
    assert "New since your last package (run 1)" in brief


def test_a_package_identical_to_the_last_one_is_not_sent_again(tmp_path):
    case = leaky_case()
    _, reports = _week(case, tmp_path / "w1", {}, 1)
    later = replace(STAMP, run_id="run-fedcba9876543210", generated_at="2026-07-07T00:00:00Z")
    held: list = []
    sent = write_case_packages(case, PARTNERS, tmp_path / "w2", replace(later, run=2), reports, held)
    assert sent == [] and not (tmp_path / "w2" / "packages").exists()
    assert all(not was_sent for *_, was_sent in held) and len(held) == 4
