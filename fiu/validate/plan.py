"""Great Expectations' judgment of a set of expectations, prepared once for every batch.

`Validator.graph_validate` derives, on every call, each expectation's metric dependencies
and the graph of metrics that computes them, and `Expectation.metrics_validate` derives
the dependencies again for each result: both rebuild every expectation configuration
through pydantic dozens of times, about 0.1 s a call for the transactions suite whatever
the rows. None of that depends on the rows. Every batch is loaded under one batch id, so
the graph and the dependencies are built once; each batch then only has GX resolve the
graph over its own frame (every metric over every row) and judge each expectation on
its metrics (the expectation's own `_validate`, which is what `metrics_validate` calls).
tests/fiu/validate/test_plan.py holds this to `graph_validate`'s results.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from great_expectations.core import ExpectationValidationResult
    from great_expectations.expectations.expectation import Expectation
    from great_expectations.validator.validation_graph import ValidationGraph
    from great_expectations.validator.validator import Validator

# Each failing expectation returns the positions (the frame keeps pandas' default index)
# of its unexpected rows, and not the values, which the caller reads from its batch.
RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "return_unexpected_index_query": False,
    "exclude_unexpected_values": True,
}
BATCH_ID = "fiu-batch"


def runtime_configuration() -> dict:
    """A fresh one per use: GX writes the parsed result format back into it."""
    return {"result_format": dict(RESULT_FORMAT)}


@dataclass(frozen=True)
class Check:
    """One expectation, the ids of the metrics it is judged on and its result format."""

    expectation: Expectation
    metric_ids: dict[str, Any]
    result_format: dict

    def judge(self, metrics: dict, engine) -> ExpectationValidationResult:
        """What `Expectation.metrics_validate` returns, without deriving the dependencies
        again."""
        provided = {name: metrics[metric_id] for name, metric_id in self.metric_ids.items()}
        runtime = {"result_format": copy.deepcopy(self.result_format)}
        outcome = self.expectation._validate(
            metrics=provided, runtime_configuration=runtime, execution_engine=engine
        )
        return self.expectation._build_evr(raw_response=outcome)


@dataclass(frozen=True)
class SuitePlan:
    """Checks from one suite (all of them, or those of one column) and the graph of GX
    metrics they need, for any batch."""

    checks: list[Check]
    graph: ValidationGraph

    @classmethod
    def build(cls, configurations: list, validator: Validator) -> SuitePlan:
        """From configurations whose suite parameters are already substituted."""
        from great_expectations.validator.validation_graph import ValidationGraph

        checks, edges = [], []
        for configuration in configurations:
            bound = copy.deepcopy(configuration)
            bound.kwargs["batch_id"] = BATCH_ID
            expectation = bound.to_domain_obj()
            dependencies = expectation.get_validation_dependencies(
                execution_engine=validator.execution_engine,
                runtime_configuration=runtime_configuration(),
            )
            needed = dependencies.metric_configurations
            checks.append(
                Check(
                    expectation,
                    {name: metric.id for name, metric in needed.items()},
                    dependencies.result_format,
                )
            )
            edges += validator.metrics_calculator.build_metric_dependency_graph(
                metric_configurations=list(needed.values()),
                runtime_configuration=runtime_configuration(),
            ).edges
        return cls(checks, ValidationGraph(validator.execution_engine, edges=edges))

    def run(self, validator: Validator, frame: pd.DataFrame) -> list[ExpectationValidationResult]:
        """GX's result for every check over every row of `frame`."""
        engine = validator.execution_engine
        engine.load_batch_data(BATCH_ID, frame)
        metrics, aborted = validator.metrics_calculator.resolve_validation_graph(
            self.graph, runtime_configuration=runtime_configuration()
        )
        if aborted:
            raise RuntimeError(f"Great Expectations could not compute {_describe(aborted)}")
        return [check.judge(metrics, engine) for check in self.checks]


def _describe(aborted: dict) -> str:
    return "; ".join(
        f"{info['metric_configuration'].metric_name}: "
        f"{info['exception_info'].exception_message}"
        for info in aborted.values()
    )
