"""Fellegi–Sunter match weights learned without labels, by EM over comparison levels.

For each comparison c and level l, `m_[c][l]` = P(level l | same party) and
`u_[c][l]` = P(level l | different parties); `lambda_` is the share of candidate pairs
that are matches. A pair's match weight is

    log2(lambda_ / (1 - lambda_)) + Σ_c log2(m_[c][l_c] / u_[c][l_c])

(missing levels add nothing), its match probability `2**w / (1 + 2**w)`; a pair below
a comparison's `required_level` has weight −inf and is left out of the fit. The weights
come from the candidate pairs themselves, so a phone shared by many different names
(a controller's phone on many ads) learns a modest weight, and a name disagreement a
strongly negative one: phone agreement alone does not make a match.

Example: with m = 0.9, u = 0.01 for "same phone" (weight +6.5) and m = 0.02, u = 0.8 for
"name differs" (weight −5.3), and lambda_ = 0.2 (−2.0), a pair sharing only a phone
scores −0.8: probability 0.36, not a match at the default 0.5.
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from .settings import DEFAULT_SETTINGS, MatchSettings

_FLOOR = 1e-6


def level_patterns(levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of a (pairs × comparisons) level matrix and how often each occurs,
    in sorted order, so that fitting does not depend on pair order.
    """
    levels = np.asarray(levels, dtype=np.int8)
    if levels.size == 0:
        return levels.reshape(0, levels.shape[1] if levels.ndim == 2 else 0), np.zeros(0)
    # One integer code per row (levels shifted by one so -1 is 0), then a 1-D unique:
    # sorting codes is an order of magnitude faster than `np.unique(axis=0)`, and codes
    # sort in the same (lexicographic) order as the rows.
    shifted = levels.astype(np.int64) + 1
    base = int(shifted.max()) + 1
    codes = np.zeros(len(levels), dtype=np.int64)
    for column in shifted.T:
        codes = codes * base + column
    unique_codes, first, counts = np.unique(codes, return_index=True, return_counts=True)
    return levels[first], counts.astype(float)


class MatchWeights:
    """Fellegi–Sunter m/u probabilities and prior, fitted by EM on unlabelled pairs.

    `MatchWeights(settings).fit(levels)` with `levels` an int array (pairs ×
    comparisons, -1 missing); `match_weight(levels)` gives log2 odds per pair.
    """

    def __init__(
        self,
        settings: Optional[MatchSettings] = None,
        max_iter: Optional[int] = None,
        tol: Optional[float] = None,
        prior: Optional[float] = None,
    ) -> None:
        self.settings = settings
        self.max_iter = max_iter
        self.tol = tol
        self.prior = prior

    def _settings(self) -> MatchSettings:
        return self.settings or DEFAULT_SETTINGS

    def fit(
        self, levels: np.ndarray, sample_weight: Optional[np.ndarray] = None
    ) -> "MatchWeights":
        """Estimate `m_`, `u_`, `lambda_` by EM; `sample_weight` counts repeated rows."""
        settings = self._settings()
        max_iter = self.max_iter if self.max_iter is not None else settings.em_max_iter
        tol = self.tol if self.tol is not None else settings.em_tol
        prior = self.prior if self.prior is not None else settings.em_prior
        n_levels = [c.n_levels for c in settings.comparisons]
        levels = np.asarray(levels, dtype=np.int8).reshape(-1, len(n_levels))
        if sample_weight is None:
            patterns, counts = level_patterns(levels)
        else:
            patterns, counts = levels, np.asarray(sample_weight, dtype=float)
        eligible = self._eligible(patterns)
        self.n_pairs_excluded_ = int(counts[~eligible].sum())
        patterns, counts = patterns[eligible], counts[eligible]

        # Start from the settings' priors, and keep them as Dirichlet pseudo-counts
        # worth `em_prior_strength` pairs, so a handful of pairs cannot run away.
        strength = settings.em_prior_strength
        m_prior = [np.asarray(c.priors()[0], dtype=float) for c in settings.comparisons]
        u_prior = [np.asarray(c.priors()[1], dtype=float) for c in settings.comparisons]
        m, u = list(m_prior), list(u_prior)
        lam = prior
        present = patterns >= 0
        iterations = 0
        for iterations in range(1, max_iter + 1):
            log_m = np.zeros(len(patterns))
            log_u = np.zeros(len(patterns))
            for c in range(len(n_levels)):
                idx = np.where(present[:, c], patterns[:, c], 0)
                log_m += np.where(present[:, c], np.log(m[c][idx]), 0.0)
                log_u += np.where(present[:, c], np.log(u[c][idx]), 0.0)
            logit = np.log(lam) - np.log1p(-lam) + log_m - log_u
            posterior = 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))
            match_w = counts * posterior
            non_w = counts * (1.0 - posterior)
            total = counts.sum()
            new_lam = float((match_w.sum() + strength * prior) / (total + strength))
            new_lam = min(max(new_lam, _FLOOR), 1 - _FLOOR)
            new_m, new_u = [], []
            for c, k in enumerate(n_levels):
                rows = present[:, c]
                mc = np.bincount(patterns[rows, c], weights=match_w[rows], minlength=k)
                uc = np.bincount(patterns[rows, c], weights=non_w[rows], minlength=k)
                new_m.append(_normalised(mc + strength * prior * m_prior[c]))
                new_u.append(_normalised(uc + strength * (1 - prior) * u_prior[c]))
            change = max(
                [abs(new_lam - lam)]
                + [float(np.abs(a - b).max()) for a, b in zip(new_m + new_u, m + u)]
            )
            m, u, lam = new_m, new_u, new_lam
            if change < tol:
                break
        self.m_ = m
        self.u_ = u
        self.lambda_ = lam
        self.n_iter_ = iterations
        self.comparisons_ = tuple(c.name for c in settings.comparisons)
        if settings.threshold_probability is None:
            self.threshold_ = expected_f1_threshold(
                self.match_weight(patterns), counts
            )
        else:
            p = settings.threshold_probability
            self.threshold_ = float(np.log2(p) - np.log2(1 - p))
        self.n_pairs_ = int(counts.sum())
        return self

    def _eligible(self, levels: np.ndarray) -> np.ndarray:
        """Pairs that meet every comparison's `required_level` (or miss that field)."""
        ok = np.ones(len(levels), dtype=bool)
        for c, comparison in enumerate(self._settings().comparisons):
            if comparison.required_level is not None:
                col = levels[:, c]
                ok &= (col < 0) | (col >= comparison.required_level)
        return ok

    @property
    def bayes_factors_(self) -> list[np.ndarray]:
        """log2(m / u) per comparison and level."""
        return [np.log2(m) - np.log2(u) for m, u in zip(self.m_, self.u_)]

    @property
    def threshold_probability_(self) -> float:
        """The match probability at the match-weight threshold `threshold_`."""
        return float(1.0 / (1.0 + np.exp2(-self.threshold_)))

    def match_weight(self, levels: np.ndarray) -> np.ndarray:
        """log2 posterior odds of a match, per pair (row of `levels`)."""
        levels = np.asarray(levels, dtype=np.int8).reshape(-1, len(self.m_))
        weight = np.full(len(levels), np.log2(self.lambda_) - np.log2(1 - self.lambda_))
        for c, factors in enumerate(self.bayes_factors_):
            col = levels[:, c]
            weight += np.where(col >= 0, factors[np.maximum(col, 0)], 0.0)
        weight[~self._eligible(levels)] = -np.inf
        return weight

    def corroborated(
        self, levels: np.ndarray, business: Optional[np.ndarray] = None
    ) -> np.ndarray:
        """Whether enough comparisons without a `required_level` add positive evidence
        (`min_corroborating`, or `min_corroborating_business` for business pairs).
        """
        levels = np.asarray(levels, dtype=np.int8).reshape(-1, len(self.m_))
        settings = self._settings()
        positive = np.zeros(len(levels), dtype=np.int64)
        for c, (comparison, factors) in enumerate(zip(settings.comparisons, self.bayes_factors_)):
            if comparison.required_level is None:
                col = levels[:, c]
                positive += (col >= 0) & (factors[np.maximum(col, 0)] > 0)
        needed = np.full(len(levels), settings.min_corroborating)
        if business is not None:
            needed[np.asarray(business, dtype=bool)] = settings.min_corroborating_business
        return positive >= needed

    def predict(
        self, levels: np.ndarray, business: Optional[np.ndarray] = None
    ) -> np.ndarray:
        """Match or not per pair: weight at the threshold and corroborated."""
        weight_ok = self.match_weight(levels) >= self.threshold_
        return weight_ok & self.corroborated(levels, business)

    def match_probability(self, levels: np.ndarray) -> np.ndarray:
        """Posterior match probability per pair."""
        return 1.0 / (1.0 + np.exp2(-self.match_weight(levels)))

    def as_dict(self) -> dict[str, object]:
        """Learned parameters for the run manifest (rounded, JSON-ready)."""
        settings = self._settings()
        return {
            "lambda": round(self.lambda_, 6),
            "iterations": self.n_iter_,
            "pairs_fitted": self.n_pairs_,
            "pairs_below_required_level": self.n_pairs_excluded_,
            "threshold_method": (
                "fixed" if settings.threshold_probability is not None
                else "max_expected_f1"
            ),
            "threshold_probability": round(self.threshold_probability_, 6),
            "threshold_match_weight": round(self.threshold_, 6),
            "prior_match_weight": round(
                float(np.log2(self.lambda_) - np.log2(1 - self.lambda_)), 6
            ),
            "comparisons": {
                comparison.name: {
                    "field": comparison.field,
                    "method": comparison.method,
                    "thresholds": list(comparison.thresholds),
                    "m": [round(float(x), 6) for x in m],
                    "u": [round(float(x), 6) for x in u],
                    "bayes_factor_log2": [round(float(x), 4) for x in bf],
                }
                for comparison, m, u, bf in zip(
                    settings.comparisons, self.m_, self.u_, self.bayes_factors_
                )
            },
        }


def expected_f1_threshold(weights: np.ndarray, counts: np.ndarray) -> float:
    """The match-weight threshold that maximises F1 as the fitted model expects it.

    With p_k the posterior match probability of pattern k (weight w_k, n_k pairs),
    calling every pattern with w ≥ t a match gives expected true positives
    Σ_{w_k≥t} n_k p_k, predicted n = Σ_{w_k≥t} n_k, and expected matches
    M = Σ_k n_k p_k, so expected F1(t) = 2·TP(t) / (n(t) + M). No labels needed.

    >>> expected_f1_threshold(np.array([8.0, 3.0, -1.0, -6.0]), np.array([50, 10, 10, 500]))
    3.0
    """
    weights = np.asarray(weights, dtype=float)
    counts = np.asarray(counts, dtype=float)
    finite = np.isfinite(weights)
    weights, counts = weights[finite], counts[finite]
    if len(weights) == 0:
        return 0.0
    # Patterns sharing a weight are called together: group them before the sweep.
    distinct, inverse = np.unique(weights, return_inverse=True)
    prob = 1.0 / (1.0 + np.exp2(-weights))
    n = np.bincount(inverse, weights=counts)[::-1]  # descending weight
    tp = np.bincount(inverse, weights=counts * prob)[::-1]
    expected_matches = tp.sum()
    if expected_matches <= 0:
        return float(distinct[-1])
    f1 = 2 * np.cumsum(tp) / (np.cumsum(n) + expected_matches)
    return float(distinct[::-1][int(np.argmax(f1))])


def _normalised(counts: np.ndarray) -> np.ndarray:
    counts = counts + _FLOOR
    return counts / counts.sum()


def fit_from_patterns(
    patterns: Sequence[tuple[int, ...]], counts: Sequence[float], settings: MatchSettings
) -> MatchWeights:
    """`MatchWeights` fitted on already-counted level patterns (Beam's combined counts),
    the same estimate as fitting on the pairs themselves.
    """
    width = len(settings.comparisons)
    order = sorted(range(len(patterns)), key=lambda i: tuple(patterns[i]))
    matrix = np.array([patterns[i] for i in order], dtype=np.int8).reshape(-1, width)
    weights = np.array([counts[i] for i in order], dtype=float)
    return MatchWeights(settings).fit(matrix, sample_weight=weights)
