"""The run record (`manifest.json`) and the summary table printed at the end of a run."""
from __future__ import annotations

import getpass
import hashlib
import platform
import socket
from importlib import metadata
from importlib.resources import files as package_files
from pathlib import Path

from fiu.contract import KINDS
from fiu.errors import FiuError
from fiu.io.inputs import InputFile
from fiu.validate.suites import suite_version

LIBRARIES = (
    "fiu",
    "apache-beam",
    "great-expectations",
    "rapidfuzz",
    "scikit-learn",
    "pyarrow",
    "pandas",
    "phonenumbers",
)
STAGES = (
    "ReadInputs",
    "ValidateRows",
    "Normalise",
    "ResolveEntities",
    "DetectCases",
    "AssemblePackages",
    # Weekly runs (`--state`) only.
    "StableIds",
    "WriteStore",
)


def versions() -> dict[str, str]:
    found = {}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


# The installed fiu code: the library and the subpackages setup.py maps into it.
CODE_PACKAGES = ("fiu", "fiu.pipelines", "fiu.rules", "fiu.expectations")
CODE_SUFFIXES = (".py", ".yaml", ".json")


def code_files() -> list[tuple[str, object]]:
    """(path as `fiu/…`, file) for every .py/.yaml/.json file of the installed fiu
    package and its pipelines/rules/expectations subpackages, in sorted path order.
    The subpackages live outside `fiu/` in a checkout, so each is walked on its own
    and named by its package path."""
    found: dict[str, object] = {}
    for package in CODE_PACKAGES:
        root = package_files(package)
        prefix = package.replace(".", "/")
        for item, parts in _walk_code(root, ()):
            found.setdefault("/".join((prefix, *parts)), item)
    return sorted(found.items())


def _walk_code(folder, parts: tuple[str, ...]):
    for item in folder.iterdir():
        if item.is_dir():
            if item.name != "__pycache__" and not item.name.startswith("."):
                yield from _walk_code(item, (*parts, item.name))
        elif item.name.endswith(CODE_SUFFIXES):
            yield item, (*parts, item.name)


def code_sha256() -> str:
    """sha256 over the installed fiu code: for each file of `code_files()` in order,
    its path, a NUL, its length, a NUL and its bytes, so that no two different trees
    give the same stream."""
    digest = hashlib.sha256()
    for name, item in code_files():
        data = item.read_bytes()
        digest.update(name.encode() + b"\0" + str(len(data)).encode() + b"\0")
        digest.update(data)
    return digest.hexdigest()


def rules_version() -> str:
    """A content hash over every rule file, in path order."""
    digest = hashlib.sha256()
    root = package_files("fiu.rules")
    for path in sorted(_walk(root), key=str):
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _user_folders() -> dict:
    """The data engineer's own rule and suite folders a run used, each with its hash."""
    from fiu.detect.rules import rule_folders
    from fiu.validate.suites import suites_folder

    folders, only = rule_folders()
    found: dict = {}
    if folders:
        found["rule_folders"] = [{"folder": str(Path(f).resolve()), "version": _tree_hash(Path(f))}
                                 for f in folders]
        found["shipped_rules"] = not only
    folder = suites_folder()
    if folder is not None:
        found["suites_folder"] = {"folder": str(folder.resolve()), "version": _tree_hash(folder)}
    return found


def _tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(_walk(folder), key=lambda p: str(p.relative_to(folder))):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _walk(folder):
    for item in folder.iterdir():
        if item.is_dir():
            yield from _walk(item)
        elif item.name.endswith((".yaml", ".yml", ".json")):
            yield item


def kind_counts(counts: dict[tuple[str, str], int]) -> dict[str, dict[str, int]]:
    """{kind: {read, accepted, quarantined}}, checking `read == accepted + quarantined`."""
    table = {
        kind: {
            "read": counts.get(("read", kind), 0),
            "accepted": counts.get(("accepted", kind), 0),
            "quarantined": counts.get(("quarantined", kind), 0),
        }
        for kind in KINDS
    }
    broken = [
        f"{kind}: read {c['read']} != accepted {c['accepted']} + quarantined {c['quarantined']}"
        for kind, c in table.items()
        if c["read"] != c["accepted"] + c["quarantined"]
    ]
    if broken:
        raise FiuError("rows were lost: " + "; ".join(broken))
    return table


def profile_sha256(profile) -> str:
    """The digest of the profile file a partner's file was read through."""
    return hashlib.sha256(Path(profile.path).read_bytes()).hexdigest()


def build_manifest(
    *,
    run_id: str,
    started_at: str,
    ended_at: str,
    config: dict,
    files: list[InputFile],
    rows_per_file: dict[str, int],
    counts: dict[str, dict[str, int]],
    timings: dict[str, float],
    suites: dict[str, dict],
    resolution: dict,
    detection: dict,
    packages: dict[str, int],
    generated_at: str,
) -> dict:
    return {
        "run_id": run_id,
        "started_at": started_at,
        "ended_at": ended_at,
        "generated_at": generated_at,
        "run_by": {"user": _user(), "host": socket.gethostname(), "python": platform.python_version()},
        "config": config,
        "inputs": [
            {
                "file": f.name,
                "kind": f.kind,
                "format": f.format,
                "sha256": f.sha256,
                "rows": rows_per_file.get(f.name, 0),
                **({"profile": f.profile.key(), "profile_sha256": profile_sha256(f.profile)}
                   if f.profile is not None else {}),
                # A statement is read only once valid against its version's schema.
                **({"message": _camt_version(f.path), "schema_valid": True}
                   if f.format == "camt" else {}),
            }
            for f in files
        ],
        "counts": counts,
        # Busy time per stage where the runner keeps Beam metrics (Beam's Dask runner
        # keeps none: its manifest has the total only).
        "stages": {name: {"busy_seconds": round(timings[name], 3)} for name in STAGES if name in timings}
        | {"total": {"wall_seconds": round(timings.get("total", 0.0), 3)}},
        "versions": {
            "code": versions(),
            "code_sha256": code_sha256(),
            "rules": rules_version(),
            **_user_folders(),
            "expectation_suites": {kind: suite_version(s) for kind, s in sorted(suites.items())},
            "model": detection.get("model", {}).get("version") if isinstance(detection.get("model"), dict) else detection.get("model_version"),
        },
        "validation": {"report": "quarantine/"},
        "resolution": resolution,
        "detection": detection,
        "packages": packages,
    }


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _camt_version(path: str) -> str | None:
    from fiu.io.camt import message_version

    return message_version(Path(path))


def summary_table(manifest: dict) -> str:
    """The table printed at the end of a run."""
    lines = [f"run {manifest['run_id']}", "", f"{'kind':<14}{'read':>10}{'accepted':>10}{'quarantined':>13}"]
    for kind, c in manifest["counts"].items():
        lines.append(f"{kind:<14}{c['read']:>10}{c['accepted']:>10}{c['quarantined']:>13}")
    profiled = [f for f in manifest.get("inputs", []) if f.get("profile")]
    for number, f in enumerate(profiled):
        shape = (f" ({f['message']} statement, valid against its schema)"
                 if f.get("message") else "")
        lines.append(f"{'partner file' if number == 0 else '':<14}{f['file']}{shape}, "
                     f"{f['rows']} rows through {f['profile']}")
    validation = manifest.get("validation") or {}
    unknown = ((validation.get("warnings") or {}).get("unknown_accounts") or {}).get("transactions")
    if unknown is not None:
        lines.append(f"warning       {unknown} transactions on accounts no accounts file describes")
    lines.append(f"report        {validation.get('report', 'quarantine/')}")
    resolution = manifest.get("resolution") or {}
    detection = manifest.get("detection") or {}
    lines += [
        "",
        f"entities      {(resolution.get('clusters') or {}).get('entities', '?')}"
        f" (from {resolution.get('records', '?')} records)",
        f"cases         {detection.get('cases', '?')}"
        f" (threshold {detection.get('threshold', '?')}; {detection.get('model_note') or 'model: ' + str((detection.get('model') or {}).get('version'))})",
        "packages      " + (", ".join(f"{r} {n}" for r, n in sorted(manifest["packages"].items())) or "none"),
        f"no package    {(manifest.get('cases_without_package') or {}).get('count', 0)} case(s)"
        " name no subject any recipient may see (kept in cases.jsonl with the reason)",
        "",
        f"{'stage':<18}{'busy s':>8}",
    ]
    for stage, t in manifest["stages"].items():
        value = t.get("busy_seconds", t.get("wall_seconds"))
        lines.append(f"{stage:<18}{value:>8.2f}")
    return "\n".join(lines)
