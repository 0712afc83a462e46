"""The state folder of weekly runs: what every run so far received and issued.

    STATE/
      .fiu.lock              held by the run that is updating it
      current -> versions/000004
      versions/000004/
        state.json           runs so far, the id key's check, settings hash
        records/<kind>.parquet   every accepted, normalised record (latest version of each ref)
        seen.parquet         ref, kind, first_run, last_run, withdrawn_run (a tombstone)
        model.json           the frozen match model (m, u, λ, threshold) and its settings hash
        judgements.parquet   analysts' same/different pairs, accumulated
        ids/<entities|cases>.parquet          id, status, successors, first_run, last_run
        ids/<entities|cases>_members.parquet  id, ref: the last membership of every id
        reported.json        per case and recipient: the last package sent
        pair_levels.parquet  the last run's candidate pairs' comparison levels, by a
                             digest of both records (`fiu.resolve.kept_levels`)
        changes.jsonl        every entity and case event, run by run

A run builds the next version beside the current one and publishes it by swapping the
`current` link (`os.replace` of a symlink is atomic): a run killed at any point leaves
the previous version whole, and the next run clears what the killed one left.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Optional

import pyarrow as pa
import pyarrow.parquet as pq

from ..contract import KINDS
from ..errors import UsageError
from ..ids import ID_KEY_ENV
from ..io.writers import write_json
from ..resolve.settings import MatchSettings

FORMAT = 1
CURRENT = "current"
VERSIONS = "versions"
BUILDING = ".building"
STATE_FILE = "state.json"
RECORDS = "records"
SEEN = "seen.parquet"
MODEL = "model.json"
JUDGEMENTS = "judgements.parquet"
IDS = "ids"
REPORTED = "reported.json"
CHANGES = "changes.jsonl"
ENTITIES, CASES = "entities", "cases"
SEEN_SCHEMA = pa.schema([
    ("ref", pa.string()), ("kind", pa.string()), ("first_run", pa.int32()),
    ("last_run", pa.int32()), ("withdrawn_run", pa.int32()),
])
ID_SCHEMA = pa.schema([
    ("id", pa.string()), ("status", pa.string()), ("successors", pa.list_(pa.string())),
    ("first_run", pa.int32()), ("last_run", pa.int32()),
])
MEMBER_SCHEMA = pa.schema([("id", pa.string()), ("ref", pa.string())])
ACTIVE, MERGED, SPLIT, RETIRED = "active", "merged", "split", "retired"


def state_key() -> str:
    """The installation's id key: `FIU_ID_KEY`, required with a state folder, since ids
    keyed by the input files would change with every weekly file."""
    key = os.environ.get(ID_KEY_ENV, "")
    if not key:
        raise UsageError(
            f"--state needs a fixed id key: set {ID_KEY_ENV} to a secret kept for this "
            "installation (ids are keyed by it, and must stay the same run after run)"
        )
    return key


def key_check(key: str) -> str:
    """A digest that tells whether a state was written under `key` (not the key)."""
    return hmac.new(key.encode("utf-8"), b"fiu state", hashlib.sha256).hexdigest()[:16]


def settings_hash(settings: MatchSettings) -> str:
    """A digest of the matching settings (without the id key): a change means refit."""
    record = asdict(settings)
    record.pop("id_key", None)
    text = json.dumps(record, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class Registry:
    """Every id of one kind ever issued, its status and successors, and the members it
    had when it was last active.

    Held as two tables (`entries`: ID_SCHEMA, `memberships`: MEMBER_SCHEMA), as read
    from and written to the state, so that a weekly run over a large store never turns
    them into Python objects; `ids` and `members` are dict views of them, made when
    asked for. Made from dicts as well (`Registry(ids, members)`)."""

    def __init__(self, ids: Optional[dict[str, dict]] = None,
                 members: Optional[dict[str, list[str]]] = None) -> None:
        self._ids, self._members = ids, members
        self._entries: Optional[pa.Table] = None
        self._memberships: Optional[pa.Table] = None
        if ids is None:
            self._entries = ID_SCHEMA.empty_table()
        if members is None:
            self._memberships = MEMBER_SCHEMA.empty_table()

    @classmethod
    def of_tables(cls, entries: pa.Table, memberships: pa.Table) -> "Registry":
        registry = cls()
        registry._entries = entries.select(ID_SCHEMA.names).cast(ID_SCHEMA)
        registry._memberships = memberships.select(MEMBER_SCHEMA.names).cast(MEMBER_SCHEMA)
        return registry

    @property
    def entries(self) -> pa.Table:
        """id, status, successors, first_run, last_run: one row an id, sorted by id."""
        if self._entries is None:
            rows = [{**self._ids[k], "id": k} for k in sorted(self._ids)]
            self._entries = pa.Table.from_pylist(rows, schema=ID_SCHEMA)
        return self._entries

    @property
    def memberships(self) -> pa.Table:
        """id, ref: the last membership of every id, sorted by id and ref."""
        if self._memberships is None:
            pairs = [(k, r) for k in sorted(self._members) for r in sorted(self._members[k])]
            self._memberships = pa.table(
                {"id": [k for k, _ in pairs], "ref": [r for _, r in pairs]},
                schema=MEMBER_SCHEMA)
        return self._memberships

    @property
    def ids(self) -> dict[str, dict]:
        """{id: its entry}."""
        if self._ids is None:
            self._ids = {row["id"]: row for row in self._entries.to_pylist()}
        return self._ids

    @property
    def members(self) -> dict[str, list[str]]:
        """{id: its last members}."""
        if self._members is None:
            members: dict[str, list[str]] = {}
            table = self._memberships
            for id_, ref in zip(table["id"].to_pylist(), table["ref"].to_pylist()):
                members.setdefault(id_, []).append(ref)
            self._members = members
        return self._members

    def resolve(self, id_: str) -> list[str]:
        """The active ids an id now stands for (itself when active; [] when unknown
        or retired without successor), following merges and splits."""
        out: list[str] = []
        todo, seen = [id_], set()
        while todo:
            current = todo.pop()
            if current in seen or current not in self.ids:
                continue
            seen.add(current)
            entry = self.ids[current]
            if entry["status"] == ACTIVE:
                out.append(current)
            else:
                todo.extend(entry["successors"])
        return sorted(set(out))


@dataclass(frozen=True)
class State:
    """One version of a state folder, as read at the start of a run."""

    root: Path
    version: Optional[Path]
    meta: dict

    def identity(self) -> str:
        """A digest of this version (its run history), for the run id."""
        text = json.dumps(self.meta, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    @property
    def run(self) -> int:
        """The number of the run about to be made (1 for a new state)."""
        return len(self.meta.get("runs", [])) + 1

    def path(self, name: str) -> Optional[Path]:
        if self.version is None:
            return None
        target = self.version / name
        return target if target.exists() else None

    def record_files(self) -> dict[str, str]:
        """{kind: Parquet file} of the stored records."""
        found = {}
        for kind in KINDS:
            target = self.path(f"{RECORDS}/{kind}.parquet")
            if target is not None:
                found[kind] = str(target)
        return found

    def model(self) -> Optional[dict]:
        target = self.path(MODEL)
        return json.loads(target.read_text()) if target else None

    def judgements(self) -> Optional[pa.Table]:
        target = self.path(JUDGEMENTS)
        return pq.read_table(target) if target else None

    def seen(self) -> pa.Table:
        target = self.path(SEEN)
        return pq.read_table(target) if target else SEEN_SCHEMA.empty_table()

    def registry(self, kind: str) -> Registry:
        ids_path, members_path = self.path(f"{IDS}/{kind}.parquet"), self.path(
            f"{IDS}/{kind}_members.parquet")
        if ids_path is None:
            return Registry()
        members = (pq.read_table(members_path) if members_path is not None
                   else MEMBER_SCHEMA.empty_table())
        return Registry.of_tables(pq.read_table(ids_path), members)

    def reported(self) -> dict:
        target = self.path(REPORTED)
        return json.loads(target.read_text()) if target else {}

    def changes(self) -> list[dict]:
        target = self.path(CHANGES)
        if not target:
            return []
        return [json.loads(line) for line in target.read_text().splitlines() if line]


def open_state(root: str | Path, key: Optional[str] = None) -> State:
    """The current version of a state folder (an empty state when there is none yet);
    a state written under another id key is refused (its ids would all change)."""
    root = Path(root)
    link = root / CURRENT
    if not link.exists():
        if root.exists() and any(p.name not in (".fiu.lock", VERSIONS) for p in root.iterdir()):
            raise UsageError(f"--state {root} holds files that are not a fiu state; "
                             "choose an empty or new folder")
        return State(root, None, {"format": FORMAT, "runs": []})
    version = link.resolve()
    meta = json.loads((version / STATE_FILE).read_text())
    if meta.get("format") != FORMAT:
        raise UsageError(f"--state {root}: format {meta.get('format')} is not {FORMAT}")
    if key is not None and meta.get("key_check") != key_check(key):
        raise UsageError(
            f"--state {root} was written under another {ID_KEY_ENV}; use the key it was "
            "made with (ids would otherwise change)")
    return State(root, version, meta)


def clear_leftovers(root: Path) -> None:
    """Remove what killed runs left: half-built versions and versions not current."""
    versions = root / VERSIONS
    if not versions.is_dir():
        return
    current = (root / CURRENT).resolve() if (root / CURRENT).exists() else None
    for child in versions.iterdir():
        if current is None or child.resolve() != current:
            shutil.rmtree(child, ignore_errors=True)


def building(root: Path) -> Path:
    """A fresh folder for the next version, beside the current one."""
    target = root / VERSIONS / BUILDING
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    return target


def publish_version(root: Path, built: Path, name: str) -> Path:
    """Make `built` the current version (`versions/<name>`) in one atomic step; drop
    the old one."""
    old = (root / CURRENT).resolve() if (root / CURRENT).exists() else None
    final = root / VERSIONS / name
    if final.exists():
        shutil.rmtree(final)
    os.sync()
    os.rename(built, final)
    link = root / ".current.new"
    link.unlink(missing_ok=True)
    os.symlink(f"{VERSIONS}/{final.name}", link)
    os.replace(link, root / CURRENT)
    _sync_folder(root)
    if old is not None and old != final.resolve():
        shutil.rmtree(old, ignore_errors=True)
    return final


def _sync_folder(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def write_registry(folder: Path, kind: str, registry: Registry) -> None:
    """`ids/<kind>.parquet` and `ids/<kind>_members.parquet`, sorted."""
    ids = registry.entries.sort_by("id")
    members = registry.memberships.sort_by([("id", "ascending"), ("ref", "ascending")])
    (folder / IDS).mkdir(parents=True, exist_ok=True)
    pq.write_table(ids, folder / IDS / f"{kind}.parquet")
    pq.write_table(members, folder / IDS / f"{kind}_members.parquet")


def write_meta(folder: Path, meta: dict) -> None:
    write_json(folder / STATE_FILE, meta)
