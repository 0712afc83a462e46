"""One run's configuration, fixed before the pipeline is built."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from fiu.errors import UsageError
from fiu.io.limits import DEFAULT_MAX_FIELD_CHARS, DEFAULT_MAX_ROWS_PER_FILE, Limits


@dataclass(frozen=True)
class RunConfig:
    """Where to read and write, who receives packages, the scoring threshold, and the
    limits on what one input file may hold."""

    input_dir: str
    out_dir: str
    partners_path: str | None = None
    # Mapping profiles of partners' own export shapes (default: INPUT_DIR/partners/).
    profiles_path: str | None = None
    model_path: str | None = None
    threshold: float = 0.5
    # Beam's direct runner that passes elements (record batches) between steps as they
    # are; `DirectRunner` (the portable runner) encodes each one at every step boundary:
    # 67 s against 58 s, and 3.2 GB against 1.8 GB, at 1M transactions (benchmarks.md).
    runner: str = "BundleBasedDirectRunner"
    dask_address: str | None = None
    skip_bad_files: bool = False
    max_field_chars: int = DEFAULT_MAX_FIELD_CHARS
    max_rows_per_file: int = DEFAULT_MAX_ROWS_PER_FILE
    # Analysts' same/different pairs (`fiu.resolve.judgements`).
    judgements_path: str | None = None
    # A weekly state folder (`fiu.state`): records, frozen model and ids kept run to run.
    state_dir: str | None = None

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise UsageError(f"`--threshold` must be in (0, 1]; got {self.threshold}")
        self.limits()  # a UsageError (exit 2) for a limit below 1
        if self.dask_address and self.runner != "dask":
            raise UsageError("`--dask-address` goes with `--runner dask`")

    def limits(self) -> Limits:
        return Limits(max_field_chars=self.max_field_chars, max_rows_per_file=self.max_rows_per_file)

    def partners_file(self) -> Path:
        """`--partners`, else `partners.yaml` in the input folder."""
        path = Path(self.partners_path) if self.partners_path else Path(self.input_dir) / "partners.yaml"
        if not path.is_file():
            raise UsageError(f"no partners file: {path} (give one with --partners)")
        return path

    def profiles(self) -> list:
        """The mapping profiles of `--profiles`, else of INPUT_DIR/partners/ (or none)."""
        from fiu.io.inputs import default_profiles
        from fiu.io.profiles import load_profiles

        if self.profiles_path:
            return load_profiles(self.profiles_path)
        return default_profiles(self.input_dir)

    def as_record(self) -> dict:
        return asdict(self)


def run_material(config: RunConfig, versions: dict, state: str | None = None) -> dict:
    """Everything but the records that a run id rests on: configuration, code and,
    for a weekly run, the state version it builds on."""
    return {
        **({"state": state} if state is not None else {}),
        "threshold": config.threshold,
        # Limits decide which rows are quarantined; the defaults leave ids as they were.
        **({"limits": [config.max_field_chars, config.max_rows_per_file]}
           if config.limits() != Limits() else {}),
        "model": config.model_path and Path(config.model_path).name,
        **({"judgements": hashlib.sha256(Path(config.judgements_path).read_bytes()).hexdigest()}
           if config.judgements_path and Path(config.judgements_path).is_file() else {}),
        "versions": versions,
        **_own_folders(),
    }


def run_id(material: dict, records: list[str]) -> str:
    """Same records, configuration and code → same run id.

    `records` holds one digest per input file of the records read from it
    (`fiu.io.readers.records_digest`), not of its bytes: the same rows sent in a
    partner's own export shape, through its profile, or in the contract's shape give
    the same run, and so byte-identical packages."""
    material = {**material, "inputs": sorted(records)}
    return "run-" + hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()[:16]


def _own_folders() -> dict:
    """A data engineer's own rules and suites change what a run finds (see manifest)."""
    from fiu.manifest import _user_folders

    return _user_folders()


def fixed_time() -> str | None:
    """SOURCE_DATE_EPOCH, the reproducible-builds convention, when set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc).isoformat().replace("+00:00", "Z")
