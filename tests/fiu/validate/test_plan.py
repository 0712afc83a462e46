"""The prepared GX plan must judge exactly as GX's own `Validator.graph_validate`."""
import pandas as pd
import pytest

from fiu.validate.plan import SuitePlan, runtime_configuration
from fiu.validate.split import BatchValidator
from fiu.validate.suites import load_suites

FRAMES = [
    pd.DataFrame({
        "amount": ["12.50", "-1", None, "0", "7", "1e5"],
        "currency": ["USD", "ZZZ", "EUR", None, "usd", "GBP"],
    }),
    pd.DataFrame({
        "amount": ["3", "4.25", "x", "0.0"],
        "currency": ["MXN", None, "CAD", "XXX1"],
    }),
]


def outcomes(results):
    return sorted(
        (
            r.expectation_config.type,
            r.expectation_config.kwargs["column"],
            r.success,
            r.result.get("unexpected_count"),
            tuple(r.result.get("unexpected_index_list") or ()),
        )
        for r in results
    )


@pytest.fixture(scope="module")
def prepared():
    validator = BatchValidator(load_suites())
    gx_validator = validator._validator
    configurations = [
        c
        for c in gx_validator.process_expectations_for_validation(
            validator._suites["transactions"].expectation_configurations,
            validator._parameters,
        )
        if c.kwargs["column"] in ("amount", "currency")
    ]
    return gx_validator, configurations, SuitePlan.build(configurations, gx_validator)


@pytest.mark.parametrize("frame", FRAMES)
def test_plan_gives_the_results_of_graph_validate(prepared, frame):
    gx_validator, configurations, plan = prepared
    expected = _graph_validate(gx_validator, configurations, frame)
    assert outcomes(plan.run(gx_validator, frame)) == outcomes(expected)
    assert any(not r.success for r in expected)


def test_a_plan_reused_on_another_frame_sees_only_that_frame(prepared):
    gx_validator, configurations, plan = prepared
    for frame in FRAMES + FRAMES[::-1]:
        assert outcomes(plan.run(gx_validator, frame)) == outcomes(
            _graph_validate(gx_validator, configurations, frame)
        )


def _graph_validate(gx_validator, configurations, frame):
    gx_validator.execution_engine.load_batch_data("reference", frame)
    reference = []
    for configuration in configurations:
        bound = configuration.to_json_dict()
        bound["kwargs"]["batch_id"] = "reference"
        reference.append(type(configuration)(**bound))
    return gx_validator.graph_validate(reference, runtime_configuration=runtime_configuration())
