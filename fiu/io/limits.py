"""Limits on what one input file may hold: characters in a field, rows in a file.

A field over `max_field_chars` quarantines its row (expectation `FIELD_LENGTH`, naming
the column and the limit); the rest of the file is read. A file over
`max_rows_per_file` is a file-level `InputError` naming the file and the limit: it
stops the run (exit 2), or with `--skip-bad-files` is recorded in the manifest.

The field check is vectorised: `pyarrow.compute.utf8_length` over each string column
(and over the flattened items of each list column, summed per row), never a loop over
rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fiu.errors import InputError, UsageError

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

# pyarrow and numpy are imported inside the functions that use them, so that the
# command line can read the defaults without paying for them.
DEFAULT_MAX_FIELD_CHARS = 100_000
DEFAULT_MAX_ROWS_PER_FILE = 50_000_000
# A row with a field over the limit: quarantined under this expectation name.
FIELD_LENGTH = "field_within_length_limit"
# What a quarantine line keeps of an over-long value (the value itself may be huge).
KEPT_CHARS = 200


@dataclass(frozen=True)
class Limits:
    """How much one input file may hold."""

    max_field_chars: int = DEFAULT_MAX_FIELD_CHARS
    max_rows_per_file: int = DEFAULT_MAX_ROWS_PER_FILE

    def __post_init__(self) -> None:
        for name in ("max_field_chars", "max_rows_per_file"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                flag = "--" + name.replace("_", "-")
                raise UsageError(f"`{flag}` must be a whole number ≥ 1; got {value!r}")


DEFAULT_LIMITS = Limits()


def check_row_count(file: str, rows: int, limits: Limits) -> None:
    """A file-level error once a file is known to hold more rows than allowed."""
    if rows > limits.max_rows_per_file:
        raise InputError(
            file,
            f"more than {limits.max_rows_per_file:,} rows (the --max-rows-per-file limit); "
            "split the file or raise the limit",
        )


def field_lengths(column: "pa.Array | pa.ChunkedArray") -> "np.ndarray":
    """Characters per row of a string or list-of-string column (null → 0), as int64."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
        items = pc.list_flatten(column)
        parents = pc.list_parent_indices(column).to_numpy(zero_copy_only=False)
        lengths = pc.fill_null(pc.utf8_length(items), 0).to_numpy(zero_copy_only=False)
        return np.bincount(parents, weights=lengths, minlength=len(column)).astype(np.int64)
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return pc.fill_null(pc.utf8_length(column), 0).to_numpy(zero_copy_only=False).astype(np.int64)
    return np.zeros(len(column), dtype=np.int64)


def over_long(
    batch: "pa.RecordBatch", columns: list[str], limits: Limits
) -> "dict[str, np.ndarray]":
    """{column: boolean mask of rows whose value is longer than the limit}, only for
    columns with at least one such row."""
    found = {}
    for name in columns:
        if name not in batch.schema.names:
            continue
        mask = field_lengths(batch.column(name)) > limits.max_field_chars
        if mask.any():
            found[name] = mask
    return found


def failure(column: str, length: int, limits: Limits) -> dict:
    """The quarantine failure for one over-long field."""
    return {
        "expectation": FIELD_LENGTH,
        "column": column,
        "value": f"{length:,} characters, over the limit of {limits.max_field_chars:,}"
                 " (--max-field-chars)",
    }


def shorten(value: object) -> object:
    """An over-long value as kept in a quarantine line: its first `KEPT_CHARS`
    characters and how many were left out."""
    if isinstance(value, str):
        if len(value) <= KEPT_CHARS:
            return value
        return value[:KEPT_CHARS] + f"… [{len(value) - KEPT_CHARS:,} more characters]"
    if isinstance(value, list):
        total = sum(len(v) for v in value if isinstance(v, str))
        if total <= KEPT_CHARS:
            return value
        kept, used = [], 0
        for item in value:
            if not isinstance(item, str) or used + len(item) > KEPT_CHARS:
                break
            kept.append(item)
            used += len(item)
        return kept + [f"… [{total - used:,} more characters]"]
    return value


__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_FIELD_CHARS",
    "DEFAULT_MAX_ROWS_PER_FILE",
    "FIELD_LENGTH",
    "Limits",
    "check_row_count",
    "failure",
    "field_lengths",
    "over_long",
    "shorten",
]
