import numpy as np

from fiu.resolve.settings import DEFAULT_SETTINGS
from fiu.resolve.weights import MatchWeights, fit_from_patterns, level_patterns


def simulated_levels(n=20000, share=0.3, seed=1):
    """Pairs drawn from known m and u (name, dob, phone, email, address)."""
    rng = np.random.default_rng(seed)
    m = [[0.0, 0.05, 0.15, 0.8], [0.02, 0.03, 0.95], [0.05, 0.95], [0.1, 0.9],
         [0.2, 0.05, 0.75]]
    u = [[0.0, 0.4, 0.2, 0.4], [0.97, 0.02, 0.01], [0.9, 0.1], [0.98, 0.02],
         [0.9, 0.02, 0.08]]
    match = rng.random(n) < share
    cols = []
    for mc, uc in zip(m, u):
        col = np.where(match, rng.choice(len(mc), n, p=mc), rng.choice(len(uc), n, p=uc))
        col[rng.random(n) < 0.3] = -1
        cols.append(col)
    return np.column_stack(cols).astype(np.int8), match, m, u


def test_em_recovers_m_u_and_share_without_labels():
    levels, match, m, u = simulated_levels()
    weights = MatchWeights(DEFAULT_SETTINGS).fit(levels)
    assert abs(weights.lambda_ - match.mean()) < 0.03
    for c in (1, 2, 3):
        assert np.allclose(weights.m_[c], m[c], atol=0.05)
        assert np.allclose(weights.u_[c], u[c], atol=0.05)
    predicted = weights.predict(levels)
    assert (predicted == match).mean() > 0.95


def test_fit_on_counted_patterns_equals_fit_on_pairs():
    levels, *_ = simulated_levels(3000)
    patterns, counts = level_patterns(levels)
    shuffled = np.random.default_rng(0).permutation(len(patterns))
    a = MatchWeights(DEFAULT_SETTINGS).fit(levels)
    b = fit_from_patterns(
        [tuple(p) for p in patterns[shuffled].tolist()], counts[shuffled].tolist(),
        DEFAULT_SETTINGS,
    )
    assert a.as_dict() == b.as_dict()


def test_phone_agreement_with_different_names_is_not_a_match():
    weights = MatchWeights(DEFAULT_SETTINGS).fit(np.zeros((0, 5), dtype=np.int8))
    shared_phone = np.array([[0, -1, 1, -1, -1]], dtype=np.int8)
    assert weights.match_weight(shared_phone)[0] == -np.inf
    assert not weights.predict(shared_phone)[0]


def test_name_alone_is_not_a_match():
    weights = MatchWeights(DEFAULT_SETTINGS).fit(np.zeros((0, 5), dtype=np.int8))
    assert not weights.predict(np.array([[3, -1, -1, -1, -1]], dtype=np.int8))[0]
    assert weights.predict(np.array([[3, -1, 1, -1, -1]], dtype=np.int8))[0]


def test_derived_threshold_separates_simulated_matches():
    levels, match, *_ = simulated_levels()
    weights = MatchWeights(DEFAULT_SETTINGS).fit(levels)
    fixed = MatchWeights(DEFAULT_SETTINGS.with_(threshold_probability=0.5)).fit(levels)
    derived_accuracy = (weights.predict(levels) == match).mean()
    assert derived_accuracy > 0.95
    assert derived_accuracy >= (fixed.predict(levels) == match).mean() - 0.01
    assert weights.as_dict()["threshold_method"] == "max_expected_f1"
