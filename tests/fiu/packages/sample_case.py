"""A small case that holds everything a package must not leak, and the partners around it.

bank-a holds the spa (SPA1); bank-b holds the owner (OWNER9) and a potential victim's
account (VICTIM3); an ad (AD7) advertises the victim; the registry record (REG1), an ad
with the spa's phone (AD8) and a review (REV2) are open sources about the spa, two of
them with a planted script. Distinctive amounts let a test see whose
activity reached a timeline.
"""
from fiu.packages.assemble import RunStamp
from fiu.packages.partners import Partner

BANK_A = Partner("bank-a", "financial_institution", "Bank A")
BANK_B = Partner("bank-b", "financial_institution", "Bank B")
LE_TX = Partner("le-tx", "law_enforcement", "Texas task force", ("TX",))
LE_FL = Partner("le-fl", "law_enforcement", "Florida", ("FL",))
LE_FED = Partner("le-fed", "law_enforcement", "Federal")
PARTNERS = [BANK_A, BANK_B, LE_FED, LE_FL, LE_TX]
STAMP = RunStamp("run-0123456789abcdef", "2026-06-30T23:59:00Z")
PLANTED_SCRIPT = "<script>document.title='pwned';document.body.append('PWNED')</script>"


def leaky_case() -> dict:
    return {
        "case_id": "case-0123456789ab",
        "score": 0.9,
        "typologies": ["illicit_massage_business"],
        "ties": [
            {"source": "ent-5a0000000001", "target": "ent-0000000000f9", "kind": "pays", "count": 8},
            {"source": "ent-71c700000003", "target": "ent-0000000000f9", "kind": "forwards_to",
             "count": 12},
            {"source": "ent-0000000000f9", "target": "ent-71c700000003", "kind": "shares_phone",
             "count": 1},
        ],
        "refs": ["account:bank-a:SPA1", "account:bank-b:OWNER9", "account:bank-b:VICTIM3",
                 "osint:AD7", "osint:AD8", "osint:REG1", "osint:REV2"],
        "subjects": [
            {"entity_id": "ent-5a0000000001", "role": "subject", "entity_type": "business",
             "names": ["Golden Lotus Spa"],
             "refs": ["account:bank-a:SPA1", "osint:AD8", "osint:REG1", "osint:REV2"]},
            {"entity_id": "ent-0000000000f9", "role": "subject", "entity_type": "person",
             "names": ["Li Wei"], "refs": ["account:bank-b:OWNER9"]},
            {"entity_id": "ent-71c700000003", "role": "potential_victim", "entity_type": "person",
             "names": ["Anna Doe", "Anna"], "refs": ["account:bank-b:VICTIM3", "osint:AD7"]},
        ],
        "rule_hits": [
            {"rule_id": "illicit_massage_business.night_card_receipts", "title": "Card receipts late at night",
             "typology": "illicit_massage_business", "indicator": "IMB-1", "source": "FINTRAC",
             "severity": "high", "level": "account",
             "refs": ["account:bank-a:SPA1", "txn:bank-a:T1", "txn:bank-b:T9"],
             "explanation": "62% of card receipts between 22:00 and 06:00"},
            {"rule_id": "escort_online_commercial_sex.forwards_to_controller", "title": "Takings forwarded",
             "typology": "escort_online_commercial_sex", "indicator": "ESC-6", "source": "FIN-2020-A008",
             "severity": "medium", "level": "network",
             "refs": ["account:bank-b:OWNER9", "account:bank-b:VICTIM3", "osint:AD7", "osint:REG1",
                      "txn:bank-b:T50"],
             "explanation": "forwarded to controller <img src=x onerror=alert(1)>"},
        ],
        "model": {"score": 0.88, "version": "m", "reasons": ["night_card_share=0.62 raised the score"]},
        "regions": ["CA", "TX"],
        "timeline": [
            {"date": "2026-03-01", "in": 778777.77, "out": 555555.55, "count": 12},
            {"date": "2026-04-01", "in": 1000.0, "out": 0.0, "count": 1},
        ],
        "account_months": {
            "account:bank-a:SPA1": [
                {"date": "2026-03-01", "in": 1000.0, "out": 0.0, "count": 10},
                {"date": "2026-04-01", "in": 1000.0, "out": 0.0, "count": 1},
            ],
            "account:bank-b:OWNER9": [{"date": "2026-03-01", "in": 777777.77, "out": 0.0, "count": 1}],
            "account:bank-b:VICTIM3": [{"date": "2026-03-01", "in": 0.0, "out": 555555.55, "count": 1}],
        },
        "records": [
            {"ref": "account:bank-a:SPA1", "kind": "account", "partner": "bank-a", "name": "Golden Lotus Spa LLC",
             "phone": "+15125550100", "address": "12 Main St, Austin, TX, 78701", "region": "TX"},
            {"ref": "osint:REG1", "kind": "osint", "source": "business_registry", "name": "Golden Lotus Spa",
             "address": "12 MAIN ST", "region": "TX", "observed_on": "2026-02-01",
             "related_names": ["Li Wei"], "url": "javascript:alert(1)"},
            {"ref": "osint:REV2", "kind": "osint", "source": "review", "name": "Golden Lotus Spa",
             "region": "TX", "observed_on": "2026-02-03",
             "text": "Anna said she lives upstairs. " + PLANTED_SCRIPT},
            {"ref": "osint:AD8", "kind": "osint", "source": "online_ad", "name": "Golden Lotus Spa",
             "phone": "+15125550100", "region": "TX", "observed_on": "2026-02-05",
             "text": "Grand opening, open late " + PLANTED_SCRIPT},
            {"ref": "account:bank-b:OWNER9", "kind": "account", "partner": "bank-b", "name": "Li Wei",
             "phone": "+15125550199", "email": "li.wei@example.com", "region": "CA"},
            {"ref": "account:bank-b:VICTIM3", "kind": "account", "partner": "bank-b", "name": "Anna Doe",
             "phone": "+15125550777", "region": "CA"},
            {"ref": "osint:AD7", "kind": "osint", "source": "online_ad", "name": "Anna",
             "phone": "+15125550199", "region": "TX", "text": "Anna, new in town " + PLANTED_SCRIPT},
        ],
        "txn_accounts": {"txn:bank-a:T1": "account:bank-a:SPA1", "txn:bank-b:T9": "account:bank-b:OWNER9",
                         "txn:bank-b:T50": "account:bank-b:VICTIM3"},
    }
