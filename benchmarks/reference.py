"""Single-process reference of `fiu run`, for benchmarks/scale.py: the library functions
the Beam stages call, one stage after another on whole tables, without Beam.

    python benchmarks/reference.py IN --out OUT    # prints one JSON line of measures

It writes what `fiu run` writes (quarantine/, validation/, entities.parquet, cases.jsonl,
packages/, manifest.json) with the same run id, id key and data stamp, so that scale.py
can hold the pipeline's outputs to these byte for byte. The stages follow the pipeline's
(pipelines/run.py); where Beam splits a stage's work across batches or buckets, this
calls the one-process form of the same functions (`fiu.local`, `resolve`,
`detect_cases`).

Each stage's peak memory is the process's resident high-water mark (VmHWM), reset as
the stage starts through /proc/self/clear_refs: sampling RSS from a thread misses short
peaks, and tracemalloc slows Python several times and sees no Arrow buffers.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fiu.config import RunConfig, fixed_time, run_id, run_material  # noqa: E402
from fiu.contract import ACCOUNTS, KINDS, LABELS, OSINT, TRANSACTIONS, typed_schema  # noqa: E402
from fiu.detect.cases import detect_cases  # noqa: E402
from fiu.detect.model import CaseModel  # noqa: E402
from fiu.ids import run_key  # noqa: E402
from fiu.io.inputs import InputFile, list_inputs  # noqa: E402
from fiu.io.readers import check_header, read_file, records_digest  # noqa: E402
from fiu.io.writers import write_json, write_jsonl, write_parquet  # noqa: E402
from fiu.manifest import build_manifest, kind_counts, versions  # noqa: E402
from fiu.normalize.records import normalise  # noqa: E402
from fiu.packages.assemble import RunStamp, latest_observation, write_case_packages  # noqa: E402
from fiu.packages.partners import Partner, load_partners  # noqa: E402
from fiu.packages.records import (  # noqa: E402
    account_months,
    attach,
    case_refs,
    record_details,
    transaction_accounts,
)
from fiu.resolve import resolve  # noqa: E402
from fiu.resolve.settings import DEFAULT_SETTINGS  # noqa: E402
from fiu.validate.accounts import account_keys, known_keys, merge_unknown, unknown_accounts  # noqa: E402
from fiu.validate.report import findings_of, validation_section  # noqa: E402
from fiu.validate.split import BatchValidator  # noqa: E402
from fiu.validate.suites import load_suites, unique_key  # noqa: E402
from fiu.validate.unique import drop_repeats, key_table, repeated_rows  # noqa: E402

# In the order they run. Beam's stage timers see none of Setup (before the pipeline),
# ValidatorSetup (the GX context, built in `DoFn.setup`), EnrichCases and WriteReports
# (the untimed writers and the validation report after the pipeline).
STAGES = ("Setup", "ReadInputs", "ValidatorSetup", "ValidateRows", "Normalise",
          "ResolveEntities", "DetectCases", "EnrichCases", "AssemblePackages", "WriteReports")


# -- measuring -----------------------------------------------------------------------

def _peak_rss_kib() -> int:
    status = Path("/proc/self/status").read_text()
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) if found else 0


def _reset_peak_rss() -> None:
    """Start a new high-water mark; without the right to do so the peak stays cumulative."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


@dataclass
class StageMeter:
    """Wall seconds and peak resident memory of each stage, in the order they ran."""

    stages: dict[str, dict] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str):
        _reset_peak_rss()
        start = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = {"seconds": round(time.perf_counter() - start, 3),
                                 "peak_mb": round(_peak_rss_kib() / 1024)}

    def peak_mb(self) -> int:
        return max((s["peak_mb"] for s in self.stages.values()), default=0)


# -- the run's fixed parts ----------------------------------------------------------

@dataclass
class RunSetup:
    """What `fiu run` fixes before its pipeline starts."""

    cfg: RunConfig
    files: list[InputFile]
    partners: list[Partner]
    suites: dict[str, dict]
    material: dict  # what the run id rests on besides the records read
    id_key: str
    started_at: str
    run: str = ""  # set once the files are read


def set_up(input_dir: Path, out_dir: Path) -> RunSetup:
    """Inputs (hashed), partners, suites, run id and id key, as `fiu run` derives them."""
    if out_dir.exists() and any(out_dir.iterdir()):
        raise SystemExit(f"--out {out_dir} is not empty")
    out_dir.mkdir(parents=True, exist_ok=True)
    cfg = RunConfig(input_dir=str(input_dir.resolve()), out_dir=str(out_dir.resolve()),
                    runner="reference")
    files = list_inputs(cfg.input_dir)
    for source in files:
        check_header(source)
    return RunSetup(cfg, files, load_partners(cfg.partners_file()), load_suites(),
                    run_material(cfg, versions()), run_key(f.sha256 for f in files), _now())


# -- stages ------------------------------------------------------------------------

@dataclass
class Rows:
    """Batches per kind as they move through validation, with quarantine and counts."""

    batches: dict[str, list[pa.RecordBatch]] = field(default_factory=lambda: {k: [] for k in KINDS})
    quarantine: dict[str, list[dict]] = field(default_factory=lambda: {k: [] for k in KINDS})
    counts: Counter = field(default_factory=Counter)


def read_inputs(setup: RunSetup) -> Rows:
    """Every file's raw batches; rows that are not records go to quarantine."""
    rows = Rows()
    digests = []
    for source in setup.files:
        result = read_file(source, limits=setup.cfg.limits())
        digests.append(records_digest(source.kind, result.batches))
        rows.batches[source.kind] += result.batches
        rows.quarantine[source.kind] += result.broken
        n = sum(b.num_rows for b in result.batches) + len(result.broken)
        rows.counts[("read", source.kind)] += n
        rows.counts[("file", source.name)] = n
    setup.run = run_id(setup.material, digests)
    return rows


def validate_rows(rows: Rows, suites: dict[str, dict], validator: BatchValidator) -> dict:
    """Run-wide de-duplication, then GX on every batch; returns the unknown-accounts
    warning. `rows.batches` then holds accepted, typed batches."""
    for kind in KINDS:
        key = unique_key(suites[kind])
        batches = _without_repeats(kind, rows.batches[kind], key, rows.quarantine[kind])
        accepted = []
        for batch in batches:
            typed, lines = validator.split(kind, batch)
            accepted.append(typed)
            rows.quarantine[kind] += lines
        rows.batches[kind] = accepted
        rows.counts[("accepted", kind)] = sum(b.num_rows for b in accepted)
        rows.counts[("quarantined", kind)] = len(rows.quarantine[kind])
    known = known_keys([account_keys(b) for b in rows.batches[ACCOUNTS]])
    return merge_unknown([unknown_accounts(b, known) for b in rows.batches[TRANSACTIONS]])


def _without_repeats(kind: str, batches: list[pa.RecordBatch], key: tuple[str, ...],
                     quarantine: list[dict]) -> list[pa.RecordBatch]:
    if not batches:
        return []
    repeats = repeated_rows(pa.concat_tables([key_table(b, key) for b in batches]))
    if repeats.num_rows == 0:
        return batches
    kept = []
    for batch in batches:
        batch, lines = drop_repeats(kind, batch, repeats, key)
        quarantine += lines
        kept.append(batch)
    return kept


def normalised_tables(rows: Rows) -> dict[str, pa.Table]:
    """One table per kind, accounts and osint with their `*_norm` columns."""
    return {
        kind: normalise(kind, pa.Table.from_batches(rows.batches[kind], schema=typed_schema(kind)))
        for kind in KINDS
    }


def resolve_stage(tables: dict[str, pa.Table], setup: RunSetup) -> tuple[pa.Table, dict]:
    """Entities and explained pairs, written as the pipeline's ResolveEntities stage
    writes them."""
    settings = replace(DEFAULT_SETTINGS, id_key=setup.id_key)
    result = resolve(tables[ACCOUNTS], tables[OSINT], settings)
    entities = result.entities.select(["ref", "entity_id"]).sort_by("ref")
    write_parquet(Path(setup.cfg.out_dir) / "entities.parquet", entities)
    edges = result.edges.sort_by([("left_ref", "ascending"), ("right_ref", "ascending")])
    write_parquet(Path(setup.cfg.out_dir) / "entity_edges.parquet", edges)
    return entities, result.stats


def detect(tables: dict[str, pa.Table], entities: pa.Table, setup: RunSetup) -> tuple[list[dict], dict]:
    cfg = setup.cfg
    model = CaseModel.load(cfg.model_path) if cfg.model_path else None
    return detect_cases(
        _or_none(tables[TRANSACTIONS]), _or_none(tables[ACCOUNTS]), _or_none(tables[OSINT]),
        _or_none(entities), _or_none(tables[LABELS]),
        model=model, threshold=cfg.threshold, id_key=setup.id_key,
    )


def _or_none(table: pa.Table) -> pa.Table | None:
    """The pipeline hands detection None, not an empty table, for a kind without rows."""
    return table if table.num_rows else None


def enrich(cases: list[dict], tables: dict[str, pa.Table]) -> list[dict]:
    """Each case with its records' details, evidence accounts and monthly totals."""
    wanted = case_refs(cases)
    details = {
        d["ref"]: d for kind in (ACCOUNTS, OSINT) for d in record_details(kind, tables[kind], wanted)
    }
    txn_accounts = transaction_accounts(tables[TRANSACTIONS], wanted)
    months = account_months(tables[TRANSACTIONS], wanted)
    return [attach(case, details, txn_accounts, months) for case in cases]


def run_stamp(tables: dict[str, pa.Table], run: str) -> RunStamp:
    """Newest observation per batch, then the latest string: as the pipeline does it."""
    newest = max(
        (latest_observation(kind, b) for kind in (TRANSACTIONS, OSINT) for b in tables[kind].to_batches()),
        default="",
    )
    return RunStamp(run, fixed_time() or newest or "1970-01-01T00:00:00Z")


def assemble(cases: list[dict], setup: RunSetup, stamp: RunStamp) -> dict[str, int]:
    """Packages of every case at or above the threshold; {recipient: packages}."""
    written: Counter = Counter()
    for case in cases:
        if case["score"] >= setup.cfg.threshold:
            written.update(write_case_packages(case, setup.partners, setup.cfg.out_dir, stamp))
    return dict(sorted(written.items()))


@dataclass
class Results:
    rows: Rows
    unknown: dict
    resolution: dict
    detection: dict
    cases: list[dict]
    packages: dict[str, int]
    stamp: RunStamp


def write_reports(setup: RunSetup, results: Results, timings: dict[str, float]) -> dict:
    """Quarantine files, cases.jsonl, the validation report and the manifest."""
    out = Path(setup.cfg.out_dir)
    findings = {}
    for kind, lines in results.rows.quarantine.items():
        lines.sort(key=lambda line: (line["file"], line["row"]))
        write_jsonl(out / "quarantine" / f"{kind}.jsonl", lines)
        findings[kind] = findings_of(lines)
    write_jsonl(out / "cases.jsonl", sorted(results.cases, key=lambda c: c["case_id"]))
    counts = kind_counts(dict(results.rows.counts))
    manifest = build_manifest(
        run_id=setup.run, started_at=setup.started_at, ended_at=_now(),
        config=setup.cfg.as_record(), files=setup.files,
        rows_per_file={name: n for (stage, name), n in results.rows.counts.items() if stage == "file"},
        counts=counts, timings=timings, suites=setup.suites, resolution=results.resolution,
        detection=results.detection, packages=results.packages,
        generated_at=results.stamp.generated_at,
    )
    manifest["skipped_files"] = []
    manifest["validation"] = validation_section(
        out, setup.suites, counts, [findings], [results.unknown], setup.run, results.stamp.generated_at
    )
    write_json(out / "manifest.json", manifest)
    return manifest


def run_reference(input_dir: Path, out_dir: Path) -> dict:
    """Every stage in turn; the measures of each and what the run produced."""
    meter = StageMeter()
    clock = time.perf_counter()
    with meter.stage("Setup"):
        setup = set_up(input_dir, out_dir)
    with meter.stage("ReadInputs"):
        rows = read_inputs(setup)
    with meter.stage("ValidatorSetup"):
        validator = BatchValidator(setup.suites)
    with meter.stage("ValidateRows"):
        unknown = validate_rows(rows, setup.suites, validator)
    with meter.stage("Normalise"):
        tables = normalised_tables(rows)
    with meter.stage("ResolveEntities"):
        entities, resolution = resolve_stage(tables, setup)
    with meter.stage("DetectCases"):
        cases, detection = detect(tables, entities, setup)
    with meter.stage("EnrichCases"):
        cases = enrich(cases, tables)
    with meter.stage("AssemblePackages"):
        stamp = run_stamp(tables, setup.run)
        packages = assemble(cases, setup, stamp)
    results = Results(rows, unknown, resolution, detection, cases, packages, stamp)
    with meter.stage("WriteReports"):
        timings = {name: s["seconds"] for name, s in meter.stages.items()}
        write_reports(setup, results, {**timings, "total": time.perf_counter() - clock})
    return {
        "stages": meter.stages,
        "seconds": round(time.perf_counter() - clock, 3),
        "peak_mb": meter.peak_mb(),
        "entities": len(set(entities.column("entity_id").to_pylist())),
        "cases": len(cases),
        "packages": packages,
    }


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input_dir", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="a new or empty folder")
    args = parser.parse_args(argv)
    print(json.dumps(run_reference(args.input_dir, args.out)), flush=True)


if __name__ == "__main__":
    main()
