"""The Beam DetectCases gives exactly what detect_cases gives in one process."""
from __future__ import annotations

import json

import apache_beam as beam
from apache_beam.testing.util import assert_that, equal_to

from fiu.detect.cases import detect_cases
from fiu.detect.sample import sample_world
from fiu.pipelines.detect import DetectCases, batches_of

KINDS = ("transactions", "accounts", "osint", "entities", "labels")


def test_beam_equals_one_process():
    world = sample_world()
    expected_cases, expected_stats = detect_cases(
        world["transactions"], world["accounts"], world["osint"], world["entities"],
        use_default_model=False,
    )
    assert expected_cases
    with beam.Pipeline("DirectRunner") as p:
        inputs = {
            k: p | f"Create{k}" >> beam.Create(
                batches_of(world[k] if k != "labels" else None, rows=97)
            ).with_output_types(object)
            for k in KINDS
        }
        out = inputs | DetectCases(buckets=4, use_default_model=False)
        dumped = out["cases"] | beam.Map(lambda c: json.dumps(c, sort_keys=True))
        assert_that(dumped, equal_to([json.dumps(c, sort_keys=True) for c in expected_cases]),
                    label="CasesEqual")
        assert_that(out["stats"], equal_to([expected_stats]), label="StatsEqual")
