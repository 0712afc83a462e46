"""The synthetic world generator behind `fiu generate OUT_DIR [--seed N] [--scale X]
[--truth FILE]`: `generate_world(out_dir, seed=7, scale=1.0, truth_path=None) -> Path`.

Modules, one job each: `names` (vocabularies), `messiness` (identifier variants),
`timeline` (clock, offsets), `book` (entities and records being built), `spending`
(vectorised money patterns), `population` (benign world and false-positive traps),
`networks` (planted typologies), `corrupt` (invalid rows), `writers` (file formats),
`world` (orchestration and truth).

What is planted, per network (`max(2, round(4 × scale))` of each typology, about half
labelled in `labels.csv`):

- illicit_massage_business: 1–2 owners, 2–4 spas in 2–3 states; card receipts mcc 7297,
  75–110 a month at $80–$250 (≈ 92 % round dollars), 50–75 % of them 22:00–06:00
  local; no payroll; lease, motel (7011) and weekly grocery (5411) spend; weekly
  round ($500 steps, $2k–$6k) wire/ach to the owner, often at another bank; registry
  and licence records with the owner in `related_names` (spelling variants); 2–4
  suggestive ads per spa with the spa's phone (the ad's `name` is a potential victim);
  3–7 reviews, most hinting at living on site, cash only, late hours.
- escort_online_commercial_sex: a controller with hotels (7011/35xx) in 4–6 states
  a week or so apart, ad-site payments (7311, $15–$60, every 1–3 days), prepaid (6540)
  and crypto (6051) outflows; 3–6 women's accounts (potential victims) with 60–130 night
  p2p payments from distinct payers, 75–92 % forwarded to the controller 2–40 h after;
  2–4 ads per woman under stage names with the controller's phone/email.
- labor_trafficking: a labor contractor (registry, licence, court record or news with
  wage claims) and its officer; 5–12 worker accounts opened within 14 days at one
  address with the officer's phone; biweekly payroll ach, 72–90 % swept to the officer
  2–40 h later with memos such as "housing", "transport fee", "recruitment fee";
  occasional fees straight to the business.
- funnel_account: 2–4 accounts (mostly in victims' names) with cash deposits in 3–5
  states, ≈ 40 % of them in [$8,000, $10,000), each burst wired 85–98 % onward to the
  controller within 4–60 h; a court record, news item or sanctions entry on ~70 % of
  controllers.

Benign traps: legitimate spas (day hours, payroll, websites), nail salons, late bars
(≈ 40 % night receipts, mcc 5813, payroll), hotels, staffing agencies with real
payroll, business travellers, remittance senders (4829), a car sold for cash (one of
them $9,600), households and apartment buildings sharing addresses, savings and
dormant accounts at a second bank. Invalid rows (≈ 0.5 % extra per file, at least
one, the first always a duplicate key where the kind has one) are listed in the truth.
"""

from .world import generate_world

__all__ = ["generate_world"]
