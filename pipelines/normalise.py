"""Normalise: the accepted `(kind, batch)` stream plus the `*_norm` party columns."""
from __future__ import annotations

import apache_beam as beam
import pyarrow as pa

from fiu.normalize.records import normalise

from .stages import timed_call


def _normalised(element: tuple[str, pa.RecordBatch]) -> tuple[str, pa.RecordBatch]:
    kind, batch = element
    return kind, normalise(kind, batch)


class Normalise(beam.PTransform):
    """Adds `name_norm`, `phone_norm`, `email_norm`, `address_norm`, `address_key` (and
    the osint list columns) to accounts and osint batches; other kinds pass unchanged.
    """

    def expand(self, batches: beam.PCollection) -> beam.PCollection:
        return batches | "NormaliseParties" >> beam.Map(timed_call("Normalise", _normalised))
