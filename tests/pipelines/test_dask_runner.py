"""The same pipeline on a dask.distributed cluster (Beam's Dask runner) gives the same
outputs as on the default direct runner."""
import json

import pytest
from apache_beam.options.pipeline_options import StandardOptions

from fiu.config import RunConfig
from fiu.errors import UsageError
from fiu.pipelines.run import pipeline_options, run

pytest.importorskip("distributed")
from apache_beam.runners.dask.dask_runner import DaskOptions  # noqa: E402 (needs dask)

# Written the same by any runner; manifest.json, run.log and the Data Docs pages (which carry
# the wall clock and random element ids) are compared field by field below.
RUN_DEPENDENT = ("manifest.json", "validation/", "run.log")


def _outputs(out):
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not str(p.relative_to(out)).startswith(RUN_DEPENDENT)
    }


@pytest.fixture(scope="module")
def dask_run(e2e_world):
    folder, _, direct, _ = e2e_world
    out = folder / "out-dask"
    # No --dask-address: the runner starts a local cluster and closes it when done.
    manifest = run(RunConfig(input_dir=str(folder / "world"), out_dir=str(out), runner="dask"))
    return folder / "out", direct, out, manifest


def test_dask_outputs_equal_direct_runner_outputs(dask_run):
    direct_out, _, dask_out, _ = dask_run
    direct, on_dask = _outputs(direct_out), _outputs(dask_out)
    assert sorted(on_dask) == sorted(direct)
    assert any(name.startswith("packages/") for name in direct)
    different = [name for name in direct if direct[name] != on_dask[name]]
    assert different == []


def test_dask_manifest_equals_direct_runner_manifest_but_for_the_run_itself(dask_run):
    _, direct, _, on_dask = dask_run
    assert on_dask["config"]["runner"] == "dask"
    for section in ("run_id", "inputs", "counts", "versions", "resolution", "detection", "packages",
                    "generated_at", "skipped_files"):
        assert json.dumps(on_dask[section], sort_keys=True) == json.dumps(direct[section], sort_keys=True), section
    for section in ("failures", "quarantine", "warnings"):
        assert on_dask["validation"][section] == direct["validation"][section], section
    # Beam's Dask runner keeps no metrics: only the total time is recorded.
    assert set(on_dask["stages"]) == {"total"}


def test_dask_address_joins_a_running_scheduler():
    options = pipeline_options(RunConfig(input_dir=".", out_dir="o", runner="dask",
                                         dask_address="tcp://10.0.0.5:8786"), [])
    assert options.view_as(DaskOptions).address == "tcp://10.0.0.5:8786"
    assert options.view_as(StandardOptions).runner == "fiu.pipelines.dask.DaskRunner"


def test_dask_address_without_the_dask_runner_is_a_usage_error():
    with pytest.raises(UsageError, match="--runner dask"):
        RunConfig(input_dir=".", out_dir="o", dask_address="tcp://10.0.0.5:8786")
