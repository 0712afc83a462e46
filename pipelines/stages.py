"""Per-stage busy time and counts, reported through Beam metrics and to stderr."""
from __future__ import annotations

import functools
import sys
import time
from contextlib import contextmanager
from collections.abc import Callable, Iterator
from typing import TypeVar

import apache_beam as beam

NAMESPACE = "fiu.stage_ms"
T = TypeVar("T")


@contextmanager
def timed(stage: str) -> Iterator[None]:
    """Add the time spent inside to the stage's busy-time counter (milliseconds)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        elapsed = int((time.perf_counter() - start) * 1000)
        beam.metrics.Metrics.counter(NAMESPACE, stage).inc(elapsed)


def timed_call(stage: str, fn: Callable[..., T]) -> Callable[..., T]:
    """`fn` with its time added to the stage's counter; for `beam.Map` and friends.

    Only for functions that return their whole result (a list, a batch), not a generator,
    whose work would happen after the timer stops.
    """

    @functools.wraps(fn)
    def call(*args, **kwargs):
        with timed(stage):
            return fn(*args, **kwargs)

    return call


def progress(stage: str, message: str) -> None:
    """One line to stderr, so an analyst can follow a run as it goes."""
    print(f"[{time.strftime('%H:%M:%S')}] {stage:<17} {message}", file=sys.stderr, flush=True)
