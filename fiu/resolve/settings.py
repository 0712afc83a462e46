"""Entity-resolution settings as data: blocking keys, comparisons, their levels and how
the Fellegi–Sunter model is estimated.

A comparison names a party field, a scoring method and the similarity thresholds that
cut the score into levels, as Splink does. Level -1 is "one side missing" (no
evidence), 0 is "else" (disagreement), and each threshold the score reaches adds one;
the top level is an exact match:

    Comparison("name", "names", "name", (0.80, 0.92, 1.0))
    score 1.00 → level 3 (exact), 0.95 → 2, 0.85 → 1, 0.40 → 0, no name → -1

A comparison with `term_frequency=True` weighs its exact level by how common the
shared value is: two records agreeing on a surname borne by one record in 10,000 are
stronger evidence than two agreeing on "smith", and a phone on twenty ads is weaker
evidence than one person's own mobile (u for that value is its share of records).

Estimation follows the literature and Splink: u from random pairs drawn over the whole
comparison space (`u_sample_pairs`); m by EM over candidate pairs with u held fixed, in
`training_sessions`, each over the pairs that agree exactly on some comparisons and
leaving those out of its likelihood (pairs selected for agreeing on a field agree on it
whether they match or not); λ, the chance that two random records match, from EM over
the whole comparison space (`weights.prior_match_probability`).

A new identifier is one more entry in `DEFAULT_SETTINGS.comparisons` (and, to find
candidates by it, one more name in `blocking_keys`).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

BLOCKING_KEYS = (
    "phone", "email", "website", "address", "name_tokens", "name_phonetic", "date_of_birth",
    "name_place",
)
SCORING_METHODS = ("exact", "jaro_winkler", "name", "date", "address", "name_set")


@dataclass(frozen=True)
class Comparison:
    """One field compared between two parties, with levels cut at `thresholds`."""

    name: str
    field: str
    method: str
    thresholds: tuple[float, ...] = (1.0,)
    # Starting m per level (else first), also a weak Dirichlet prior for EM; and the
    # prior for u, which random pairs estimate: they decide when there are few pairs.
    m_prior: tuple[float, ...] = ()
    u_prior: tuple[float, ...] = ()
    # Weigh the exact level by the frequency of the shared value.
    term_frequency: bool = False
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
class TrainingSession:
    """One EM pass for m: the candidate pairs that agree exactly on any of `agree_on`;
    `fixed` comparisons (those, and any whose agreement they imply among non-matches)
    are left out of its likelihood and keep m from the other sessions.

    `conditional` comparisons are not independent of `agree_on` among non-matches (a
    household shares its landline and its address): their u, for pairs that agree on
    `agree_on`, is learnt from this session's non-matches instead of random pairs, so
    one shared home is not counted twice. They stay out of the session's likelihood, and
    their m comes from the other sessions."""

    agree_on: tuple[str, ...]
    fixed: tuple[str, ...]
    conditional: tuple[str, ...] = ()


@dataclass(frozen=True)
class MatchSettings:
    """Everything entity resolution is tuned by; the defaults suit partner KYC + OSINT."""

    comparisons: tuple[Comparison, ...]
    blocking_keys: tuple[str, ...] = BLOCKING_KEYS
    training_sessions: tuple[TrainingSession, ...] = ()
    # Beam shuffles `(bucket, batch)`; blocks live whole inside one bucket.
    buckets: int = 64
    # Key of the entity ids (`fiu.ids`); the run sets it from its inputs.
    id_key: str = ""
    # A block bigger than this (a call-centre phone, "john smith") is not compared
    # pairwise; its members still meet through their other keys.
    max_block_size: int = 200
    # Random pairs that estimate u (Splink's `max_pairs`); every pair when fewer exist.
    # Exact levels of term-frequency comparisons take u from value counts instead, so
    # the sample only needs to see the commoner levels.
    u_sample_pairs: int = 300_000
    u_seed: int = 5
    # A pair is a match when its posterior match probability reaches this; None
    # derives the threshold from the fitted model: the match weight that maximises F1
    # as the model itself expects it (`weights.expected_f1_threshold`).
    threshold_probability: float | None = None
    # Two parties in one entity must not disagree on these unless a match edge joins
    # them directly (chaining guard). Only the party type by default: with dates of
    # birth as well, FEBRL 2 loses recall (F1 0.992 → 0.980) where records with slips
    # in their dates are one person, for a 0.002 gain on our own benchmark world.
    strong_identifiers: tuple[str, ...] = ("party_type",)
    # ... and businesses these: two same-named spas in one city with their own phones
    # must not become one through reviews that name only the business and the city.
    business_strong_identifiers: tuple[str, ...] = ("phone_norm",)
    # Analysts' "same" pairs train m instead of EM once there are this many.
    min_labelled_pairs: int = 20
    em_max_iter: int = 200
    em_tol: float = 1e-6
    # Pseudo-pairs the m priors are worth against the pairs of a session.
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
        names = [c.name for c in self.comparisons]
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
        for session in self.training_sessions:
            for name in (*session.agree_on, *session.fixed, *session.conditional):
                if name not in names:
                    errors.append(f"training session names unknown comparison {name!r}")
        if self.buckets < 1 or self.max_block_size < 2 or self.u_sample_pairs < 1:
            errors.append(
                "`buckets` and `u_sample_pairs` must be >= 1 and `max_block_size` >= 2"
            )
        if errors:
            raise ValueError("; ".join(errors))

    def with_(self, **changes: object) -> "MatchSettings":
        """A copy with some settings changed."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def comparison(self, name: str) -> Comparison:
        """The comparison called `name`."""
        return next(c for c in self.comparisons if c.name == name)


DEFAULT_SETTINGS = MatchSettings(
    comparisons=(
        Comparison(
            "name", "names", "name", (0.5, 0.80, 0.92, 1.0), term_frequency=True,
            m_prior=(0.04, 0.06, 0.10, 0.20, 0.60), u_prior=(0.95, 0.03, 0.01, 0.009, 0.001),
            description="exact, else the best of person-part or business-name similarity "
                        "over own names (sound-alike parts count 0.92; one part of a "
                        "person's name agreeing, 0.5)",
        ),
        Comparison(
            "date_of_birth", "date_of_birth", "date", (0.5, 1.0),
            m_prior=(0.03, 0.07, 0.90), u_prior=(0.98, 0.019, 0.001),
            description="1.0 same date; 0.5 two of year/month/day agree or day/month "
                        "swapped",
        ),
        Comparison(
            "phone", "phone_norm", "exact", (1.0,), term_frequency=True,
            m_prior=(0.30, 0.70), u_prior=(0.999, 0.001), description="same E.164 number",
        ),
        Comparison(
            "email", "email_norm", "exact", (1.0,), term_frequency=True,
            m_prior=(0.40, 0.60), u_prior=(0.999, 0.001), description="same mailbox",
        ),
        Comparison(
            "address", "street", "address", (0.4, 0.6, 0.8, 0.9, 1.0), term_frequency=True,
            m_prior=(0.02, 0.03, 0.05, 0.15, 0.15, 0.60),
            u_prior=(0.80, 0.15, 0.04, 0.008, 0.001, 0.001),
            description="1.0 same street line in the same place; 0.9 a near street line "
                        "there; 0.8 same postal code and city; 0.6 same postal code or "
                        "city; 0.4 same region",
        ),
        Comparison(
            "website", "website", "exact", (1.0,), term_frequency=True,
            m_prior=(0.30, 0.70), u_prior=(0.999, 0.001), description="same web host",
        ),
        Comparison(
            "related_names", "related", "name_set", (0.5, 1.0),
            m_prior=(0.40, 0.20, 0.40), u_prior=(0.99, 0.008, 0.002),
            description="share of the smaller set of related names (owners, employer, "
                        "colleagues) the other record names too",
        ),
    ),
    training_sessions=(
        # Namesakes share more than strangers: e-mails made of their names, a home
        # (father and son). Their u given the name is learnt here.
        TrainingSession(
            agree_on=("name",), fixed=("name",), conditional=("email",)
        ),
        TrainingSession(agree_on=("date_of_birth",), fixed=("date_of_birth",)),
        # Households and controllers share phones and e-mails with other people, and
        # then their street and place too: those say nothing in this session.
        TrainingSession(
            agree_on=("phone", "email"),
            fixed=("phone", "email", "address", "website"),
            conditional=("address", "website"),
        ),
    ),
)
