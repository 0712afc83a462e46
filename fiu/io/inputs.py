"""Which files of an input folder hold which kind (CONTRACT §1)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from fiu.contract import KINDS
from fiu.errors import InputError
from fiu.io.profiles import FileProfile, load_profiles, profile_for

FORMATS = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}
# A partner's mapping profiles, by default: INPUT_DIR/partners/<partner_id>.yaml.
PROFILES_DIR = "partners"
# Files that sit in an input folder but are not records.
NOT_RECORDS = {"partners.yaml", "partners.yml", "README.md", "README.txt"}
# Refs a partner takes back (`withdrawals*.csv`), read by weekly runs (`fiu.state`).
WITHDRAWALS = "withdrawals"


@dataclass(frozen=True)
class InputFile:
    """One input file: its kind, path, format and content hash."""

    kind: str
    path: str
    format: str
    sha256: str
    # How the partner's own export maps onto the contract; None for contract-shaped files.
    profile: FileProfile | None = field(default=None, compare=False)

    @property
    def name(self) -> str:
        return Path(self.path).name


def kind_of(name: str) -> str | None:
    """The kind a file name starts with; the longest kind wins."""
    for kind in sorted(KINDS, key=len, reverse=True):
        if name.startswith(kind):
            return kind
    return None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def default_profiles(input_dir: str | Path) -> list[FileProfile]:
    """The profiles in INPUT_DIR/partners/, or none."""
    folder = Path(input_dir) / PROFILES_DIR
    return load_profiles(folder) if folder.is_dir() else []


def list_inputs(
    input_dir: str | Path, profiles: list[FileProfile] | None = None
) -> list[InputFile]:
    """Every record file of the folder, sorted by name.

    A file a mapping profile matches (`profiles`, default INPUT_DIR/partners/) takes its
    kind and format from that profile. Any other file whose name starts with no kind, or
    whose format is not CSV, Parquet or JSON Lines, is an error: a partner's file
    silently left out would be data lost.
    """
    folder = Path(input_dir)
    if not folder.is_dir():
        raise InputError(str(folder), "input folder does not exist")
    if profiles is None:
        profiles = default_profiles(folder)
    found: list[InputFile] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name in NOT_RECORDS or path.is_dir() \
                or path.name.startswith(WITHDRAWALS):
            continue
        profile = profile_for(path.name, profiles)
        if profile is not None:
            found.append(InputFile(profile.kind, str(path.resolve()), profile.format,
                                   sha256_of(path), profile))
            continue
        kind = kind_of(path.name)
        if kind is None:
            raise InputError(
                path.name,
                f"unknown kind: a file name must start with one of {', '.join(KINDS)}",
            )
        fmt = FORMATS.get(path.suffix.lower())
        if fmt is None:
            hint = " (a bank statement needs a mapping profile, see docs/profiles.md)" \
                if path.suffix.lower() == ".xml" else ""
            raise InputError(
                path.name, f"unknown format: expected .csv, .parquet or .jsonl{hint}"
            )
        found.append(InputFile(kind, str(path.resolve()), fmt, sha256_of(path)))
    if not found:
        raise InputError(str(folder), "no input files")
    return found
