"""Outputs written atomically: a temporary file in the same folder, then a rename.

A reader of the out folder never sees half a file, and a rerun overwrites whole files.
JSON is written with sorted keys and no wall-clock data of its own, so the same input
gives the same bytes.
"""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def atomic_write(path: str | Path, data: bytes | str, durable: bool = True) -> Path:
    """Write `data` to `path` through a temporary file and `os.replace`.

    `durable` syncs the file to disk before the rename. A job's outputs skip it: they are
    written into a staging folder that is synced once, as a whole, before it is
    published (`pipelines.run.publish`); one sync per package file cost seconds a run.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def to_json(value: object, indent: int | None = 2) -> str:
    """Deterministic JSON: sorted keys, UTF-8 kept readable."""
    return json.dumps(value, indent=indent, sort_keys=True, ensure_ascii=False, default=str)


def write_json(path: str | Path, value: object) -> Path:
    return atomic_write(path, to_json(value) + "\n")


def write_jsonl(path: str | Path, lines: Iterable[dict]) -> Path:
    """One JSON object a line, keys sorted; the caller orders the lines."""
    text = "".join(to_json(line, indent=None) + "\n" for line in lines)
    return atomic_write(path, text)


def write_parquet(path: str | Path, table: pa.Table) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        pq.write_table(table, temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
