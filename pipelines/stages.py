"""Per-stage busy time and counts, reported through Beam metrics and to stderr."""
from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from collections.abc import Iterator

import apache_beam as beam

NAMESPACE = "fiu.stage_ms"


@contextmanager
def timed(stage: str) -> Iterator[None]:
    """Add the time spent inside to the stage's busy-time counter (milliseconds)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        elapsed = int((time.perf_counter() - start) * 1000)
        beam.metrics.Metrics.counter(NAMESPACE, stage).inc(elapsed)


def progress(stage: str, message: str) -> None:
    """One line to stderr, so an analyst can follow a run as it goes."""
    print(f"[{time.strftime('%H:%M:%S')}] {stage:<17} {message}", file=sys.stderr, flush=True)
