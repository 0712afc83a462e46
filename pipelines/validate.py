"""ValidateRows: raw (kind, batch) → accepted typed batches and quarantine lines."""
from __future__ import annotations

import apache_beam as beam
import pyarrow as pa

from fiu.contract import ACCOUNTS, TRANSACTIONS
from fiu.validate.accounts import account_keys, known_keys, merge_unknown, unknown_accounts
from fiu.validate.split import BatchValidator
from fiu.validate.suites import unique_key
from fiu.validate.unique import drop_repeats, key_table, repeated_rows, split_by_bucket

from .read import COUNTS, QUARANTINED
from .stages import progress, timed
from .tagged import MAIN, SplitTags

KEY_BUCKETS = 16
UNKNOWN_ACCOUNTS = "unknown_accounts"


class DropRepeats(beam.DoFn):
    """Rows that repeat an earlier unique key (suite's compound uniqueness) → quarantine."""

    def __init__(self, suites: dict[str, dict]) -> None:
        self.keys = {kind: unique_key(suite) for kind, suite in suites.items()}

    def process(self, element, repeats):
        kind, batch = element
        with timed("ValidateRows"):
            mine = [table for k, table in repeats if k == kind]
            table = pa.concat_tables(mine) if mine else None
            if table is not None:
                batch, lines = drop_repeats(kind, batch, table, self.keys[kind])
                if lines:
                    yield QUARANTINED, (kind, lines)
        yield MAIN, (kind, batch)


class SplitValid(beam.DoFn):
    """Great Expectations over each batch; the context is built per worker in setup."""

    def __init__(self, suites: dict[str, dict]) -> None:
        self.suites = suites

    def setup(self) -> None:
        self.validator = BatchValidator(self.suites)

    def __getstate__(self) -> dict:
        # The GX context is per worker and cannot be pickled; some runners pickle a
        # DoFn again after setup (Beam's Dask runner, for side inputs).
        state = dict(self.__dict__)
        state.pop("validator", None)
        return state

    def process(self, element):
        kind, batch = element
        with timed("ValidateRows"):
            accepted, lines = self.validator.split(kind, batch)
        name = batch.column("_file")[0].as_py() if batch.num_rows else "?"
        progress("ValidateRows", f"{name}: {accepted.num_rows} accepted, {len(lines)} quarantined")
        if lines:
            yield QUARANTINED, (kind, lines)
        yield COUNTS, (("accepted", kind), accepted.num_rows)
        yield MAIN, (kind, accepted)


class FindUnknownAccounts(beam.PTransform):
    """Accepted transactions whose account is no accepted account row: one summary
    element {count, examples}; a warning only, the rows stay accepted."""

    def expand(self, accepted):
        known = (
            accepted
            | "AccountKeys" >> beam.FlatMap(
                lambda kb: [account_keys(kb[1])] if kb[0] == ACCOUNTS else []
            )
            | "AllAccountKeys" >> beam.CombineGlobally(lambda parts: known_keys(list(parts)))
        )
        return (
            accepted
            | "CheckAccounts" >> beam.FlatMap(
                lambda kb, keys: [unknown_accounts(kb[1], keys)] if kb[0] == TRANSACTIONS else [],
                beam.pvalue.AsSingleton(known),
            )
            | "SumUnknown" >> beam.CombineGlobally(lambda parts: merge_unknown(list(parts)))
        )


class ValidateRows(beam.PTransform):
    """De-duplicate across the run on each suite's unique key, validate each batch, and
    warn of transactions on unknown accounts."""

    def __init__(self, suites: dict[str, dict]) -> None:
        super().__init__()
        self.suites = suites
        self.keys = {kind: unique_key(suite) for kind, suite in suites.items()}

    def expand(self, batches):
        keys = self.keys
        repeats = (
            batches
            | "KeyTables" >> beam.FlatMap(
                lambda kb: [
                    ((kb[0], bucket), table)
                    for bucket, table in split_by_bucket(key_table(kb[1], keys[kb[0]]), KEY_BUCKETS)
                ]
            )
            | "GroupKeys" >> beam.GroupByKey()
            | "FindRepeats" >> beam.MapTuple(lambda kb, tables: (kb[0], repeated_rows(pa.concat_tables(tables))))
            | "KeepFound" >> beam.Filter(lambda kt: kt[1].num_rows > 0)
        )
        kept = (
            batches
            | "DropRepeats" >> beam.ParDo(DropRepeats(self.suites), beam.pvalue.AsList(repeats))
            | "SplitKept" >> SplitTags(MAIN, QUARANTINED)
        )
        checked = (
            kept[MAIN]
            | "SplitValid" >> beam.ParDo(SplitValid(self.suites))
            | "SplitChecked" >> SplitTags(MAIN, QUARANTINED, COUNTS)
        )
        quarantined = (kept[QUARANTINED], checked[QUARANTINED]) | "MergeQuarantine" >> beam.Flatten()
        unknown = checked[MAIN] | "FindUnknownAccounts" >> FindUnknownAccounts()
        return {"accepted": checked[MAIN], QUARANTINED: quarantined, COUNTS: checked[COUNTS],
                UNKNOWN_ACCOUNTS: unknown}
