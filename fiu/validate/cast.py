"""Cast validated raw batches (strings) to the contract types of `typed_schema`."""
from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from fiu.contract import (
    COLUMNS,
    DATE,
    DATETIME,
    DECIMAL,
    ENUM,
    INT,
    FILE,
    LABELS,
    REF,
    ROW,
    TIMESTAMP_PRECISION,
    TRANSACTIONS,
    ref_column,
    typed_schema,
)
from fiu.normalize.unique import map_unique

# Groups: date, time (seconds optional), fraction, offset (Z, ±HH:MM or ±HHMM).
_DATETIME = (
    r"^(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<hm>\d{2}:\d{2})(?::(?P<s>\d{2}))?"
    r"(?:\.(?P<frac>\d{1,9}))?(?P<tz>Z|[+-]\d{2}:?\d{2})$"
)

_OFFSET = re.compile(rb"(?P<tz>Z|[+-]\d{2}:?\d{2})$")


def to_typed(
    kind: str, batch: pa.RecordBatch, rejected: pa.Array | None = None
) -> tuple[pa.RecordBatch, dict[str, pa.Array]]:
    """The batch in contract types, and per column a mask of rows whose value did not cast.

    Validation has already checked the string forms; a value that matches its pattern
    yet is no real date (2026-02-30) is caught here and quarantined by the caller.
    Rows marked in `rejected` (already quarantined) are cast as nulls and never reported.
    """
    schema = typed_schema(kind)
    failed: dict[str, pa.Array] = {}
    arrays: dict[str, pa.Array] = {}
    for column in COLUMNS[kind]:
        raw = batch.column(column.name)
        if rejected is not None and column.type in (DATE, DATETIME, DECIMAL, INT, ENUM):
            raw = pc.if_else(rejected, pa.scalar(None, raw.type), raw)
        if column.type == DATE:
            value = _date(raw)
        elif column.type == DATETIME:
            date_only = pc.fill_null(pc.equal(pc.utf8_length(raw), 10), False)
            value, offset = _datetime(_as_midnight_utc(raw, date_only))
            arrays["utc_offset_minutes"] = offset
        elif column.type == DECIMAL:
            value = pc.cast(raw, pa.float64(), safe=False) if _all_numeric(raw) else _floats(raw)
        elif kind == LABELS and column.name == "label":
            value = pc.cast(raw, pa.int8())
        else:
            value = raw
        lost = pc.and_(pc.is_valid(raw), pc.is_null(value))
        if pc.any(lost).as_py():
            failed[column.name] = lost
        arrays[column.name] = value
    arrays[FILE] = batch.column(FILE)
    arrays[ROW] = batch.column(ROW)
    if kind != LABELS:
        arrays[REF] = ref_column(kind, batch)
    if kind == TRANSACTIONS:
        arrays[TIMESTAMP_PRECISION], clash = _precision(arrays[TIMESTAMP_PRECISION], date_only)
        if pc.any(clash).as_py():
            failed["timestamp"] = pc.or_(failed.get("timestamp", pc.and_(clash, False)), clash)
    if kind == TRANSACTIONS and "utc_offset_minutes" not in arrays:
        arrays["utc_offset_minutes"] = pa.nulls(batch.num_rows, pa.int16())
    typed = pa.RecordBatch.from_arrays(
        [arrays[f.name].cast(f.type) for f in schema], schema=schema
    )
    return typed, failed


def _as_midnight_utc(raw: pa.Array, date_only: pa.Array) -> pa.Array:
    """A date-only timestamp (precision `date`) is held as the day's start in UTC so that
    day windows work; its time of day means nothing and is never read as such."""
    if not pc.any(date_only).as_py():
        return raw
    return pc.if_else(date_only, pc.binary_join_element_wise(raw, "T00:00:00Z", ""), raw)


def _precision(given: pa.Array, date_only: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Each row's precision (given, else `date` for a date-only value, else `second`),
    and the rows that claim `second` for a value without a time of day."""
    inferred = pc.if_else(date_only, "date", "second")
    clash = pc.fill_null(pc.and_(date_only, pc.equal(given, "second")), False)
    return pc.coalesce(given, inferred), clash


def _date(raw: pa.Array) -> pa.Array:
    parsed = pc.strptime(raw, format="%Y-%m-%d", unit="s", error_is_null=True)
    # strptime accepts 2026-02-30 on some platforms by rolling over; compare back.
    same = pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), raw)
    return pc.if_else(same, pc.cast(parsed, pa.date32()), pa.scalar(None, pa.date32()))


def _datetime(raw: pa.Array) -> tuple[pa.Array, pa.Array]:
    """UTC instants and the offset (minutes) each was written with.

    Arrow's ISO 8601 cast is the fast path; it refuses a whole array for one value it
    cannot read (2026-02-30, nanoseconds), and then every value is parsed by parts.
    """
    utc = _iso_cast(raw)
    if utc is None:
        # Usually a day that does not exist (2026-02-30): null those, cast the rest.
        utc = _iso_cast(pc.if_else(_real_day(raw), raw, pa.scalar(None, pa.string())))
        if utc is None:
            return _datetime_by_parts(raw)
    return utc, _written_offset(raw)


def _real_day(raw: pa.Array) -> pa.Array:
    """Whether the `YYYY-MM-DD` that starts each value is a day of the calendar.

    Values have passed the suite's pattern (ASCII, month 01-12, day 01-31), so only days
    29-31 can be missing from their month: only those are parsed.
    """
    doubtful = pc.fill_null(pc.greater(_bytes(raw, 8, 10), b"28"), False)
    checked = pc.is_valid(_date(pc.utf8_slice_codeunits(raw.filter(doubtful), 0, 10)))
    return pc.replace_with_mask(pc.invert(doubtful), doubtful, checked)


def _written_offset(raw: pa.Array) -> pa.Array:
    """The offset, in minutes, each pattern-checked value ends with (`Z`, `±HH:MM` or
    `±HHMM`, all within its last 6 characters).

    A batch holds few distinct endings: each is read once (`map_unique`).
    """
    return map_unique(_bytes(raw, -6), _ending_minutes, pa.int16())


def _ending_minutes(ending: bytes) -> int | None:
    found = _OFFSET.search(ending)
    if found is None:
        return None
    tz = found.group("tz").decode("ascii").replace(":", "")
    if tz == "Z":
        return 0
    sign = -1 if tz[0] == "-" else 1
    return sign * (int(tz[1:3]) * 60 + int(tz[3:5]))


def _bytes(raw: pa.Array, start: int, stop: int | None = None) -> pa.Array:
    """Byte slices of ASCII text: several times faster than slicing code units."""
    return pc.binary_slice(raw.cast(pa.binary()), start, stop)


def _iso_cast(raw: pa.Array) -> pa.Array | None:
    try:
        return pc.cast(raw, pa.timestamp("us", tz="UTC"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _datetime_by_parts(raw: pa.Array) -> tuple[pa.Array, pa.Array]:
    parts = pc.extract_regex(raw, _DATETIME)
    date = pc.struct_field(parts, "date")
    seconds = pc.coalesce(pc.if_else(pc.equal(pc.struct_field(parts, "s"), ""), None,
                                     pc.struct_field(parts, "s")), "00")
    local_text = pc.binary_join_element_wise(date, "T", pc.struct_field(parts, "hm"), ":",
                                             seconds, "")
    local = pc.strptime(local_text, format="%Y-%m-%dT%H:%M:%S", unit="us", error_is_null=True)
    same_day = pc.equal(pc.strftime(local, format="%Y-%m-%d"), date)
    local = pc.if_else(same_day, local, pa.scalar(None, local.type))
    frac = pc.struct_field(parts, "frac")
    micros = pc.cast(
        pc.utf8_slice_codeunits(pc.binary_join_element_wise(frac, "000000", ""), 0, 6),
        pa.int64(),
    )
    tz = pc.struct_field(parts, "tz")
    offset = _offset_minutes(tz)
    local_us = pc.add(pc.cast(local, pa.int64()), micros)
    utc_us = pc.subtract(local_us, pc.multiply(pc.cast(offset, pa.int64()), 60_000_000))
    utc = pc.cast(utc_us, pa.timestamp("us", tz="UTC"))
    return utc, pc.cast(offset, pa.int16())


def _offset_minutes(tz: pa.Array) -> pa.Array:
    zulu = pc.equal(tz, "Z")
    digits = pc.replace_substring(pc.utf8_slice_codeunits(tz, 1), ":", "")
    hours = pc.cast(pc.utf8_slice_codeunits(pc.if_else(zulu, "0000", digits), 0, 2), pa.int32())
    minutes = pc.cast(pc.utf8_slice_codeunits(pc.if_else(zulu, "0000", digits), 2, 4), pa.int32())
    sign = pc.if_else(pc.equal(pc.utf8_slice_codeunits(tz, 0, 1), "-"), -1, 1)
    return pc.multiply(sign, pc.add(pc.multiply(hours, 60), minutes))


def _all_numeric(raw: pa.Array) -> bool:
    return pc.all(pc.match_substring_regex(raw, r"^\d+(\.\d+)?$")).as_py() in (True, None)


def _floats(raw: pa.Array) -> pa.Array:
    numeric = pc.match_substring_regex(raw, r"^[+-]?\d+(\.\d+)?$")
    return pc.cast(pc.if_else(numeric, raw, pa.scalar(None, pa.string())), pa.float64())
