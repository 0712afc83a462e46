"""Small generated fixtures: one-line factories for rows and input files."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fiu.contract import column_names


def txn(**overrides) -> dict:
    """A valid transaction row as strings, with any field overridden."""
    row = {
        "txn_id": "T1", "partner_id": "bank-a", "account_id": "A1",
        "timestamp": "2026-03-04T23:15:00-06:00", "amount": "120.00", "currency": "USD",
        "direction": "in", "channel": "card", "counterparty_name": "", "counterparty_account": "",
        "merchant_category_code": "7297", "city": "Austin", "region": "TX", "country": "US", "memo": "",
    }
    row.update(overrides)
    return row


def account(**overrides) -> dict:
    row = {
        "partner_id": "bank-a", "account_id": "A1", "holder_name": "Golden Lotus Spa LLC",
        "holder_type": "business", "date_of_birth": "", "address": "12 Main St", "city": "Austin",
        "region": "TX", "postal_code": "78701", "country": "US", "phone": "(512) 555-0100",
        "email": "", "opened_on": "2025-01-02", "business_category": "massage",
    }
    row.update(overrides)
    return row


def osint(**overrides) -> dict:
    row = {
        "record_id": "R1", "source": "business_registry", "observed_on": "2026-02-01",
        "entity_type": "business", "name": "Golden Lotus Spa", "aliases": "", "date_of_birth": "",
        "address": "12 Main Street", "city": "Austin", "region": "TX", "postal_code": "78701",
        "country": "US", "phone": "512-555-0100", "email": "", "website": "",
        "related_names": "Li Wei;Wei Li", "text": "", "url": "",
    }
    row.update(overrides)
    return row


def write_csv(path: Path, rows: list[dict], header: list[str] | None = None) -> Path:
    header = header or list(rows[0])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(name, "") for name in header])
    return path


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def write_parquet(path: Path, rows: list[dict], kind: str) -> Path:
    names = column_names(kind)
    pq.write_table(pa.table({n: pa.array([r.get(n) or None for r in rows], pa.string()) for n in names}), path)
    return path


@pytest.fixture(scope="session")
def validator():
    from fiu.validate.split import BatchValidator
    from fiu.validate.suites import load_suites

    return BatchValidator(load_suites())


E2E_SEED, E2E_SCALE = 11, 0.3
# The modules that use `e2e_world`: under `make test` (xdist, --dist loadfile) they go to
# one worker as if one file, so the world is generated and run once, not once per worker.
E2E_MODULES = ("tests/test_end_to_end.py", "tests/pipelines/test_dask_runner.py",
               "tests/test_crash_safety.py")


@pytest.fixture(scope="session")
def e2e_world(tmp_path_factory):
    """A small generated world run end to end on the default runner:
    (folder with world/ and out/, truth file, manifest, evaluation)."""
    from fiu.config import RunConfig
    from fiu.evaluate import evaluate
    from fiu.generate import generate_world
    from fiu.pipelines.run import run

    folder = tmp_path_factory.mktemp("e2e")
    truth = generate_world(folder / "world", seed=E2E_SEED, scale=E2E_SCALE, truth_path=folder / "truth.json")
    manifest = run(RunConfig(input_dir=str(folder / "world"), out_dir=str(folder / "out")))
    return folder, Path(truth), manifest, evaluate(folder / "out", truth)


def pytest_xdist_make_scheduler(config, log):
    """--dist loadfile, with the E2E_MODULES as one file."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class Scheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return "e2e_world" if module in E2E_MODULES else module

    return Scheduling(config, log)
