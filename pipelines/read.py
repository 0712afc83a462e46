"""ReadInputs: input files → (kind, raw RecordBatch), plus unreadable rows and counts."""
from __future__ import annotations

import apache_beam as beam

from fiu.io.inputs import InputFile
from fiu.errors import InputError
from fiu.io.limits import DEFAULT_LIMITS, Limits
from fiu.io.readers import read_file, records_digest

from .stages import progress, timed
from .tagged import MAIN, SplitTags

QUARANTINED = "quarantined"
COUNTS = "counts"
BAD_FILES = "bad_files"
DIGESTS = "digests"  # one per file: what the run id rests on


class ReadFile(beam.DoFn):
    """One file → its raw batches; rows that are not records go to quarantine."""

    def __init__(self, skip_bad_files: bool = False, limits: Limits = DEFAULT_LIMITS) -> None:
        self.skip_bad_files = skip_bad_files
        self.limits = limits

    def process(self, source: InputFile):
        try:
            with timed("ReadInputs"):
                result = read_file(source, limits=self.limits)
        except InputError as err:
            if not self.skip_bad_files:
                raise
            progress("ReadInputs", f"skipping {source.name}: {err.message}")
            yield BAD_FILES, {"file": source.name, "kind": source.kind,
                              "sha256": source.sha256, "problem": err.message}
            return
        rows = sum(b.num_rows for b in result.batches) + len(result.broken)
        progress("ReadInputs", f"{source.name}: {rows} rows")
        for batch in result.batches:
            yield MAIN, (source.kind, batch)
        with timed("ReadInputs"):
            yield DIGESTS, records_digest(source.kind, result.batches)
        if result.broken:
            yield QUARANTINED, (source.kind, result.broken)
        yield COUNTS, (("read", source.kind), rows)
        yield COUNTS, (("file", source.name), rows)


class ReadInputs(beam.PTransform):
    """Every input file read in parallel, one file an element; returns
    `{MAIN: (kind, batch), QUARANTINED, COUNTS, BAD_FILES, DIGESTS}`."""

    def __init__(
        self, files: list[InputFile], skip_bad_files: bool = False, limits: Limits = DEFAULT_LIMITS
    ) -> None:
        super().__init__()
        self.files = files
        self.skip_bad_files = skip_bad_files
        self.limits = limits

    def expand(self, pbegin):
        return (
            pbegin
            | "ListFiles" >> beam.Create(self.files)
            | "SpreadFiles" >> beam.Reshuffle()
            | "ReadFile" >> beam.ParDo(ReadFile(self.skip_bad_files, self.limits))
            | "SplitOutputs" >> SplitTags(MAIN, QUARANTINED, COUNTS, BAD_FILES, DIGESTS)
        )
