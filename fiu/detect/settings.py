"""Detection settings as data: every knob of linking, seeding, scoring and roles, once.

As `MatchSettings` carries entity resolution, `DetectSettings` carries detection: the
run builds one (or takes `DEFAULT_SETTINGS`), and each step reads its knob from it
instead of a module constant. What a feature measures (the night window, the merchant
codes) is part of the feature's definition in `features.py`, not a knob: rules name
features, so a feature must mean one thing.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# A case is reported at or above this score (`fiu run --threshold` overrides it).
DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class LinkSettings:
    """How networks grow from seeds.

    `max_identifier_entities`: an identifier shared by more entities than this is a hub
    (a multi-unit building, a call centre) and links nothing. `depth`: hops from a seed.
    `max_degree`: a non-seed entity with more links than this ends a path (a big
    employer or a marketplace account) instead of carrying it on. `min_flow_count`,
    `min_flow_amount`: money between two accounts links them when there were at least
    that many transfers or that much money.
    """

    max_identifier_entities: int = 12
    depth: int = 2
    max_degree: int = 40
    min_flow_count: int = 2
    min_flow_amount: float = 500.0

    def __post_init__(self) -> None:
        for name in ("max_identifier_entities", "depth", "max_degree", "min_flow_count"):
            if getattr(self, name) < 1:
                raise ValueError(f"`{name}` in link settings must be ≥ 1; got {getattr(self, name)}")
        if self.min_flow_amount < 0:
            raise ValueError(f"`min_flow_amount` in link settings must be ≥ 0; got {self.min_flow_amount}")


@dataclass(frozen=True)
class RoleSettings:
    """Thresholds of the role rules; `fiu.detect.roles` says what each one decides."""

    forward_share: float = 0.6
    collect_share: float = 0.3
    collects_from: int = 2
    ad_payments: int = 10
    hotel_regions: int = 3
    fee_payments: int = 2
    cohort_accounts: int = 5
    funnel_regions: int = 3
    everyday_use: float = 0.5

    def __post_init__(self) -> None:
        for name in ("forward_share", "collect_share", "everyday_use"):
            value = getattr(self, name)
            if not 0 < value <= 1:
                raise ValueError(f"`{name}` in role settings must be in (0, 1]; got {value}")
        for name in ("collects_from", "ad_payments", "hotel_regions", "fee_payments",
                     "cohort_accounts", "funnel_regions"):
            if getattr(self, name) < 1:
                raise ValueError(f"`{name}` in role settings must be ≥ 1; got {getattr(self, name)}")


@dataclass(frozen=True)
class DetectSettings:
    """Everything detection is tuned by, besides the rules and the model."""

    links: LinkSettings = field(default_factory=LinkSettings)
    roles: RoleSettings = field(default_factory=RoleSettings)
    # Rule weights of an entity combine as 1 − Π(1 − w); at this an entity seeds a
    # network: one medium rule (0.3), or two low ones (0.15 each, 0.28 ≈ 0.3).
    seed_weight: float = 0.3
    # A second typology is named when its rule score is at least this share of the
    # best one: a spa chain whose owner also advertises is both, a stray hit is not.
    typology_share: float = 0.7
    # `fiu run` refits on the folder's labels only with at least this many labelled
    # candidate networks of each class; with fewer, a model is noisier than the default.
    min_fit_per_class: int = 10
    # Indicators that describe how an organisation is built (one owner of several
    # businesses across states, accounts at several banks, a shared contact point),
    # not what it does: a licensed chain has all of them. A case needs at least one
    # typology rule hit on another indicator, as general red flags alone never make one.
    structural_indicators: tuple[str, ...] = ("IMB-4", "GEN-2", "GEN-3")
    # Distinct indicators of conduct of one typology a case needs: no single red flag
    # is indicative.
    conduct_indicators: int = 2

    def __post_init__(self) -> None:
        for name in ("seed_weight", "typology_share"):
            value = getattr(self, name)
            if not 0 < value <= 1:
                raise ValueError(f"`{name}` in detection settings must be in (0, 1]; got {value}")
        if self.conduct_indicators < 1:
            raise ValueError(
                f"`conduct_indicators` in detection settings must be ≥ 1; got {self.conduct_indicators}"
            )
        if self.min_fit_per_class < 1:
            raise ValueError(
                f"`min_fit_per_class` in detection settings must be ≥ 1; got {self.min_fit_per_class}"
            )


DEFAULT_SETTINGS = DetectSettings()
