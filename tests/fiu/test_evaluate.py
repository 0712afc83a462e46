from fiu.evaluate import network_scores, pairwise_scores, report_text


def test_pairwise_scores_count_pairs_from_cluster_sizes():
    truth = {"a": "X", "b": "X", "c": "X", "d": "Y", "e": "Y"}
    predicted = {"a": "1", "b": "1", "c": "2", "d": "2", "e": "3"}
    scores = pairwise_scores(predicted, truth)
    # true pairs: ab ac bc de = 4; predicted pairs: ab cd = 2; together: ab = 1
    assert (scores["true_pairs"], scores["predicted_pairs"]) == (4, 2)
    assert scores["precision"] == 0.5 and scores["recall"] == 0.25
    assert scores["f1"] == round(2 * 0.5 * 0.25 / 0.75, 4)


def test_network_is_found_only_by_a_case_that_is_mostly_it():
    network = {"network_id": "n1", "typology": "funnel_account", "refs": ["a", "b", "c", "d"]}
    diluted = {"case_id": "c1", "refs": ["a", "b", "c", "x", "y", "z", "w"]}
    assert network_scores([diluted], [network])["found"] == 0
    tight = {"case_id": "c2", "refs": ["a", "b", "x"]}
    scores = network_scores([tight], [network])
    assert scores["found"] == 1 and scores["precision"] == 1.0
    assert scores["per_typology"]["funnel_account"]["recall"] == 1.0


def test_case_precision_counts_cases_that_are_no_network():
    network = {"network_id": "n1", "typology": "funnel_account", "refs": ["a", "b"]}
    cases = [{"case_id": "c1", "refs": ["a", "b"]}, {"case_id": "c2", "refs": ["p", "q"]}]
    assert network_scores(cases, [network])["precision"] == 0.5


def test_case_precision_per_typology_counts_cases_naming_it_whose_network_is_of_it():
    networks = [
        {"network_id": "imb-1", "typology": "illicit_massage_business", "refs": ["a", "b", "c"]},
        {"network_id": "fun-1", "typology": "funnel_account", "refs": ["f", "g"]},
    ]
    cases = [
        {"case_id": "right", "typologies": ["illicit_massage_business"], "refs": ["a", "b", "c"]},
        # mostly a funnel network, but named as a massage business
        {"case_id": "misnamed", "typologies": ["illicit_massage_business"], "refs": ["f", "g", "x"]},
        # mostly benign records
        {"case_id": "benign", "typologies": ["funnel_account"], "refs": ["p", "q", "r", "f"]},
        {"case_id": "unnamed", "refs": ["s"]},
    ]
    scores = network_scores(cases, networks)
    imb = scores["per_typology"]["illicit_massage_business"]
    fun = scores["per_typology"]["funnel_account"]
    assert (imb["cases"], imb["true_cases"], imb["precision"]) == (2, 1, 0.5)
    assert (fun["cases"], fun["true_cases"], fun["precision"]) == (1, 0, 0.0)
    assert (fun["networks"], fun["found"]) == (1, 1)
    assert scores["per_typology"]["none"] == {
        "networks": 0, "found": 0, "recall": 0.0, "cases": 1, "true_cases": 0, "precision": 0.0,
    }
    assert (scores["cases"], scores["true_cases"]) == (4, 2)


def test_report_prints_precision_per_typology():
    networks = [{"network_id": "n1", "typology": "funnel_account", "refs": ["a", "b"]}]
    cases = [{"case_id": "c1", "typologies": ["funnel_account"], "refs": ["a", "b"]},
             {"case_id": "c2", "typologies": ["funnel_account"], "refs": ["p", "q"]}]
    report = {
        "networks": network_scores(cases, networks),
        "lookalikes_in_cases": {},
        "entity_resolution": {"precision": 1.0, "recall": 1.0, "f1": 1.0, "records": 2},
        "validation": {"caught": 0, "injected_invalid": 0, "valid_rows_quarantined": 0},
        "leaks": {"leaks": 0, "packages_checked": 0},
    }
    line = next(x for x in report_text(report).splitlines() if "funnel_account" in x)
    assert "recall 1.000 (1/1)" in line and "precision 0.500 (1/2)" in line


def test_core_named_counts_true_subject_parties_named_in_any_package():
    from fiu.evaluate import core_named

    networks = [
        {"network_id": "n1", "typology": "labor_trafficking",
         "roles": {"account:a:1": "subject", "osint:REG": "subject", "account:a:2": "potential_victim"}},
        {"network_id": "n2", "typology": "labor_trafficking",
         "roles": {"account:b:1": "subject", "account:b:2": "subject"}},
    ]
    # The officer's account and registry record are one true party.
    entity_of = {"account:a:1": "P1", "osint:REG": "P1", "account:a:2": "W1",
                 "account:b:1": "P2", "account:b:2": "P3"}
    named = core_named(networks, entity_of, {"osint:REG", "account:b:1"})
    assert named["labor_trafficking"] == {"named": 2, "core": 3, "share": 0.6667, "lowest": 0.5,
                                          "lowest_found": 0.5}
    # A network detection missed counts in `lowest`, not in `lowest_found`.
    named = core_named(networks, entity_of, {"osint:REG"}, missed=["n2"])
    assert (named["labor_trafficking"]["lowest"], named["labor_trafficking"]["lowest_found"]) == (
        0.0, 1.0)
    assert core_named(networks, entity_of, set(), missed=["n1", "n2"])[
        "labor_trafficking"]["lowest_found"] is None


def test_package_subjects_counts_packages_naming_nobody(tmp_path):
    import json

    from fiu.evaluate import package_subjects

    for case, recipient, subjects in (("c1", "bank-a", [{"refs": ["osint:X"]}]), ("c1", "le", []),
                                      ("c2", "bank-a", [])):
        folder = tmp_path / "packages" / case / recipient
        folder.mkdir(parents=True)
        (folder / "package.json").write_text(json.dumps({"subjects": subjects}))
    assert package_subjects(tmp_path) == (2, {"osint:X"})


def test_a_victims_name_inside_a_subjects_own_longer_name_is_no_leak_but_alone_it_is(tmp_path):
    import json

    from fiu.evaluate import package_leaks

    truth = {"entities": {}, "potential_victims": {"refs": ["account:bank-a:V1"],
                                                    "names": ["Nicholas Wright"], "account_ids": []}}
    owner = {"entity_id": "ent-1", "names": ["Ramon Nicholas Wright"], "refs": ["osint:REG1"]}

    def leaks(text: str) -> int:
        folder = tmp_path / "packages" / "c1" / "bank-a"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "package.json").write_text(json.dumps({
            "recipient": {"id": "bank-a", "kind": "financial_institution"},
            "subjects": [owner], "brief": text}))
        return package_leaks(tmp_path, truth)["leaks"]

    # A namesake in another network: the subject's own name holds the victim's.
    assert leaks("Owner: Ramon Nicholas Wright") == 0
    # The victim's name standing apart from it is a leak.
    assert leaks("Ramon Nicholas Wright pays Nicholas Wright") == 1


def test_a_subjects_own_name_written_another_way_is_no_leak(tmp_path):
    """Wide seed 7659: a controller shown as "Huang, Ben" from his news record, whose
    text says "Benjamin Huang"; a victim in another network bears that name."""
    import json

    from fiu.evaluate import package_leaks

    truth = {"entities": {}, "potential_victims": {"refs": ["account:bank-b:V1"],
                                                    "names": ["Benjamin Huang", "Luis Huang"],
                                                    "account_ids": []}}

    def leaks(names: list[str], text: str) -> int:
        folder = tmp_path / "packages" / "c1" / "bank-b"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "package.json").write_text(json.dumps({
            "recipient": {"id": "bank-b", "kind": "financial_institution"},
            "subjects": [{"entity_id": "ent-1", "names": names, "refs": ["osint:NEWS1"]}],
            "open_sources": [{"ref": "osint:NEWS1", "text": text}]}))
        return package_leaks(tmp_path, truth)["leaks"]

    assert leaks(["Huang, Ben"], "Benjamin Huang charged after cash couriers deposited") == 0
    # another victim's name in the same text still counts
    assert leaks(["Huang, Ben"], "Benjamin Huang and Luis Huang charged") == 1


def test_outsiders_named_are_true_parties_of_no_planted_network():
    from fiu.evaluate import outsiders_named

    networks = [{"network_id": "n1", "refs": ["account:a:1"],
                 "roles": {"account:a:1": "subject", "osint:REG": "subject"}}]
    entity_of = {"account:a:1": "P1", "osint:REG": "P1", "account:b:7": "P9",
                 "osint:LIC9": "P9"}
    assert outsiders_named(networks, entity_of, {"osint:REG", "account:a:1"}) == []
    # a namesake's licence and account, one true party
    assert outsiders_named(networks, entity_of, {"account:a:1", "osint:LIC9",
                                                 "account:b:7"}) == ["P9"]
