"""Release and integrity of packages: checksums, an Ed25519 signature, an audit log.

A run writes each package as a draft (`"status": "draft"` in package.json). After an
analyst's review, `fiu release CASE_ID --out OUT_DIR` adds to every recipient folder of
the case, without touching the drafted files:

    release.json      who released it, when, and the sha256 of each drafted file
    SHA256SUMS        `sha256sum` format over every file of the folder but the three below
    SHA256SUMS.sig    base64 Ed25519 signature of the SHA256SUMS bytes
    SHA256SUMS.pub    the public key (PEM) that checks it

and appends one JSON line to OUT_DIR/audit.jsonl. `fiu verify` checks every byte of the
folder against SHA256SUMS, the signature against the key beside it or a pinned one.
The private key is read from a file (`--key` or FIU_SIGNING_KEY), never written, logged
or echoed, and refused when others could read it.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from fiu.errors import UsageError
from fiu.io.writers import atomic_write, to_json

SUMS = "SHA256SUMS"
SIGNATURE = "SHA256SUMS.sig"
PUBLIC_KEY = "SHA256SUMS.pub"
RELEASE = "release.json"
AUDIT_LOG = "audit.jsonl"
KEY_ENV = "FIU_SIGNING_KEY"
# What a run may leave in a recipient folder; a release signs nothing else.
DRAFT_FILES = ("brief.html", "entities.ftm.json", "identifiers.csv", "package.json")
_NOT_SUMMED = (SUMS, SIGNATURE, PUBLIC_KEY)
_CASE_ID = re.compile(r"^case-[0-9a-f]{12}$")
_SUM_LINE = re.compile(r"^([0-9a-f]{64})  ([^/\\\n]+)$")


@dataclass(frozen=True)
class Release:
    """One `fiu release`: what the audit log records."""

    case_id: str
    recipients: tuple[str, ...]
    sums_sha256: dict
    released_by: str
    released_at: str
    public_key_sha256: str

    def audit_line(self) -> dict:
        return {
            "action": "release",
            "case_id": self.case_id,
            "recipients": list(self.recipients),
            "sha256_of_SHA256SUMS": dict(self.sums_sha256),
            "released_by": self.released_by,
            "released_at": self.released_at,
            "public_key_sha256": self.public_key_sha256,
        }


def load_signing_key(path: str | os.PathLike | None) -> Ed25519PrivateKey:
    """The Ed25519 private key from `path` or $FIU_SIGNING_KEY; refused when group or
    others may read or write it, or when it lies inside the source tree."""
    chosen = path or os.environ.get(KEY_ENV)
    if not chosen:
        raise UsageError(f"no signing key: give --key PATH or set {KEY_ENV} to a PEM file")
    key_path = Path(chosen)
    try:
        info = key_path.stat()
    except OSError as err:
        raise UsageError(f"signing key {key_path}: cannot read it ({err.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"signing key {key_path}: not a regular file")
    if info.st_mode & 0o077:
        raise UsageError(
            f"signing key {key_path} is open to group or others (mode {stat.S_IMODE(info.st_mode):04o}); "
            f"run `chmod 600 {key_path}`"
        )
    source_tree = Path(__file__).resolve().parents[2]
    if (source_tree / ".git").exists() and source_tree in key_path.resolve().parents:
        raise UsageError(f"signing key {key_path} lies inside the source tree {source_tree}; keep keys outside it")
    try:
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (ValueError, TypeError, OSError):
        # The loader's own message may quote the file; say only what is wrong.
        raise UsageError(f"signing key {key_path}: not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UsageError(f"signing key {key_path}: not an Ed25519 key")
    return key


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sums_text(folder: Path) -> str:
    """`sha256sum` lines for every file of `folder` but the signature files, by name."""
    names = sorted(p.name for p in folder.iterdir() if p.name not in _NOT_SUMMED)
    return "".join(f"{sha256_file(folder / name)}  {name}\n" for name in names)


def release_case(
    out_dir: str | Path, case_id: str, key: Ed25519PrivateKey, released_by: str, released_at: str
) -> Release:
    """Sign every recipient folder of a drafted case and append the audit line."""
    if not _CASE_ID.match(case_id):
        raise UsageError(f"case id {case_id!r} must look like case-0123456789ab")
    if not released_by.strip():
        raise UsageError("--by: say who releases the case")
    out = Path(out_dir)
    case_dir = out / "packages" / case_id
    if not case_dir.is_dir():
        raise UsageError(f"{case_dir}: no packages for {case_id} in {out}")
    folders = sorted(p for p in case_dir.iterdir())
    if not folders:
        raise UsageError(f"{case_dir}: no recipient folders")
    for folder in folders:
        _check_draft(folder)
    public = public_pem(key.public_key())
    key_digest = hashlib.sha256(public).hexdigest()
    digests = {}
    for folder in folders:
        record = {
            "case_id": case_id,
            "recipient": folder.name,
            "status": "released",
            "released_by": released_by,
            "released_at": released_at,
            "files": {p.name: sha256_file(p) for p in sorted(folder.iterdir())},
            "public_key_sha256": key_digest,
        }
        atomic_write(folder / RELEASE, to_json(record) + "\n")
        sums = sums_text(folder).encode("utf-8")
        atomic_write(folder / SUMS, sums)
        atomic_write(folder / SIGNATURE, base64.b64encode(key.sign(sums)) + b"\n")
        atomic_write(folder / PUBLIC_KEY, public)
        digests[folder.name] = hashlib.sha256(sums).hexdigest()
    release = Release(case_id, tuple(digests), digests, released_by, released_at, key_digest)
    append_audit(out / AUDIT_LOG, release.audit_line())
    return release


def append_audit(path: Path, line: dict) -> None:
    """Append one JSON line and sync it; earlier lines are never rewritten."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as log:
        log.write(to_json(line, indent=None) + "\n")
        log.flush()
        os.fsync(log.fileno())


def _check_draft(folder: Path) -> None:
    """A recipient folder as a run wrote it: only draft files, a draft package.json."""
    if not folder.is_dir() or folder.is_symlink():
        raise UsageError(f"{folder}: not a recipient folder")
    if (folder / SUMS).exists() or (folder / RELEASE).exists():
        raise UsageError(f"{folder}: already released; a release is final (rerun the pipeline for a new draft)")
    for path in sorted(folder.iterdir()):
        if path.name not in DRAFT_FILES or not path.is_file() or path.is_symlink():
            raise UsageError(f"{path}: not a file a run writes; remove it before releasing")
    try:
        package = json.loads((folder / "package.json").read_text("utf-8"))
    except (OSError, ValueError) as err:
        raise UsageError(f"{folder / 'package.json'}: cannot read it ({err})") from None
    if package.get("status") != "draft" or package.get("recipient", {}).get("id") != folder.name:
        raise UsageError(f"{folder / 'package.json'}: not a draft package for {folder.name}")


def package_folders(path: str | Path) -> list[Path]:
    """The recipient folders under `path`: itself, a case folder's children, or a
    packages/ folder's grandchildren."""
    root = Path(path)
    if not root.is_dir():
        raise UsageError(f"{root}: no such package folder")
    for depth in range(3):
        prefix = "*/" * depth
        found = {p.parent for name in ("package.json", SUMS) for p in root.glob(prefix + name)}
        if found:
            return sorted(found)
    raise UsageError(f"{root}: holds no package")


def verify_folder(folder: Path, pinned: Ed25519PublicKey | None = None) -> list[str]:
    """Every problem of one released recipient folder; empty when every byte checks out."""
    problems = []
    sums_path = folder / SUMS
    if not sums_path.is_file():
        return [f"{sums_path}: missing (the package was not released, or it was removed)"]
    sums = sums_path.read_bytes()
    listed = {}
    for number, line in enumerate(sums.decode("utf-8", "replace").splitlines(), start=1):
        match = _SUM_LINE.match(line)
        if not match:
            problems.append(f"{sums_path} line {number}: not a `sha256  name` line")
            continue
        listed[match.group(2)] = match.group(1)
    present = {p.name: p for p in folder.iterdir() if p.name not in _NOT_SUMMED}
    for name in sorted(set(present) - set(listed)):
        problems.append(f"{folder / name}: added (not in {SUMS})")
    for name in sorted(set(listed) - set(present)):
        problems.append(f"{folder / name}: removed (listed in {SUMS})")
    for name in sorted(set(listed) & set(present)):
        path = present[name]
        if not path.is_file() or path.is_symlink() or sha256_file(path) != listed[name]:
            problems.append(f"{path}: altered (sha256 differs from {SUMS})")
    if RELEASE not in listed:
        problems.append(f"{folder / RELEASE}: missing from {SUMS}")
    problems += _check_signature(folder, sums, pinned)
    return problems


def _check_signature(folder: Path, sums: bytes, pinned: Ed25519PublicKey | None) -> list[str]:
    key_path, signature_path = folder / PUBLIC_KEY, folder / SIGNATURE
    try:
        beside = serialization.load_pem_public_key(key_path.read_bytes())
    except (OSError, ValueError, TypeError):
        beside = None
    if pinned is None and not isinstance(beside, Ed25519PublicKey):
        return [f"{key_path}: missing or not an Ed25519 public key"]
    problems = []
    if pinned is not None and (beside is None or public_pem(beside) != public_pem(pinned)):
        problems.append(f"{key_path}: not the pinned public key")
    key = pinned or beside
    try:
        signature = base64.b64decode(signature_path.read_bytes().strip(), validate=True)
        key.verify(signature, sums)
    except OSError:
        problems.append(f"{signature_path}: missing")
    except (ValueError, InvalidSignature):
        problems.append(f"{signature_path}: signature does not match {SUMS}")
    return problems


def load_public_key(path: str | Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError, TypeError):
        raise UsageError(f"--public-key {path}: not a readable PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise UsageError(f"--public-key {path}: not an Ed25519 key")
    return key
