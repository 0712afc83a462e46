"""Beam's Dask runner, with side inputs the cluster computes before the steps that read them.

Beam's `DaskRunner` (2.77) gives a ParDo each side input as a dask bag to iterate inside
the task: every worker then computes a graph from within a task. Current dask cannot
pickle that graph (`_HLGExprSequence`), and older dask deadlocks when those nested
computes wait on the worker threads they occupy. Here a side input becomes one dask
`Delayed` (the bag's elements as a list) that the ParDo's partitions depend on, so the
scheduler computes it once, first, and ships it to them.

Two more departures from Beam's runner: every step nobody consumes is computed, not only
the last one visited (which left other writes undone); and the graph is not passed
through `dask.optimize`, whose fusion copies a step into each of its consumers (a file
was read once for every output of its reader) and turns partitions into one-shot
iterators. The rest is Beam's runner.

`fiu run --runner dask` picks this runner; `--dask-address HOST:PORT` joins a running
dask.distributed scheduler, and without it the runner starts a local cluster.
"""
from __future__ import annotations

import itertools
import logging
import os
import typing as t

# Dask's scheduler, nanny and worker lines (INFO by default) stay out of the console: the
# cluster's processes inherit this, and the launcher's own lines go to OUT/run.log.
os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")

import dask.bag as db
from apache_beam import pvalue
from apache_beam.runners.common import DoFnContext, DoFnSignature, _OutputHandler
from apache_beam.runners.dask import dask_runner
from apache_beam.runners.dask import transform_evaluator as ops
from apache_beam.transforms import DoFn
from apache_beam.transforms.sideinputs import SideInputMap

NAME = f"{__name__}.DaskRunner"


class DaskRunner(dask_runner.DaskRunner):
    """Beam's DaskRunner whose ParDos receive side inputs as values the cluster computed."""

    @staticmethod
    def to_dask_bag_visitor(bag_kwargs=None):
        return _Visitor(bag_kwargs or {})

    def run_pipeline(self, pipeline, options):
        import dask.distributed as ddist

        _into_run_log("distributed")

        dask_options = options.view_as(dask_runner.DaskOptions).get_all_options(
            drop_default=True, current_only=True
        )
        bag_kwargs = dask_runner.DaskOptions._extract_bag_kwargs(dask_options)
        client = ddist.Client(**dask_options)
        pipeline.replace_all(dask_runner.dask_overrides())
        visitor = self.to_dask_bag_visitor(bag_kwargs)
        pipeline.visit(visitor)
        futures = client.compute(visitor.sinks(), optimize_graph=False)
        return _ClosingResult(dask_runner.DaskRunnerResult(client, futures))


def _into_run_log(name: str) -> None:
    """A library logger that prints to the console itself, handed to the root logger
    (which fiu's CLI points at OUT/run.log)."""
    logger = logging.getLogger(name)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    logger.propagate = True


class _Visitor(dask_runner.PipelineVisitor):
    """Translates each transform to a bag as Beam's visitor does; side inputs to Delayed values."""

    def __init__(self, bag_kwargs: dict) -> None:
        self.bag_kwargs = bag_kwargs
        self.bags: dict = {}
        self.consumed: set = set()

    def sinks(self) -> list[db.Bag]:
        """The bags of the steps no other step reads: computing them runs the whole job."""
        return [bag for node, bag in self.bags.items() if node not in self.consumed]

    def visit_transform(self, node) -> None:
        op_class = ops.TRANSLATIONS.get(node.transform.__class__, ops.NoOp)
        if op_class is ops.ParDo and node.side_inputs:
            op_class = _ParDoWithSides
        op = op_class(node, bag_kwargs=self.bag_kwargs)
        inputs = [
            self.bags[value.producer]
            for value in node.inputs
            if not isinstance(value, pvalue.PBegin) and value.producer in self.bags
        ]
        if len(inputs) == 1 and not isinstance(op, ops.Flatten):
            input_bag: t.Any = inputs[0]
        else:
            input_bag = inputs or None
        sides = [_as_delayed(self.bags[view.pvalue.producer], view) for view in node.side_inputs]
        self.consumed.update(
            value.producer for value in node.inputs if not isinstance(value, pvalue.PBegin)
        )
        self.consumed.update(view.pvalue.producer for view in node.side_inputs)
        self.bags[node] = op.apply(input_bag=input_bag, side_inputs=sides or None)


def _as_delayed(bag: db.Bag, view) -> tuple:
    """(a dask Delayed holding the bag's elements, what rebuilds Beam's view of them).

    Delayed, not the reduction's Item: an Item given to `map_partitions` has its graph
    fused, which copies the steps that feed it (they would then run twice)."""
    elements = bag.reduction(list, _concatenated).to_delayed(optimize_graph=False)
    return elements, (type(view), view._view_options(), view._window_mapping_fn)


def _concatenated(parts) -> list:
    return list(itertools.chain.from_iterable(parts))


class _ParDoWithSides(ops.ParDo):
    """Beam's ParDo op, its side inputs passed to `map_partitions` as dask Delayed values."""

    def apply(self, input_bag, side_inputs=None):
        transform = self.transform
        args, kwargs = transform.raw_side_inputs
        main_input = next(iter(self.applied.main_inputs.values()))
        window_fn = main_input.windowing.windowfn if hasattr(main_input, "windowing") else None
        receivers = ops.OneReceiver()
        invoker_args = [
            DoFnSignature(transform.fn),
            _OutputHandler(
                window_fn=window_fn,
                main_receivers=receivers[None],
                tagged_receivers=receivers,
                per_element_output_counter=None,
                output_batch_converter=None,
                process_yields_batches=False,
                process_batch_yields_elements=False,
            ),
        ]
        invoker_kwargs = dict(
            context=DoFnContext(transform.label, state=None),
            input_args=list(args),
            input_kwargs=kwargs,
            user_state_context=None,
            bundle_finalizer_param=DoFn.BundleFinalizerParam(),
        )
        values = [value for value, _ in side_inputs]
        views = [view for _, view in side_inputs]
        return input_bag.map(ops.get_windowed_value, window_fn).map_partitions(
            _apply_with_sides, invoker_args, invoker_kwargs, receivers, views, *values
        )


def _apply_with_sides(partition, invoker_args, invoker_kwargs, receivers, views, *values):
    """Beam's bundle function, given side inputs built from the computed values."""
    side_inputs = [
        SideInputMap(view_type, options, [ops.get_windowed_value(v, window_fn) for v in elements])
        for (view_type, options, window_fn), elements in zip(views, values)
    ]
    return ops.apply_dofn_to_bundle(
        partition, invoker_args, {**invoker_kwargs, "side_inputs": side_inputs}, receivers
    )


class _ClosingResult:
    """The runner's result; waiting for it also closes the client (and a local cluster)."""

    def __init__(self, result) -> None:
        self._result = result

    def wait_until_finish(self, duration=None):
        try:
            return self._result.wait_until_finish(duration)
        finally:
            self._result.client.close()

    def __getattr__(self, name):
        return getattr(self._result, name)
