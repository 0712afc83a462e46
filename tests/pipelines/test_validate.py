import apache_beam as beam
from apache_beam.testing.util import assert_that, equal_to

from fiu.validate.suites import load_suites
from fiu.pipelines.validate import UNKNOWN_ACCOUNTS, ValidateRows
from tests.conftest import account, txn
from tests.fiu.validate.test_split import raw_batch


def test_validate_rows_quarantines_repeats_and_warns_of_unknown_accounts():
    accounts = raw_batch("accounts", [account(account_id="A1")], file="accounts_a.csv")
    transactions = raw_batch(
        "transactions",
        [txn(txn_id="T1"), txn(txn_id="T1"), txn(txn_id="T2", account_id="A9"), txn(txn_id="T3", amount="0")],
        file="transactions_a.csv",
    )
    with beam.Pipeline() as p:
        checked = p | beam.Create([("accounts", accounts), ("transactions", transactions)]) | ValidateRows(load_suites())
        rows = checked["quarantined"] | beam.FlatMap(lambda kl: [(kl[0], line["row"]) for line in kl[1]])
        assert_that(rows, equal_to([("transactions", 2), ("transactions", 4)]), label="quarantined")
        unknown = checked[UNKNOWN_ACCOUNTS] | beam.Map(lambda u: (u["count"], [e["txn_id"] for e in u["examples"]]))
        assert_that(unknown, equal_to([(1, ["T2"])]), label="unknown")
