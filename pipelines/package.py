"""EnrichCases and AssemblePackages: cases → one folder per case and recipient."""
from __future__ import annotations

from typing import Callable

import apache_beam as beam

from fiu.packages.assemble import RunStamp, route, write_case_packages
from fiu.packages.partners import Partner
from fiu.packages.records import (
    account_months,
    attach,
    case_refs,
    merge_account_months,
    record_details,
    transaction_accounts,
)

from .stages import progress, timed


def _merge(dicts) -> dict:
    merged: dict = {}
    for item in dicts:
        merged.update(item)
    return merged


class EnrichCases(beam.PTransform):
    """Attach each case's record details (identifiers, partner, region), the account
    of each evidence transaction and monthly totals per case account, read from the
    accepted batches."""

    def expand(self, inputs):
        cases, accounts, osint, transactions = (
            inputs["cases"], inputs["accounts"], inputs["osint"], inputs["transactions"]
        )
        wanted = (
            cases
            | "CaseRefs" >> beam.Map(lambda case: case_refs([case]))
            | "AllRefs" >> beam.CombineGlobally(lambda sets: set().union(*sets))
        )
        wanted_side = beam.pvalue.AsSingleton(wanted)
        account_details = accounts | "AccountDetails" >> beam.FlatMap(
            lambda b, w: record_details("accounts", b, w), wanted_side
        )
        osint_details = osint | "OsintDetails" >> beam.FlatMap(
            lambda b, w: record_details("osint", b, w), wanted_side
        )
        details = (
            (account_details, osint_details)
            | "MergeDetails" >> beam.Flatten()
            | "ByRef" >> beam.Map(lambda d: {d["ref"]: d})
            | "DetailsMap" >> beam.CombineGlobally(_merge)
        )
        txn_accounts = (
            transactions
            | "TxnAccounts" >> beam.Map(transaction_accounts, wanted_side)
            | "TxnAccountsMap" >> beam.CombineGlobally(_merge)
        )
        months = (
            transactions
            | "AccountMonths" >> beam.Map(account_months, wanted_side)
            | "AccountMonthsMap" >> beam.CombineGlobally(merge_account_months)
        )
        return cases | "Attach" >> beam.Map(
            attach,
            beam.pvalue.AsSingleton(details),
            beam.pvalue.AsSingleton(txn_accounts),
            beam.pvalue.AsSingleton(months),
        )


class RouteCases(beam.PTransform):
    """Each case with its `recipients` (and `no_package`, the reason, when nobody gets
    one), so that `cases.jsonl` says who received what."""

    def __init__(self, partners: list[Partner]) -> None:
        super().__init__()
        self.partners = partners

    def expand(self, cases):
        return cases | "Route" >> beam.Map(route, self.partners)


def unsent(cases):
    """Case ids that no recipient gets a package of, for the manifest."""
    return cases | "Unsent" >> beam.Filter(lambda c: not c["recipients"]) | "UnsentIds" >> beam.Map(
        lambda c: [c["case_id"], c["no_package"]])


REPORTS = "reports"


class WritePackages(beam.DoFn):
    def __init__(self, partners: list[Partner], out_dir: str, threshold: float,
                 reported: Callable[[], dict] | None = None) -> None:
        self.partners, self.out_dir, self.threshold = partners, out_dir, threshold
        self.read_reported = reported
        self.reported: dict | None = None

    def setup(self) -> None:
        if self.read_reported is not None:
            self.reported = self.read_reported()

    def process(self, case: dict, stamp: RunStamp):
        if case["score"] < self.threshold:
            return
        reports: list = []
        previous = None if self.reported is None else self.reported.get(case["case_id"], {})
        with timed("AssemblePackages"):
            recipients = write_case_packages(
                case, self.partners, self.out_dir, stamp, previous, reports
            )
        progress("AssemblePackages", f"{case['case_id']}: {', '.join(recipients) or 'no recipient'}")
        for recipient in recipients:
            yield recipient, 1
        for recipient, report, sent in reports:
            yield beam.pvalue.TaggedOutput(REPORTS, [case["case_id"], recipient, report, sent])


class AssemblePackages(beam.PTransform):
    """`packages/<case_id>/<recipient>/` for every case at or above the threshold;
    yields (recipient, number of packages). With `reported` (what reads a weekly
    state's last package per case and recipient, e.g. `State.reported`, called when
    the step starts rather than pickled with it), `reports` holds `[case, recipient,
    report, sent]` for every package, sent or (identical to the last) held back."""

    def __init__(self, partners: list[Partner], out_dir: str, threshold: float,
                 reported: Callable[[], dict] | None = None) -> None:
        super().__init__()
        self.partners, self.out_dir, self.threshold = partners, out_dir, threshold
        self.reported = reported
        self.reports = None

    def expand(self, inputs):
        cases, stamp = inputs
        written = cases | "WritePackages" >> beam.ParDo(
            WritePackages(self.partners, self.out_dir, self.threshold, self.reported),
            beam.pvalue.AsSingleton(stamp),
        ).with_outputs(REPORTS, main="counts")
        self.reports = written[REPORTS]
        return written["counts"] | "PerRecipient" >> beam.CombinePerKey(sum)
