import numpy as np
import pytest

from fiu.resolve.settings import Comparison, MatchSettings, TrainingSession
from fiu.resolve.weights import (
    MatchWeights, expected_f1_threshold, level_patterns, prior_match_probability,
)

# Two comparisons: name (else / fuzzy / exact, term-frequency adjusted) and date of
# birth (else / exact). Each session learns the other's m.
SETTINGS = MatchSettings(
    comparisons=(
        Comparison("name", "names", "name", (0.9, 1.0), term_frequency=True),
        Comparison("date_of_birth", "date_of_birth", "date", (1.0,)),
        Comparison("phone", "phone_norm", "exact", (1.0,)),
    ),
    training_sessions=(
        TrainingSession(agree_on=("name",), fixed=("name",)),
        TrainingSession(agree_on=("date_of_birth",), fixed=("date_of_birth",)),
    ),
    em_prior_strength=1.0,
)
M = [np.array([0.05, 0.15, 0.80]), np.array([0.1, 0.9]), np.array([0.3, 0.7])]
U = [np.array([0.98, 0.015, 0.005]), np.array([0.999, 0.001]), np.array([0.9995, 0.0005])]


def draw(rng, probabilities, n):
    return np.column_stack([rng.choice(len(p), n, p=p) for p in probabilities]).astype(np.int8)


def fitted(m, u, lam, threshold=0.0):
    weights = MatchWeights(SETTINGS)
    weights.m_, weights.u_, weights.lambda_, weights.threshold_ = m, u, lam, threshold
    weights.conditional_u_ = []
    return weights


def test_weights_reproduce_a_hand_computed_fellegi_sunter_example():
    weights = fitted(M, U, lam=1e-4)
    # Fuzzy name, same date of birth, no phone:
    # log2(1e-4/(1-1e-4)) + log2(0.15/0.015) + log2(0.9/0.001) = -13.288 + 3.322 + 9.814
    levels = np.array([[1, 1, -1]], dtype=np.int8)
    assert weights.match_weight(levels)[0] == pytest.approx(-0.1522, abs=1e-3)
    # Exact name shared by 1 record in 10,000: its own u replaces the level's.
    tf = np.array([[1e-4, np.nan, np.nan]])
    exact = np.array([[2, 1, -1]], dtype=np.int8)
    expected = np.log2(1e-4 / (1 - 1e-4)) + np.log2(0.8 / 1e-4) + np.log2(0.9 / 0.001)
    assert weights.match_weight(exact, tf)[0] == pytest.approx(expected, abs=1e-5)
    parts = weights.contributions(exact, tf)[0]
    assert parts.tolist() == pytest.approx([np.log2(0.8 / 1e-4), np.log2(0.9 / 0.001), 0.0])


def test_a_common_exact_name_weighs_less_than_a_rare_one():
    weights = fitted(M, U, lam=1e-4)
    exact = np.array([[2, -1, -1], [2, -1, -1]], dtype=np.int8)
    tf = np.array([[1e-5, np.nan, np.nan], [1e-2, np.nan, np.nan]])
    rare, common = weights.match_weight(exact, tf)
    assert rare - common == pytest.approx(np.log2(1e-2 / 1e-5))
    assert rare > 0 > common


def test_u_is_the_level_frequency_of_random_pairs():
    rng = np.random.default_rng(3)
    weights = MatchWeights(SETTINGS).fit_u(draw(rng, U, 200_000))
    for got, want in zip(weights.u_, U):
        assert np.allclose(got, want, atol=0.002)


def test_em_with_u_fixed_recovers_m_from_sessions_of_candidate_pairs():
    """Candidates are the pairs that agree on a name (half of them matches) or on a date
    of birth (a fifth matches): blocked non-matches agree on the blocking field by
    construction, which is why each session leaves that field out."""
    rng = np.random.default_rng(4)
    n = 20_000
    matches = draw(rng, M, n)
    name_block = draw(rng, U, n)
    name_block[:, 0] = 2
    dob_block = draw(rng, U, 4 * n)
    dob_block[:, 1] = 1
    weights = MatchWeights(SETTINGS).fit_u(draw(rng, U, 200_000))
    weights.fit_m(*level_patterns(np.concatenate([matches, name_block, dob_block])))
    assert np.allclose(weights.m_[0], M[0], atol=0.03)
    assert np.allclose(weights.m_[1], M[1], atol=0.03)
    assert weights.m_source_ == "em" and len(weights.sessions_) == 2


def test_labelled_same_pairs_train_m_when_there_are_enough():
    rng = np.random.default_rng(5)
    labelled = draw(rng, M, 5000)
    weights = MatchWeights(SETTINGS).fit_u(draw(rng, U, 10_000))
    weights.fit_m(np.zeros((0, 3), dtype=np.int8), np.zeros(0), labelled_levels=labelled)
    assert weights.m_source_ == "labelled_pairs"
    assert np.allclose(weights.m_[0], M[0], atol=0.02)


def test_prior_is_the_fixed_point_over_the_whole_comparison_space():
    # 100 candidate pairs that are certainly matches, 10,000 certainly not, in a space
    # of 10 million pairs: λ = 100 / 1e7.
    evidence = np.array([40.0, -40.0])
    counts = np.array([100.0, 10_000.0])
    assert prior_match_probability(evidence, counts, 1e7) == pytest.approx(1e-5, rel=1e-6)


def test_prior_and_threshold_do_not_depend_on_pair_order():
    rng = np.random.default_rng(6)
    evidence = rng.normal(0, 15, 5000).round(6)
    values, counts = np.unique(evidence, return_counts=True)
    shuffled = rng.permutation(len(values))
    a = MatchWeights(SETTINGS)
    a.m_, a.u_, a.conditional_u_ = M, U, []
    b = MatchWeights(SETTINGS)
    b.m_, b.u_, b.conditional_u_ = M, U, []
    a.fit_prior(values, counts, 1e6)
    b.fit_prior(values[np.sort(shuffled)], counts[np.sort(shuffled)], 1e6)
    assert (a.lambda_, a.threshold_) == (b.lambda_, b.threshold_)


def test_expected_f1_threshold_picks_the_gap_between_matches_and_the_rest():
    assert expected_f1_threshold(np.array([8.0, 3.0, -1.0, -6.0]), np.array([50, 10, 10, 500])) == 3.0


def test_parameters_round_trip_through_the_manifest_record():
    rng = np.random.default_rng(7)
    weights = MatchWeights(SETTINGS).fit(
        draw(rng, M, 500), draw(rng, U, 5000), comparison_space=1e6
    )
    again = MatchWeights.from_dict(weights.as_dict(), SETTINGS)
    levels = draw(rng, M, 50)
    assert np.allclose(again.match_weight(levels), weights.match_weight(levels), atol=1e-5)
