"""Entity-resolution settings as data: blocking keys, comparisons and their levels.

A comparison names a party field, a scoring method and the similarity thresholds that
cut the score into levels, as Splink does. Level -1 is "one side missing" (no
evidence), 0 is "else" (disagreement), and each threshold the score reaches adds one:

    Comparison("name", "names", "name", (0.80, 0.92, 1.0))
    score 1.00 → level 3 (exact), 0.95 → 2, 0.85 → 1, 0.40 → 0, no name → -1

A comparison may set `required_level`: pairs below it are non-matches whatever else
agrees. The default does so for names, because in this domain shared contact points
are not identity: a controller's phone is on many ads, a family shares an address.
Fellegi–Sunter's independence assumption breaks on exactly those pairs, and EM fitted
on them learns "same phone" as a match; fitted on name-compatible pairs it recovers
the true m and u (see `benchmarks/resolution.py`).

A new identifier is one more entry in `DEFAULT_SETTINGS.comparisons` (and, to find
candidates by it, one more name in `blocking_keys`).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

BLOCKING_KEYS = ("phone", "email", "address", "name_tokens", "name_phonetic", "dob_initial")
SCORING_METHODS = ("exact", "jaro_winkler", "name", "date", "address")


@dataclass(frozen=True)
class Comparison:
    """One field compared between two parties, with levels cut at `thresholds`."""

    name: str
    field: str
    method: str
    thresholds: tuple[float, ...] = (1.0,)
    # Starting m and u per level (else first), also a weak prior for EM: they decide
    # when there are few pairs, the data decide when there are many.
    m_prior: tuple[float, ...] = ()
    u_prior: tuple[float, ...] = ()
    # A pair below this level (and not missing) is never a match, and EM does not
    # learn from it: a shared phone with two different names is two people.
    required_level: int | None = None
    description: str = ""

    def priors(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """`(m_prior, u_prior)`, or "agreement likely for matches, rare otherwise"."""
        k = self.n_levels
        m = self.m_prior or (*[0.1 / (k - 1)] * (k - 1), 0.9)
        u = self.u_prior or (0.9, *[0.1 / (k - 1)] * (k - 1))
        return tuple(m), tuple(u)

    @property
    def n_levels(self) -> int:
        """Levels excluding the null level: `else` plus one per threshold."""
        return len(self.thresholds) + 1


@dataclass(frozen=True)
class MatchSettings:
    """Everything entity resolution is tuned by; the defaults suit partner KYC + OSINT."""

    comparisons: tuple[Comparison, ...]
    blocking_keys: tuple[str, ...] = BLOCKING_KEYS
    # Beam shuffles `(bucket, batch)`; blocks live whole inside one bucket.
    buckets: int = 64
    # Key of the entity ids (`fiu.ids`); the run sets it from its inputs.
    id_key: str = ""
    # A block bigger than this (a call-centre phone, "john smith") is not compared
    # pairwise; its members still meet through their other keys.
    max_block_size: int = 200
    # A pair is a match when its posterior match probability reaches this; None
    # derives the threshold from the data: the match weight that maximises F1 as the
    # fitted model expects it (`weights.expected_f1_threshold`) ...
    threshold_probability: float | None = None
    # ... and at least this many comparisons without a `required_level` (date of
    # birth, phone, e-mail, address) add positive evidence: a name alone, however
    # exact, does not make two records one party ("Carol Gomez" is many people).
    min_corroborating: int = 1
    # Businesses are named to be told apart, so an exact business name may stand alone.
    min_corroborating_business: int = 0
    # Two parties in one entity must not disagree on these (chaining guard).
    strong_identifiers: tuple[str, ...] = ("date_of_birth", "party_type")
    # ... and businesses on these: same-named branches of a chain in other cities
    # have other phones, and must not become one entity through name-only reviews.
    business_strong_identifiers: tuple[str, ...] = ("phone_norm",)
    em_max_iter: int = 200
    em_tol: float = 1e-6
    em_prior: float = 0.1
    # Pseudo-pairs the priors are worth against the observed candidate pairs.
    em_prior_strength: float = 20.0

    def __post_init__(self) -> None:
        errors = []
        if self.threshold_probability is not None and not 0 < self.threshold_probability < 1:
            errors.append(
                "`threshold_probability` in matching settings must be in (0, 1); "
                f"got {self.threshold_probability}"
            )
        for key in self.blocking_keys:
            if key not in BLOCKING_KEYS:
                errors.append(f"unknown blocking key {key!r}; known: {', '.join(BLOCKING_KEYS)}")
        for comparison in self.comparisons:
            if comparison.method not in SCORING_METHODS:
                errors.append(
                    f"comparison {comparison.name!r}: unknown method {comparison.method!r}; "
                    f"known: {', '.join(SCORING_METHODS)}"
                )
            for name, values in (("m_prior", comparison.m_prior), ("u_prior", comparison.u_prior)):
                if values and (
                    len(values) != comparison.n_levels or abs(sum(values) - 1) > 1e-6
                ):
                    errors.append(
                        f"comparison {comparison.name!r}: {name} needs "
                        f"{comparison.n_levels} probabilities summing to 1; got {values}"
                    )
            if list(comparison.thresholds) != sorted(set(comparison.thresholds)):
                errors.append(
                    f"comparison {comparison.name!r}: thresholds must increase; "
                    f"got {comparison.thresholds}"
                )
        if self.buckets < 1 or self.max_block_size < 2:
            errors.append("`buckets` must be >= 1 and `max_block_size` >= 2")
        if errors:
            raise ValueError("; ".join(errors))

    def with_(self, **changes: object) -> "MatchSettings":
        """A copy with some settings changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


DEFAULT_SETTINGS = MatchSettings(
    comparisons=(
        Comparison(
            "name", "names", "name", (0.80, 0.92, 1.0),
            m_prior=(0.03, 0.07, 0.20, 0.70), u_prior=(0.85, 0.10, 0.04, 0.01),
            required_level=1,
            description="best of Jaro-Winkler and token-sort ratio over own names",
        ),
        Comparison(
            "date_of_birth", "date_of_birth", "date", (0.5, 1.0),
            m_prior=(0.02, 0.05, 0.93), u_prior=(0.90, 0.09, 0.01),
            description="1.0 same date; 0.5 two of year/month/day agree or day/month swapped",
        ),
        Comparison(
            "phone", "phone_norm", "exact", (1.0,),
            m_prior=(0.30, 0.70), u_prior=(0.95, 0.05), description="same E.164 number",
        ),
        Comparison(
            "email", "email_norm", "exact", (1.0,),
            m_prior=(0.40, 0.60), u_prior=(0.98, 0.02), description="same mailbox",
        ),
        Comparison(
            "address", "address_key", "address", (0.92, 1.0),
            m_prior=(0.30, 0.10, 0.60), u_prior=(0.80, 0.10, 0.10),
            description="same building and unit (or a near spelling) in a compatible place",
        ),
    )
)
