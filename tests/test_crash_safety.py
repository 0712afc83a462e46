"""A run killed mid-way leaves no partial output; the next run completes the same."""
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest


def _run(world: Path, out: Path, watch: bool = False) -> subprocess.Popen:
    """`fiu run` in a child process; with `watch`, its progress lines can be read."""
    return subprocess.Popen(
        [sys.executable, "-m", "fiu.cli", "run", str(world), "--out", str(out)],
        stderr=subprocess.PIPE if watch else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, text=True,
    )


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("stage", ["ValidateRows", "AssemblePackages"])
def test_killed_run_leaves_nothing_partial_and_rerun_completes_the_same(e2e_world, tmp_path, stage):
    """On the world of `e2e_world`, whose run (never killed) is the one to equal."""
    world, clean = e2e_world[0] / "world", e2e_world[0] / "out"
    out = tmp_path / f"out-killed-{stage}"
    process = _run(world, out, watch=True)
    for line in process.stderr:
        if stage in line:
            os.kill(process.pid, signal.SIGKILL)
            break
    process.wait()
    assert process.returncode == -signal.SIGKILL
    assert not (out / "manifest.json").exists()
    assert not (out / "packages").exists() and not (out / "cases.jsonl").exists()

    assert _run(world, out).wait() == 0
    produced, expected = _files(out / "packages"), _files(clean / "packages")
    assert produced and produced == expected
    assert (out / "cases.jsonl").read_bytes() == (clean / "cases.jsonl").read_bytes()
    assert not (out / ".partial").exists()
