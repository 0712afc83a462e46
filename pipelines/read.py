"""ReadInputs: input files → (kind, raw RecordBatch), plus unreadable rows and counts."""
from __future__ import annotations

import apache_beam as beam
from apache_beam import pvalue

from fiu.io.inputs import InputFile
from fiu.io.readers import read_file

from .stages import progress, timed

QUARANTINED = "quarantined"
COUNTS = "counts"


class ReadFile(beam.DoFn):
    """One file → its raw batches; rows that are not records go to quarantine."""

    def process(self, source: InputFile):
        with timed("ReadInputs"):
            result = read_file(source)
        rows = sum(b.num_rows for b in result.batches) + len(result.broken)
        progress("ReadInputs", f"{source.name}: {rows} rows")
        for batch in result.batches:
            yield source.kind, batch
        if result.broken:
            yield pvalue.TaggedOutput(QUARANTINED, (source.kind, result.broken))
        yield pvalue.TaggedOutput(COUNTS, (("read", source.kind), rows))
        yield pvalue.TaggedOutput(COUNTS, (("file", source.name), rows))


class ReadInputs(beam.PTransform):
    """Every input file read in parallel, one file an element."""

    def __init__(self, files: list[InputFile]) -> None:
        super().__init__()
        self.files = files

    def expand(self, pbegin):
        return (
            pbegin
            | "ListFiles" >> beam.Create(self.files)
            | "SpreadFiles" >> beam.Reshuffle()
            | "ReadFile" >> beam.ParDo(ReadFile()).with_outputs(QUARANTINED, COUNTS, main="batches")
        )
