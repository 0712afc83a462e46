"""Fellegi–Sunter match weights, estimated as the record-linkage literature and Splink
estimate them.

For each comparison c and level l, `m_[c][l]` = P(level l | same party) and
`u_[c][l]` = P(level l | different parties); `lambda_` is the chance that two records
drawn at random are one party. A pair's match weight is

    log2(lambda_ / (1 - lambda_)) + Σ_c log2(m_[c][l_c] / u_[c][l_c])

(missing levels add nothing; at the exact level of a term-frequency comparison, u is
the frequency of the shared value), its match probability `2**w / (1 + 2**w)`.

- u comes from random pairs (`fit_u`): almost all are non-matches, so their level
  frequencies are u. Candidate pairs cannot give u, since they were chosen for
  agreeing on something.
- m comes from EM over candidate pairs with u held fixed (`fit_m`), in training
  sessions that each take the pairs agreeing exactly on some comparisons and leave
  those out of the likelihood; or from analysts' "same" pairs when there are enough.
- λ comes from EM over the whole comparison space (`fit_prior`): the expected number
  of matches among candidate pairs (pairs never compared are taken as non-matches)
  over the number of pairs there are, iterated to its fixed point.

Worked example: name exact with m = 0.6 and a surname shared by 1 record in 10,000
(u = 1e-4: +12.6), same date of birth (m = 0.9, u = 0.001: +9.8), λ = 1e-6 (−19.9):
weight +2.5, probability 0.85. The same pair named "john smith" (u = 0.01: +5.9)
weighs −4.2: probability 0.05.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from .settings import DEFAULT_SETTINGS, MatchSettings

_FLOOR = 1e-9
# Evidence is summed in histograms rounded to this many decimals of a bit, so that
# the prior and threshold do not depend on the order in which pairs arrive.
EVIDENCE_DECIMALS = 6


def level_patterns(levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of a (pairs × comparisons) level matrix and how often each occurs,
    in sorted order, so that fitting does not depend on pair order.
    """
    levels = np.asarray(levels, dtype=np.int8)
    if levels.size == 0:
        return levels.reshape(0, levels.shape[1] if levels.ndim == 2 else 0), np.zeros(0)
    shifted = levels.astype(np.int64) + 1
    base = int(shifted.max()) + 1
    codes = np.zeros(len(levels), dtype=np.int64)
    for column in shifted.T:
        codes = codes * base + column
    _, first, counts = np.unique(codes, return_index=True, return_counts=True)
    return levels[first], counts.astype(float)


def level_frequencies(
    levels: np.ndarray, n_levels: Sequence[int], prior: Sequence[Sequence[float]],
    strength: float, weights: Optional[np.ndarray] = None,
) -> list[np.ndarray]:
    """Per comparison, the (weighted) share of each level among pairs where it is not
    missing, with `prior` as Dirichlet pseudo-counts worth `strength` pairs."""
    levels = np.asarray(levels, dtype=np.int8).reshape(-1, len(n_levels))
    weights = np.ones(len(levels)) if weights is None else np.asarray(weights, dtype=float)
    out = []
    for c, k in enumerate(n_levels):
        column = levels[:, c]
        present = column >= 0
        counts = np.bincount(column[present], weights=weights[present], minlength=k)[:k]
        share = counts + strength * np.asarray(prior[c], dtype=float)
        out.append(np.maximum(share / share.sum(), _FLOOR))
    return out


@dataclass(frozen=True)
class SessionFit:
    """What one training session learnt: m for its free comparisons, and how many of
    its pairs it took for matches."""

    agree_on: tuple[str, ...]
    pairs: float
    expected_matches: float
    iterations: int
    m: dict[str, list[float]]
    conditional_u: dict[str, list[float]]


def em_session(
    patterns: np.ndarray,
    counts: np.ndarray,
    u: Sequence[np.ndarray],
    m_start: Sequence[np.ndarray],
    free: np.ndarray,
    settings: MatchSettings,
) -> tuple[list[np.ndarray], np.ndarray, float, int, np.ndarray]:
    """EM for m over counted level patterns with u fixed; only `free` comparisons
    enter the likelihood. Returns m, the expected matches with each comparison
    present, the session's match share, the iterations run and each pattern's
    posterior match probability."""
    strength = settings.em_prior_strength
    m_prior = [np.asarray(c.priors()[0], dtype=float) for c in settings.comparisons]
    m = [np.asarray(x, dtype=float).copy() for x in m_start]
    present = patterns >= 0
    lam = 0.5
    iterations = 0
    matched = np.zeros(len(counts))
    posterior = np.zeros(len(counts))
    for iterations in range(1, settings.em_max_iter + 1):
        logit = np.full(len(patterns), np.log(lam) - np.log1p(-lam))
        for c in np.flatnonzero(free):
            idx = np.where(present[:, c], patterns[:, c], 0)
            logit += np.where(present[:, c], np.log(m[c][idx]) - np.log(u[c][idx]), 0.0)
        posterior = 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))
        matched = counts * posterior
        new_lam = float(np.clip(matched.sum() / max(counts.sum(), _FLOOR), 1e-9, 1 - 1e-9))
        change = abs(new_lam - lam)
        for c in np.flatnonzero(free):
            column = patterns[:, c]
            keep = column >= 0
            k = settings.comparisons[c].n_levels
            totals = np.bincount(column[keep], weights=matched[keep], minlength=k)[:k]
            share = totals + strength * m_prior[c]
            new_m = np.maximum(share / share.sum(), _FLOOR)
            change = max(change, float(np.abs(new_m - m[c]).max()))
            m[c] = new_m
        lam = new_lam
        if change < settings.em_tol:
            break
    with_field = np.array([matched[present[:, c]].sum() for c in range(patterns.shape[1])])
    return m, with_field, lam, iterations, posterior


def expected_f1_threshold(weights: np.ndarray, counts: np.ndarray) -> float:
    """The match-weight threshold that maximises F1 as the fitted model expects it.

    With p_k the posterior match probability of weight w_k (n_k pairs), calling every
    pair with w ≥ t a match gives expected true positives Σ_{w_k≥t} n_k p_k,
    predicted n = Σ_{w_k≥t} n_k, and expected matches M = Σ_k n_k p_k, so
    expected F1(t) = 2·TP(t) / (n(t) + M). No labels needed.

    >>> expected_f1_threshold(np.array([8.0, 3.0, -1.0, -6.0]), np.array([50, 10, 10, 500]))
    3.0
    """
    weights = np.asarray(weights, dtype=float)
    counts = np.asarray(counts, dtype=float)
    finite = np.isfinite(weights)
    weights, counts = weights[finite], counts[finite]
    if len(weights) == 0:
        return 0.0
    distinct, inverse = np.unique(weights, return_inverse=True)
    prob = 1.0 / (1.0 + np.exp2(-weights))
    n = np.bincount(inverse, weights=counts)[::-1]  # descending weight
    tp = np.bincount(inverse, weights=counts * prob)[::-1]
    expected_matches = tp.sum()
    if expected_matches <= 0:
        return float(distinct[-1])
    f1 = 2 * np.cumsum(tp) / (np.cumsum(n) + expected_matches)
    return float(distinct[::-1][int(np.argmax(f1))])


def evidence_histogram(evidence: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rounded evidence values (bits, prior excluded) and their counts."""
    rounded = np.round(np.asarray(evidence, dtype=float), EVIDENCE_DECIMALS)
    values, counts = np.unique(rounded, return_counts=True)
    return values, counts.astype(float)


def prior_match_probability(
    evidence: np.ndarray, counts: np.ndarray, comparison_space: float, max_iter: int = 500
) -> float:
    """λ by EM over the whole comparison space: the fixed point of
    λ = Σ_pairs P(match | evidence, λ) / comparison_space, counting pairs never
    compared as non-matches; started from its upper bound (every candidate a match).

    >>> round(prior_match_probability(np.array([30.0, -30.0]), np.array([10, 1000]), 1e6), 8)
    1e-05
    """
    evidence = np.asarray(evidence, dtype=float)
    counts = np.asarray(counts, dtype=float)
    space = max(float(comparison_space), float(counts.sum()), 1.0)
    lam = float(np.clip(counts.sum() / space, 1e-12, 0.5))
    for _ in range(max_iter):
        logit = evidence + np.log2(lam) - np.log2(1 - lam)
        expected = float((counts / (1.0 + np.exp2(-np.clip(logit, -1000, 1000)))).sum())
        new_lam = float(np.clip(expected / space, 1e-12, 0.5))
        if abs(new_lam - lam) <= 1e-12 + 1e-9 * lam:
            return new_lam
        lam = new_lam
    return lam


class MatchWeights:
    """Fellegi–Sunter m/u probabilities and prior.

    `MatchWeights(settings).fit(levels, random_levels, space, tf)` in one go, or
    `fit_u(random_levels)`, `fit_m(patterns, counts)`, `fit_prior(evidence, counts,
    space)` in turn (as Beam does, with counts summed across workers).
    """

    def __init__(self, settings: Optional[MatchSettings] = None) -> None:
        self.settings = settings

    def _settings(self) -> MatchSettings:
        return self.settings or DEFAULT_SETTINGS

    @property
    def comparisons_(self) -> list[str]:
        return [c.name for c in self._settings().comparisons]

    def fit(
        self,
        levels: np.ndarray,
        random_levels: np.ndarray,
        comparison_space: float,
        tf: Optional[np.ndarray] = None,
        labelled_levels: Optional[np.ndarray] = None,
    ) -> "MatchWeights":
        """u from random pairs, m from the candidate pairs `levels` (or the labelled
        "same" pairs), then λ and the threshold from the candidates' evidence."""
        self.fit_u(random_levels)
        self.fit_m(*level_patterns(levels), labelled_levels=labelled_levels)
        values, counts = evidence_histogram(self.evidence(levels, tf))
        return self.fit_prior(values, counts, comparison_space)

    def fit_u(self, random_levels: np.ndarray) -> "MatchWeights":
        """u as the level frequencies of random pairs (the settings' u prior worth one
        pair, so a level no random pair reached is rare, not impossible)."""
        settings = self._settings()
        n_levels = [c.n_levels for c in settings.comparisons]
        priors = [c.priors()[1] for c in settings.comparisons]
        random_levels = np.asarray(random_levels, dtype=np.int8).reshape(-1, len(n_levels))
        self.u_ = level_frequencies(random_levels, n_levels, priors, strength=1.0)
        self.n_random_pairs_ = int(len(random_levels))
        return self

    def fit_m(
        self,
        patterns: np.ndarray,
        counts: np.ndarray,
        labelled_levels: Optional[np.ndarray] = None,
    ) -> "MatchWeights":
        """m from labelled "same" pairs when there are enough, else by EM sessions with
        u fixed, each comparison's m the average of the sessions that learnt it,
        weighted by the matches each expected."""
        settings = self._settings()
        comparisons = settings.comparisons
        n_levels = [c.n_levels for c in comparisons]
        m_prior = [np.asarray(c.priors()[0], dtype=float) for c in comparisons]
        patterns = np.asarray(patterns, dtype=np.int8).reshape(-1, len(comparisons))
        counts = np.asarray(counts, dtype=float)
        self.sessions_: list[SessionFit] = []
        # Per session with conditional comparisons: (agree_on indices, {index: u}).
        self.conditional_u_: list[tuple[list[int], dict[int, np.ndarray]]] = []
        self.n_labelled_pairs_ = 0 if labelled_levels is None else int(len(labelled_levels))
        if labelled_levels is not None and len(labelled_levels) >= settings.min_labelled_pairs:
            self.m_ = level_frequencies(
                labelled_levels, n_levels, m_prior, settings.em_prior_strength
            )
            self.m_source_ = "labelled_pairs"
            return self
        names = [c.name for c in comparisons]
        totals = [np.zeros(k) for k in n_levels]
        weight = np.zeros(len(comparisons))
        for session in settings.training_sessions:
            chosen = np.zeros(len(patterns), dtype=bool)
            for name in session.agree_on:
                c = names.index(name)
                chosen |= patterns[:, c] == n_levels[c] - 1
            # A conditional comparison stays out of the likelihood too: judged by its
            # random-pair u it would call the very non-matches it is learnt from matches.
            free = np.array(
                [n not in session.fixed and n not in session.conditional for n in names]
            )
            if not chosen.any():
                continue
            m, matched, lam, iterations, posterior = em_session(
                patterns[chosen], counts[chosen], self.u_, m_prior, free, settings
            )
            conditional = {}
            for name in session.conditional:
                c = names.index(name)
                k = n_levels[c]
                column = patterns[chosen][:, c]
                keep = column >= 0
                non_match = (counts[chosen] * (1.0 - posterior))[keep]
                totals_u = np.bincount(column[keep], weights=non_match, minlength=k)[:k]
                # Random pairs' u as the prior, worth as many pairs as m's prior.
                share = totals_u + settings.em_prior_strength * self.u_[c]
                conditional[name] = np.maximum(share / share.sum(), _FLOOR)
            self.conditional_u_.append(
                ([names.index(n) for n in session.agree_on],
                 {names.index(n): u for n, u in conditional.items()})
            )
            learnt = {}
            for c in np.flatnonzero(free):
                if matched[c] > 0:
                    totals[c] += matched[c] * m[c]
                    weight[c] += matched[c]
                    learnt[names[c]] = [round(float(x), 6) for x in m[c]]
            self.sessions_.append(
                SessionFit(session.agree_on, float(counts[chosen].sum()),
                           round(float(counts[chosen].sum() * lam), 3), iterations, learnt,
                           {n: [float(f"{x:.9g}") for x in u] for n, u in conditional.items()})
            )
        self.m_ = [
            totals[c] / weight[c] if weight[c] > 0 else m_prior[c]
            for c in range(len(comparisons))
        ]
        self.m_source_ = "em"
        return self

    def fit_prior(
        self, evidence: np.ndarray, counts: np.ndarray, comparison_space: float
    ) -> "MatchWeights":
        """λ from the candidates' evidence histogram (`evidence_histogram`) over the
        comparison space, then the threshold."""
        settings = self._settings()
        self.comparison_space_ = float(comparison_space)
        self.lambda_ = prior_match_probability(evidence, counts, comparison_space)
        weights = np.asarray(evidence, dtype=float) + self.prior_weight_
        if settings.threshold_probability is not None:
            p = settings.threshold_probability
            self.threshold_ = float(np.log2(p) - np.log2(1 - p))
        else:
            self.threshold_ = expected_f1_threshold(weights, counts)
        self.n_pairs_ = int(np.asarray(counts).sum())
        return self

    @property
    def prior_weight_(self) -> float:
        """log2 prior odds of a match, λ / (1 − λ)."""
        return float(np.log2(self.lambda_) - np.log2(1 - self.lambda_))

    @property
    def bayes_factors_(self) -> list[np.ndarray]:
        """log2(m / u) per comparison and level (before term frequencies)."""
        return [np.log2(m) - np.log2(u) for m, u in zip(self.m_, self.u_)]

    @property
    def threshold_probability_(self) -> float:
        """The match probability at the match-weight threshold `threshold_`."""
        return float(1.0 / (1.0 + np.exp2(-self.threshold_)))

    def contributions(
        self, levels: np.ndarray, tf: Optional[np.ndarray] = None
    ) -> np.ndarray:
        """log2 Bayes factor of each comparison for each pair (pairs × comparisons):
        0 where a side is missing; at the exact level of a term-frequency comparison,
        log2(m / frequency of the shared value); for pairs agreeing on a session's
        fields, its conditional comparisons' u. `tf` is (pairs × comparisons), NaN
        where there is no frequency."""
        comparisons = self._settings().comparisons
        levels = np.asarray(levels, dtype=np.int8).reshape(-1, len(comparisons))
        out = np.zeros(levels.shape, dtype=float)
        for c, factors in enumerate(self.bayes_factors_):
            column = levels[:, c]
            out[:, c] = np.where(column >= 0, factors[np.maximum(column, 0)], 0.0)
            if tf is not None and comparisons[c].term_frequency:
                value_u = np.asarray(tf[:, c], dtype=float)
                exact = (column == comparisons[c].n_levels - 1) & np.isfinite(value_u)
                with np.errstate(divide="ignore"):
                    adjusted = np.log2(self.m_[c][-1]) - np.log2(np.maximum(value_u, _FLOOR))
                out[:, c] = np.where(exact, adjusted, out[:, c])
        for agree_on, conditional_u in self.conditional_u_:
            agreeing = np.zeros(len(levels), dtype=bool)
            for a in agree_on:
                agreeing |= levels[:, a] == comparisons[a].n_levels - 1
            for c, u in conditional_u.items():
                column = levels[:, c]
                factors = np.log2(self.m_[c]) - np.log2(u)
                rows = agreeing & (column >= 0)
                out[rows, c] = factors[column[rows]]
        return out

    def evidence(self, levels: np.ndarray, tf: Optional[np.ndarray] = None) -> np.ndarray:
        """Σ of the comparisons' log2 Bayes factors per pair (the weight less the prior)."""
        return self.contributions(levels, tf).sum(axis=1)

    def match_weight(self, levels: np.ndarray, tf: Optional[np.ndarray] = None) -> np.ndarray:
        """log2 posterior odds of a match, per pair (row of `levels`)."""
        return self.prior_weight_ + np.round(self.evidence(levels, tf), EVIDENCE_DECIMALS)

    def predict(self, levels: np.ndarray, tf: Optional[np.ndarray] = None) -> np.ndarray:
        """Match or not per pair: weight at or above the threshold."""
        return self.match_weight(levels, tf) >= self.threshold_

    def match_probability(
        self, levels: np.ndarray, tf: Optional[np.ndarray] = None
    ) -> np.ndarray:
        """Posterior match probability per pair."""
        return 1.0 / (1.0 + np.exp2(-self.match_weight(levels, tf)))

    def as_dict(self) -> dict[str, object]:
        """Learned parameters for the run manifest (rounded, JSON-ready); `from_dict`
        reads them back."""
        settings = self._settings()
        return {
            "lambda": float(f"{self.lambda_:.9g}"),
            "prior_match_weight": round(self.prior_weight_, 6),
            "comparison_space": self.comparison_space_,
            "random_pairs": self.n_random_pairs_,
            "pairs_fitted": self.n_pairs_,
            "m_source": self.m_source_,
            "labelled_pairs": self.n_labelled_pairs_,
            "sessions": [
                {"agree_on": list(s.agree_on), "pairs": s.pairs,
                 "expected_matches": s.expected_matches, "iterations": s.iterations,
                 "m": s.m, "conditional_u": s.conditional_u}
                for s in self.sessions_
            ],
            "threshold_method": (
                "fixed" if settings.threshold_probability is not None
                else "max_expected_f1"
            ),
            "threshold_probability": round(self.threshold_probability_, 6),
            "threshold_match_weight": round(self.threshold_, 6),
            "comparisons": {
                comparison.name: {
                    "field": comparison.field,
                    "method": comparison.method,
                    "thresholds": list(comparison.thresholds),
                    "term_frequency": comparison.term_frequency,
                    "m": [float(f"{x:.9g}") for x in m],
                    "u": [float(f"{x:.9g}") for x in u],
                    "bayes_factor_log2": [round(float(x), 4) for x in bf],
                }
                for comparison, m, u, bf in zip(
                    settings.comparisons, self.m_, self.u_, self.bayes_factors_
                )
            },
        }

    @classmethod
    def from_dict(cls, record: dict, settings: Optional[MatchSettings] = None) -> "MatchWeights":
        """The weights `as_dict` wrote (for `fiu explain`)."""
        weights = cls(settings)
        names = [c.name for c in weights._settings().comparisons]
        comparisons = record["comparisons"]
        weights.m_ = [np.asarray(comparisons[n]["m"], dtype=float) for n in names]
        weights.u_ = [np.asarray(comparisons[n]["u"], dtype=float) for n in names]
        weights.lambda_ = float(record["lambda"])
        weights.threshold_ = float(record["threshold_match_weight"])
        weights.comparison_space_ = float(record.get("comparison_space", 0))
        weights.n_random_pairs_ = int(record.get("random_pairs", 0))
        weights.n_pairs_ = int(record.get("pairs_fitted", 0))
        weights.m_source_ = record.get("m_source", "em")
        weights.n_labelled_pairs_ = int(record.get("labelled_pairs", 0))
        weights.sessions_ = []
        weights.conditional_u_ = [
            ([names.index(n) for n in s["agree_on"]],
             {names.index(n): np.asarray(u, dtype=float) for n, u in s["conditional_u"].items()})
            for s in record.get("sessions", []) if s.get("conditional_u")
        ]
        return weights
