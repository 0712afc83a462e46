from fiu.evaluate import network_scores, pairwise_scores


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
