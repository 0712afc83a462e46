"""A console an analyst can read: fiu prints its own progress and summary; libraries'
notices (Beam's cloud-client warning, Great Expectations' temporary directories, Dask's
scheduler lines, pandas' FutureWarnings) go to `OUT/run.log`, and to the console too
with `-v`."""
from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

LOG_FILE = "run.log"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _Held(logging.handlers.MemoryHandler):
    """Holds notices until the out folder exists, then writes them there."""

    def shouldFlush(self, record: logging.LogRecord) -> bool:  # noqa: N802 - logging's name
        if self.target is None and len(self.buffer) > self.capacity:
            del self.buffer[: len(self.buffer) - self.capacity]  # keep the newest
        return self.target is not None


_held: _Held | None = None


def hold_library_notices(verbose: bool = False) -> None:
    """Route every library's logging and Python warnings to a holding handler (before
    any library is imported, so none sets up its own console output first)."""
    global _held
    root = logging.getLogger()
    for handler in list(root.handlers):
        if type(handler) is logging.StreamHandler or isinstance(handler, _Held):
            root.removeHandler(handler)  # basicConfig's console handler, or ours of before
    _held = _Held(capacity=100_000)
    _held.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(_held)
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)
    if verbose:
        console = logging.StreamHandler(sys.stderr)
        console.setFormatter(logging.Formatter(_FORMAT))
        root.addHandler(console)
        _held.verbose_console = console  # type: ignore[attr-defined]


def write_library_notices_to(out_dir: str | Path) -> Path | None:
    """From now on (and for what was held), notices go to OUT/run.log."""
    if _held is None:
        return None
    close_library_log()  # a previous run's log, in a process that runs several
    path = Path(out_dir) / LOG_FILE
    target = logging.FileHandler(path, encoding="utf-8")
    target.setFormatter(logging.Formatter(_FORMAT))
    _held.setTarget(target)
    _held.flush()
    return path


def close_library_log() -> None:
    if _held is not None and _held.target is not None:
        _held.flush()
        _held.target.close()
        _held.setTarget(None)
