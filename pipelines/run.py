"""The whole pipeline: `build` composes it as the picture in docs/architecture.md; `run`
executes it on the chosen Beam runner and writes the manifest."""
from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

import apache_beam as beam
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.options.pipeline_options import PipelineOptions

from fiu.config import RunConfig, fixed_time, run_id, run_material
from fiu.console import LOG_FILE, write_library_notices_to
from fiu.contract import KINDS, OSINT, TRANSACTIONS
from fiu.detect.model import CaseModel
from fiu.errors import FiuError, InputError, UsageError
from fiu.ids import run_key
from fiu.io.inputs import InputFile, list_inputs
from fiu.io.lock import LOCK_FILE, out_dir_lock
from fiu.io.readers import check_header
from fiu.io.writers import write_json, write_jsonl
from fiu.manifest import build_manifest, kind_counts, summary_table, versions
from fiu.packages.assemble import RunStamp, latest_observation
from fiu.packages.partners import Partner, load_partners
from fiu.resolve.judgements import load_judgements
from fiu.resolve.kept_levels import KEPT_LEVELS
from fiu.resolve.settings import DEFAULT_SETTINGS
from fiu.state.store import CASES, ENTITIES, clear_leftovers, state_key
from fiu.state.weekly import WeeklyRun, build_version, run_events, withdrawal_files
from fiu.state.weekly import prepare as prepare_weekly
from fiu.state.weekly import publish as publish_state
from fiu.validate.report import validation_section
from fiu.validate.suites import load_suites

from .detect import DetectCases
from .normalise import Normalise
from .outputs import (
    WORK, WriteCases, WriteEntities, WriteEntityEdges, WriteQuarantine, WriteRecord,
)
from .package import AssemblePackages, EnrichCases, RouteCases, unsent
from .read import BAD_FILES, COUNTS, DIGESTS, QUARANTINED, ReadInputs
from .resolve import ResolveEntities
from .state import STATE_WORK, MergeStore, StableCaseIds, StableEntityIds, WriteStore, new_refs
from .stages import NAMESPACE, progress
from .tagged import MAIN, SplitTags
from .validate import UNKNOWN_ACCOUNTS, ValidateRows

# The job writes into STAGING; only a job that finished has its outputs moved into
# place, and the manifest, written last, marks the out folder complete. A killed run
# leaves at most STAGING, which the next run clears.
STAGING = ".partial"
PUBLISHED = (
    "quarantine", "entities.parquet", "entity_edges.parquet", "cases.jsonl", "packages",
    "validation", "changes.jsonl",
)
AUDIT_LOG = "audit.jsonl"
# What a previous run leaves in an out folder; cleared before a rerun writes anew.
OUTPUTS = ("manifest.json", *PUBLISHED, STAGING, LOG_FILE)


def build(
    p: beam.Pipeline,
    cfg: RunConfig,
    files: list[InputFile],
    partners: list[Partner],
    suites: dict[str, dict],
    material: dict,
    weekly: WeeklyRun | None = None,
) -> None:
    out = cfg.out_dir
    read = p | "ReadInputs" >> ReadInputs(files, cfg.skip_bad_files, cfg.limits())
    checked = read[MAIN] | "ValidateRows" >> ValidateRows(suites)
    quarantined = (read[QUARANTINED], checked[QUARANTINED]) | "AllQuarantined" >> beam.Flatten()
    source_columns = {f.name: f.profile.source_columns() for f in files if f.profile}
    findings = quarantined | "WriteQuarantine" >> WriteQuarantine(out, source_columns)
    records = checked["accepted"] | "Normalise" >> Normalise()
    if weekly is not None:
        this_run = records
        records = this_run | "MergeStore" >> MergeStore(weekly.stored, weekly.withdrawn)
        records | "WriteStore" >> WriteStore(out)
        new_refs(this_run) | "Record_new_refs" >> WriteRecord(out, "new_refs")
    tables = _by_kind(records)
    if weekly is not None:
        id_key, judgements = weekly.key, weekly.judgements
    else:
        id_key = run_key(f.sha256 for f in files)
        judgements = load_judgements(cfg.judgements_path) if cfg.judgements_path else None
    matching = replace(DEFAULT_SETTINGS, id_key=id_key)
    levels = None
    if weekly is not None:  # the pairs' levels the last run kept, and where this run's go
        kept = weekly.state.path(KEPT_LEVELS)
        levels = (kept and str(kept), str(Path(out) / STATE_WORK / KEPT_LEVELS))
    resolved = records | "ResolveEntities" >> ResolveEntities(
        matching, judgements, frozen=weekly and weekly.model, freeze=weekly is not None,
        levels=levels,
    )
    entities = resolved["entities"]
    if weekly is not None:
        entities = entities | "StableEntityIds" >> StableEntityIds(
            partial(weekly.state.registry, ENTITIES), id_key, weekly.run, out)
    model = CaseModel.load(cfg.model_path) if cfg.model_path else None
    detected = {**tables, "entities": entities} | "DetectCases" >> DetectCases(
        model=model, threshold=cfg.threshold, id_key=id_key
    )
    found = detected["cases"]
    if weekly is not None:
        found = found | "StableCaseIds" >> StableCaseIds(
            partial(weekly.state.registry, CASES), id_key, weekly.run, out)
    cases = (
        {**tables, "cases": found} | "EnrichCases" >> EnrichCases()
        | "RouteCases" >> RouteCases(partners)
    )
    stamp = _run_stamp(tables, read[DIGESTS], material, weekly.run if weekly else 0)
    assemble = AssemblePackages(partners, out, cfg.threshold,
                                weekly.state.reported if weekly else None)
    packages = (cases, stamp) | "AssemblePackages" >> assemble
    if weekly is not None:
        assemble.reports | "Record_reports" >> WriteRecord(out, "reports")
    counts = _counts(p, read[COUNTS], checked[COUNTS], quarantined)
    stamp_fields = stamp | "StampFields" >> beam.Map(lambda s: [s.run_id, s.generated_at])
    entities | "WriteEntities" >> WriteEntities(out)
    resolved["edges"] | "WriteEntityEdges" >> WriteEntityEdges(out, matching)
    cases | "WriteCases" >> WriteCases(out)
    for name, collection in (
        ("bad_files", read[BAD_FILES]),
        ("findings", findings),
        (UNKNOWN_ACCOUNTS, checked[UNKNOWN_ACCOUNTS]),
        ("packages", packages),
        ("unsent", unsent(cases)),
        ("resolution", resolved["stats"]),
        ("detection", detected["stats"]),
        ("stamp", stamp_fields),
        ("counts", counts),
    ):
        collection | f"Record_{name}" >> WriteRecord(out, name)


def _by_kind(records):
    """{kind: PCollection of that kind's batches}."""
    return records | "ByKind" >> SplitTags(*KINDS)


def _run_stamp(tables, digests, material: dict, number: int = 0):
    """Packages carry the run id (from the records read, see `fiu.config.run_id`) and
    the time of the newest record they rest on (or SOURCE_DATE_EPOCH), not the wall
    clock, so the same input gives byte-identical packages."""
    latest = (
        (
            tables[TRANSACTIONS] | "LatestTxn" >> beam.Map(lambda b: latest_observation(TRANSACTIONS, b)),
            tables[OSINT] | "LatestOsint" >> beam.Map(lambda b: latest_observation(OSINT, b)),
        )
        | "AllLatest" >> beam.Flatten()
        | "Newest" >> beam.CombineGlobally(lambda times: max((t for t in times if t), default=""))
    )
    run = (digests | "AllDigests" >> beam.combiners.ToList()
           | "RunId" >> beam.Map(lambda found: run_id(material, found)))
    fixed = fixed_time()
    return latest | "Stamp" >> beam.Map(
        lambda newest, run: RunStamp(run, fixed or newest or "1970-01-01T00:00:00Z", number),
        run=beam.pvalue.AsSingleton(run),
    )


def _counts(p, read_counts, accepted_counts, quarantined):
    zeros = p | "ZeroCounts" >> beam.Create(
        [((stage, kind), 0) for stage in ("read", "accepted", "quarantined") for kind in KINDS]
    )
    quarantined_counts = quarantined | "CountQuarantined" >> beam.MapTuple(
        lambda kind, lines: (("quarantined", kind), len(lines))
    )
    return (
        (zeros, read_counts, accepted_counts, quarantined_counts)
        | "AllCounts" >> beam.Flatten()
        | "SumCounts" >> beam.CombinePerKey(sum)
    )


def pipeline_options(cfg: RunConfig, beam_args: list[str] | None) -> PipelineOptions:
    """Beam's options: the runner by name (`dask` is Beam's Dask runner as fixed in
    `pipelines.dask`), and any Beam flags given after fiu's own."""
    args = list(beam_args or [])
    if cfg.runner == "dask":
        from .dask import NAME

        if cfg.dask_address:
            args.append(f"--dask_client_address={cfg.dask_address}")
        return PipelineOptions(args, runner=NAME)
    return PipelineOptions(args, runner=cfg.runner)


def prepare_out_dir(out_dir: Path) -> None:
    """Refuse a folder that holds anything but a previous run, or released packages (a
    rerun would delete what was signed and sent); clear a previous run."""
    if (out_dir / AUDIT_LOG).exists():
        raise UsageError(
            f"--out {out_dir} holds released packages ({AUDIT_LOG}); run into a new folder"
        )
    if out_dir.exists():
        foreign = [p.name for p in out_dir.iterdir() if p.name not in (*OUTPUTS, LOCK_FILE)]
        if foreign:
            raise UsageError(
                f"--out {out_dir} holds files that are not fiu outputs ({', '.join(sorted(foreign)[:3])}); "
                "choose an empty or new folder"
            )
        for name in OUTPUTS:
            target = out_dir / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    out_dir.mkdir(parents=True, exist_ok=True)


def publish(staging: Path, out: Path) -> None:
    """Move a finished job's outputs from the staging folder into the out folder, once
    everything written is on disk."""
    os.sync()
    for name in PUBLISHED:
        source = staging / name
        if source.exists():
            os.replace(source, out / name)


def stage_timings(result) -> dict[str, float]:
    """Busy seconds per stage from the runner's metrics (empty where it keeps none)."""
    try:
        counters = result.metrics().query(MetricsFilter().with_namespace(NAMESPACE))["counters"]
    except (NotImplementedError, AttributeError, KeyError):
        return {}
    totals: dict[str, float] = defaultdict(float)
    for counter in counters:
        value = counter.committed if counter.committed is not None else counter.attempted
        totals[counter.key.metric.name] += (value or 0) / 1000.0
    return dict(totals)


def run(cfg: RunConfig, beam_args: list[str] | None = None) -> dict:
    """Run the pipeline, alone in its out folder (and state folder); returns the
    manifest it wrote."""
    key = state_key() if cfg.state_dir else None  # before any folder is touched
    with out_dir_lock(Path(cfg.out_dir).resolve()):
        if not cfg.state_dir:
            return _run(cfg, beam_args)
        with out_dir_lock(Path(cfg.state_dir).resolve(), "--state"):
            return _run(cfg, beam_args, key)


def _run(cfg: RunConfig, beam_args: list[str] | None, key: str | None = None) -> dict:
    started = _now()
    clock = time.perf_counter()
    # Absolute folders: workers may run elsewhere, and the report writer needs them.
    cfg = replace(cfg, input_dir=str(Path(cfg.input_dir).resolve()),
                  out_dir=str(Path(cfg.out_dir).resolve()))
    files, skipped = _readable(list_inputs(cfg.input_dir, cfg.profiles()), cfg.skip_bad_files)
    partners = load_partners(cfg.partners_file())
    suites = load_suites()
    code_versions = versions()
    weekly = None
    if cfg.state_dir:
        state_root = Path(cfg.state_dir).resolve()
        clear_leftovers(state_root)
        weekly = prepare_weekly(state_root, key, cfg.input_dir, cfg.judgements_path,
                                DEFAULT_SETTINGS)
    elif withdrawal_files(cfg.input_dir):
        raise UsageError(f"{withdrawal_files(cfg.input_dir)[0].name}: withdrawals need a "
                         "state folder (--state) holding the records they withdraw")
    material = run_material(cfg, code_versions, weekly and weekly.state.identity())
    out = Path(cfg.out_dir)
    prepare_out_dir(out)
    write_library_notices_to(out)
    staging = out / STAGING
    progress("run", f"{len(files)} files from {cfg.input_dir} on {cfg.runner}")
    options = pipeline_options(cfg, beam_args)
    pipeline = beam.Pipeline(options=options)
    build(pipeline, replace(cfg, out_dir=str(staging)), files, partners, suites, material,
          weekly)
    try:
        result = pipeline.run()
        result.wait_until_finish()
    except Exception as err:  # a worker's FiuError arrives wrapped by the runner
        raise _fiu_error_in(err) or err
    timings = stage_timings(result)
    timings["total"] = time.perf_counter() - clock
    work = staging / WORK
    record = {name: json.loads((work / f"{name}.json").read_text()) for name in
              ("counts", "resolution", "detection", "packages", "unsent", "stamp", "bad_files",
               "findings", UNKNOWN_ACCOUNTS, *(("new_refs", "reports") if weekly else ()))}
    all_counts = {tuple(key): n for key, n in record["counts"]}
    counts = kind_counts(all_counts)
    run = record["stamp"][0][0] if record["stamp"] else run_id(material, [])
    manifest = build_manifest(
        run_id=run,
        started_at=started,
        ended_at=_now(),
        config=cfg.as_record(),
        files=files,
        rows_per_file={name: n for (stage, name), n in all_counts.items() if stage == "file"},
        counts=counts,
        timings=timings,
        suites=suites,
        resolution=(record["resolution"] or [{}])[0],
        detection=(record["detection"] or [{}])[0],
        packages={recipient: n for recipient, n in sorted(record["packages"])},
        generated_at=record["stamp"][0][1] if record["stamp"] else "",
    )
    manifest["cases_without_package"] = {
        "count": len(record["unsent"]),
        "cases": [{"case_id": c, "reason": why} for c, why in sorted(record["unsent"])],
    }
    manifest["skipped_files"] = sorted(skipped + record["bad_files"], key=lambda f: f["file"])
    manifest["validation"] = validation_section(
        staging, suites, counts, record["findings"], record[UNKNOWN_ACCOUNTS], run,
        manifest["generated_at"],
    )
    built = None
    if weekly is not None:
        progress("UpdateState", f"run {weekly.run} of {weekly.state.root}")
        events = run_events(staging / STATE_WORK, weekly.run)
        write_jsonl(staging / "changes.jsonl", events)
        resolution = manifest["resolution"]
        building_started = time.perf_counter()
        built, manifest["state"] = build_version(
            weekly, staging / STATE_WORK, run, record["new_refs"], record["reports"],
            resolution.get("weights", {}), events, manifest["ended_at"],
        )
        manifest["state"]["build_seconds"] = round(time.perf_counter() - building_started, 3)
        if "refit_drift" in resolution:
            manifest["state"]["model"]["refit_drift"] = resolution["refit_drift"]
    publish(staging, out)
    write_json(out / "manifest.json", manifest)
    if built is not None:
        publish_state(weekly, built)
    shutil.rmtree(staging, ignore_errors=True)
    print(summary_table(manifest), file=sys.stderr)
    return manifest


def _readable(files: list[InputFile], skip_bad_files: bool) -> tuple[list[InputFile], list[dict]]:
    """Files whose header is sound; a bad file stops the run (exit 2) unless told to skip
    it, and then it is named in the manifest with its problem."""
    good, skipped = [], []
    for source in files:
        try:
            check_header(source)
            good.append(source)
        except InputError as err:
            if not skip_bad_files:
                raise
            progress("ReadInputs", f"skipping {source.name}: {err.message}")
            skipped.append({"file": source.name, "kind": source.kind, "sha256": source.sha256,
                            "problem": err.message})
    return good, skipped


def _fiu_error_in(err: BaseException) -> FiuError | None:
    """The FiuError behind a runner's wrapped exception, if one caused it."""
    seen = set()
    while err is not None and id(err) not in seen:
        if isinstance(err, FiuError):
            return err
        seen.add(id(err))
        err = err.__cause__ or err.__context__
    return None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
