"""Several outputs from one step, in a form every Beam runner routes correctly.

A step yields `(tag, value)` pairs and `SplitTags` gives one PCollection per tag, with
a filter each. Tagged outputs of a multi-output ParDo would do the same on most runners,
but Beam's Dask runner hands every consumer all of them; a filter costs little here,
since elements are record batches, not rows.
"""
from __future__ import annotations

import apache_beam as beam

MAIN = "main"


class SplitTags(beam.PTransform):
    """`(tag, value)` elements → `{tag: PCollection of values}` for the given tags."""

    def __init__(self, *tags: str) -> None:
        super().__init__()
        self.tags = tags

    def expand(self, tagged):
        return {
            tag: (
                tagged
                | f"Keep_{tag}" >> beam.Filter(lambda element, wanted=tag: element[0] == wanted)
                | f"Value_{tag}" >> beam.Map(lambda element: element[1])
            )
            for tag in self.tags
        }
