"""One run at a time in an out folder (and in a state folder): an advisory lock
(`flock`) on `OUT/.fiu.lock` (`STATE/.fiu.lock`), taken before anything in the folder is
touched and released when the run ends, so a second run on the same folder is refused
at its start, naming the one that holds it, instead of deleting the first one's staging
folder under it."""
from __future__ import annotations

import fcntl
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from ..errors import UsageError

LOCK_FILE = ".fiu.lock"


@contextmanager
def out_dir_lock(out_dir: Path, option: str = "--out") -> Iterator[None]:
    """Hold the folder's lock for the block; `UsageError` (exit 2) when another
    process holds it (`option` names the folder's flag in the message)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOCK_FILE
    handle = open(path, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise UsageError(
                f"{option} {out_dir} is in use by a run that has not finished ({holder}); "
                "wait for it, or run into another folder"
            ) from None
        handle.seek(0)
        handle.truncate()
        since = datetime.now(timezone.utc).isoformat(timespec="seconds")
        handle.write(f"pid {os.getpid()} on {socket.gethostname()} since {since}\n")
        handle.flush()
        try:
            yield
        finally:
            path.unlink(missing_ok=True)
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()
