"""Mapping profiles: how one partner's own export files map onto CONTRACT.md.

A profile is one YAML file per partner (`partners/<partner_id>.yaml` in the input folder,
or a folder given with `--profiles`). For each of its files (a glob) it says the kind,
how the text is written (encoding, delimiter, decimal and thousands separators), which
column (or constant) gives each contract field, how dates are written and in which time
zone, how amounts are laid out (signed; a debit/credit flag; two columns), value maps
(`direction`, `channel` …) and the columns deliberately left out.

The mapping runs on whole Arrow tables of strings, before validation: a batch leaves
here in the contract's shape, with the partner's own file name and row numbers, so the
suites judge it as any other file and every quarantine line still points at the
partner's row. A value the profile cannot convert (an unknown flag, a date in another
format) is passed on as written, where validation quarantines it with that value; a
profile that does not fit a file at all (a missing column, a date format no value
matches) is an `InputError` naming the profile key and the file (exit 2).
"""
from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from fiu.contract import COLUMNS, DATE, DATETIME, DECIMAL, TRANSACTIONS, required_columns
from fiu.errors import InputError, UsageError
from .yaml_lines import line_of

PRECISION = "timestamp_precision"
DERIVED_DIRECTION = ("signed", "flag", "debit")  # amount layouts that also give direction
FORMATS = ("csv", "camt")


class ProfileError(UsageError):
    """One or more profile files are invalid; `errors` lists `file:line key: message`."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) in mapping profiles:\n" + "\n".join(errors))


@dataclass(frozen=True)
class FileProfile:
    """The part of a profile that applies to one set of files (`files[index]`)."""

    path: str  # the profile file, as the analyst named it
    index: int
    partner_id: str
    kind: str
    match: tuple[str, ...]
    format: str = "csv"
    encoding: str = "utf-8"
    delimiter: str = ","
    quote: str = '"'
    skip_rows: int = 0
    decimal: str = "."
    thousands: str | None = None
    timezone: str | None = None
    columns: dict[str, dict] = field(default_factory=dict, hash=False, compare=False)
    ignore: tuple[str, ...] | None = None

    def key(self, *path: str) -> str:
        """`bank-b.yaml files[0].columns.amount`: where in the profile a setting is."""
        return ".".join([f"{Path(self.path).name} files[{self.index}]", *path])

    def matches(self, name: str) -> bool:
        return any(fnmatch.fnmatchcase(name, glob) for glob in self.match)

    def source_columns(self) -> dict[str, str]:
        """{contract field: the partner's column(s) it comes from}, for quarantine lines."""
        found = {}
        for name, spec in self.columns.items():
            used = _used_columns(spec)
            if used:
                found[name] = " + ".join(used)
        amount = self.columns.get("amount", {})
        if "flag" in amount:
            found["amount"], found["direction"] = amount["column"], amount["flag"]["column"]
        elif _layout(amount) in DERIVED_DIRECTION:
            found["direction"] = found["amount"]
        return found

    def used_columns(self) -> list[str]:
        return sorted({c for spec in self.columns.values() for c in _used_columns(spec)})

    def digest_material(self) -> str:
        """What the run id rests on: the settings, not where the profile lies."""
        return json.dumps([Path(self.path).name, self.index, self.partner_id, self.kind, self.match,
                           self.format, self.encoding, self.delimiter, self.quote,
                           self.skip_rows, self.decimal, self.thousands, self.timezone,
                           self.columns, self.ignore], sort_keys=True)

    # --- fitting a file ---------------------------------------------------------------

    def check_header(self, file: str, header: list[str]) -> None:
        """A profile column the file lacks, or (with `ignore`) a file column the profile
        neither maps nor ignores: the profile does not fit the file."""
        present = set(header)
        for name, spec in self.columns.items():
            for column in _used_columns(spec):
                if column not in present:
                    raise InputError(
                        file, f"profile {self.key('columns', name)}: no column {column!r} in "
                              f"the file (it has {', '.join(header[:12])})"
                    )
        if self.ignore is not None:
            unknown = [c for c in header if c not in set(self.used_columns()) | set(self.ignore)]
            if unknown:
                raise InputError(
                    file, f"profile {self.key('ignore')}: column(s) {', '.join(unknown)} are "
                          "neither mapped nor ignored (has the export changed?)"
                )

    def ignored(self, header: list[str]) -> list[str]:
        used = set(self.used_columns())
        return [c for c in header if c not in used]

    def apply(self, table: pa.Table, file: str) -> pa.Table:
        """The partner's table of strings → the contract's columns as strings."""
        n = table.num_rows
        out: dict[str, pa.ChunkedArray | pa.Array] = {}
        types = {c.name: c.type for c in COLUMNS[self.kind]}
        for name, spec in self.columns.items():
            if name == "amount" and self.kind == TRANSACTIONS:
                amount, direction = self._amount(table, spec)
                out["amount"] = amount
                if direction is not None:
                    out["direction"] = direction
                continue
            if name == PRECISION:
                continue
            kind_type = types.get(name)
            if kind_type == DATETIME:
                value, precision = self._datetime(table, spec, file, name)
                out[PRECISION] = precision
            else:
                value = self._text(table, spec, n)
                if kind_type == DATE and "format" in spec:
                    value = self._date(value, spec, file, name)
                elif kind_type == DECIMAL:
                    value = _distinct(self._number, value)
            if "map" in spec:
                value = _distinct(lambda v, m=spec["map"]: _mapped(v, m), value)
            out[name] = value
        if "partner_id" not in out:
            out["partner_id"] = pa.repeat(pa.scalar(self.partner_id), n)
        if PRECISION in self.columns:
            out[PRECISION] = self._text(table, self.columns[PRECISION], n)
        return pa.table({k: _chunked(v) for k, v in out.items()})

    def dictionary_columns(self) -> list[str]:
        """The partner's columns whose values are converted and repeat (dates, times,
        flags, codes): the reader hands them over dictionary-encoded, and each
        conversion runs once per distinct value (a year of bookings has 365 dates, two
        flags, a few codes). Amounts are nearly all distinct: encoding them costs more
        than it saves."""
        found = set()
        for name, spec in self.columns.items():
            if "format" in spec or "map" in spec:
                found.update(_used_columns(spec))
            if "flag" in spec:
                found.add(spec["flag"]["column"])
        return sorted(found)

    def _text(self, table: pa.Table, spec: dict, n: int) -> pa.ChunkedArray:
        if "value" in spec:
            return pa.chunked_array([pa.repeat(pa.scalar(spec["value"]), n)], pa.string())
        names = _names(spec["column"])
        if len(names) == 1:
            return table.column(names[0])
        # Date and time in two columns: joined by a space, a missing part left out.
        return pc.binary_join_element_wise(*[table.column(c).cast(pa.string()) for c in names],
                                           " ", null_handling="skip")

    # --- numbers -----------------------------------------------------------------------

    def _number(self, written: pa.ChunkedArray) -> pa.ChunkedArray:
        """`1.234,50` (thousands `.`, decimal `,`) → `1234.50`; a trailing minus leads.
        A value that is not a number in the partner's notation (`12,50,00`, `N/A`) is
        passed on as written, for validation to quarantine by that value."""
        # Each step runs only where a byte it acts on occurs.
        present = _Bytes(written)
        text = written
        if present.may_need_trim():
            text = pc.utf8_trim_whitespace(written)
        grouped = bool(self.thousands) and present.may_hold(self.thousands) and pc.any(
            pc.match_substring(text, self.thousands)).as_py()
        number = pc.match_substring_regex(text, self._number_pattern(grouped))
        if grouped:
            text = pc.replace_substring(text, self.thousands, "")
        if self.decimal != "." and present.may_hold(self.decimal):
            text = _replace_char(text, self.decimal, ".")
        if present.may_hold("+"):
            text = pc.utf8_ltrim(text, "+")
        if present.may_hold("-") and pc.any(pc.ends_with(text, "-")).as_py():
            text = pc.replace_substring_regex(text, r"^(.+)-$", r"-\1")
        if pc.all(number).as_py():  # every value written is a number (nulls stay null)
            return text
        return pc.if_else(pc.fill_null(number, False), text, written)

    def _number_pattern(self, grouped: bool = True) -> str:
        """The partner's numbers; `grouped` when some value has a thousands separator
        (the simpler pattern without costs a third less)."""
        digits = r"\d+"
        if self.thousands and grouped:
            digits = rf"(?:\d{{1,3}}(?:{re.escape(self.thousands)}\d{{3}})+|\d+)"
        return rf"^[+-]?{digits}(?:{re.escape(self.decimal)}\d*)?-?$"

    def _amount(self, table: pa.Table, spec: dict) -> tuple[Any, Any]:
        """The amount (> 0 as the contract wants) and, for layouts that carry it, the
        direction: `signed` (negative = out), `flag` (a debit/credit column) or
        `debit` + `credit` (two columns, one of them filled)."""
        layout = _layout(spec)
        if layout == "signed":
            def signed(text):
                number = self._number(text)
                direction = pc.if_else(pc.starts_with(number, "-"), "out", "in")
                return pc.utf8_ltrim(number, "-"), direction

            return _distinct(signed, table.column(spec["signed"]))
        if layout == "flag":
            def direction_of(flag):
                debit = pc.is_in(flag, pa.array(_names(spec["flag"]["debit"])))
                credit = pc.is_in(flag, pa.array(_names(spec["flag"]["credit"])))
                # An unknown flag is passed on as written: the suite quarantines it by value.
                return pc.if_else(debit, "out", pc.if_else(credit, "in", flag))

            direction = _distinct(direction_of, table.column(spec["flag"]["column"]))
            return _distinct(self._number, self._text(table, spec, table.num_rows)), direction
        if layout == "debit":
            debit = _distinct(lambda v: _blank_zero(pc.utf8_ltrim(self._number(v), "-")),
                              table.column(spec["debit"]))
            credit = _distinct(lambda v: _blank_zero(self._number(v)), table.column(spec["credit"]))
            both = pc.and_(pc.is_valid(debit), pc.is_valid(credit))
            # Both filled is a contradiction: keep both visible for the quarantine line.
            clash = pc.binary_join_element_wise("debit ", debit, " and credit ", credit, "")
            amount = pc.if_else(both, clash, pc.coalesce(debit, credit))
            direction = pc.if_else(
                both, pa.scalar(None, pa.string()),
                pc.if_else(pc.is_valid(debit), "out",
                           pc.if_else(pc.is_valid(credit), "in", pa.scalar(None, pa.string()))),
            )
            return amount, direction
        def plain(text):
            value = self._number(text)
            return _mapped(value, spec["map"]) if "map" in spec else value

        return _distinct(plain, self._text(table, spec, table.num_rows)), None

    # --- dates -------------------------------------------------------------------------

    def _datetime(self, table: pa.Table, spec: dict, file: str, name: str):
        """Values in `format` (local clock of `timezone`) → ISO 8601 with the offset in
        force then; a format without a time of day gives dates and precision `date`.
        Without `format`, values are taken as ISO 8601 already, and validation reads
        each one's precision from it."""
        fmt = spec.get("format")
        n = table.num_rows
        if fmt is None:
            return self._text(table, spec, n), pa.nulls(n, pa.string())
        names = _names(spec["column"]) if "column" in spec else []
        parts = _split_format(fmt, len(names))
        zone = spec.get("timezone") or self.timezone
        if parts:
            iso, precision = self._day_and_time(table, names, parts, zone, file, name), "second"
            text = None
            written = pc.or_(pc.is_valid(table.column(names[0])),
                             pc.is_valid(table.column(names[1])))
        else:
            text = self._text(table, spec, n)
            local = _distinct(lambda v: self._parse(v, fmt, file, name), text)
            written = pc.is_valid(text)
            if not _has_time(fmt):
                iso, precision = _iso_date(local), "date"
            else:
                iso, precision = _zoned(local, zone), "second"
        if iso.null_count and pc.any(pc.and_(written, pc.is_null(iso))).as_py():
            # A value the format does not read is passed on as written, for the suite.
            text = self._text(table, spec, n) if text is None else text
            iso = pc.coalesce(iso, _flat(pc.cast(text, pa.string())))
        if iso.null_count and not pc.all(written).as_py():
            return iso, pc.if_else(written, precision, pa.scalar(None, pa.string()))
        return iso, pa.repeat(pa.scalar(precision), n)

    def _day_and_time(self, table: pa.Table, names: list[str], parts: tuple[str, str],
                      zone: str, file: str, name: str) -> pa.Array:
        """Date and time in their own columns, each parsed once per distinct value.
        Where both arrive dictionary-encoded, a row's text is put together from the
        text of its day (and the offset in force that day) and of its time of day, so
        no row is converted alone but those on a day the clock changes."""
        def day_of(values):
            return _as_date(self._parse(values, parts[0], file, name))

        def clock_of(values):
            return _seconds_of_day(self._parse(values, parts[1], file, name))

        days, clocks = table.column(names[0]), table.column(names[1])
        if [len(c) for c in days.chunks] != [len(c) for c in clocks.chunks]:
            days, clocks = (pa.chunked_array([_flat(c)]) for c in (days, clocks))
        pieces = []
        for day, clock in zip(days.chunks, clocks.chunks):
            if pa.types.is_dictionary(day.type) and pa.types.is_dictionary(clock.type):
                pieces.append(_by_day_and_time(day_of(day.dictionary), day.indices,
                                               clock_of(clock.dictionary), clock.indices, zone))
            else:
                pieces.append(_zoned(_local(day_of(day), clock_of(clock)), zone))
        return _flat(pa.chunked_array(pieces, pa.string()))

    def _date(self, text, spec: dict, file: str, name: str):
        def read(values):
            return pc.coalesce(_iso_date(self._parse(values, spec["format"], file, name)), values)

        return _distinct(read, text)

    def _parse(self, text, fmt: str, file: str, name: str):
        local = pc.strptime(text, format=fmt, unit="s", error_is_null=True)
        if len(text) > text.null_count and local.null_count == len(local):
            first = pc.drop_null(text)[0].as_py()
            raise InputError(file, f"profile {self.key('columns', name, 'format')}: no value "
                                   f"matches {fmt!r} (first: {first!r})")
        return _without_rollover(_flat(local), _flat(text), fmt)


def _distinct(fn, column):
    """`fn` (element-wise, one array or a tuple of arrays out) applied once per distinct
    value of a dictionary-encoded column and spread back to its rows; a plain column is
    passed to `fn` as it is."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    if not chunks:
        return fn(pa.array([], pa.string()))
    results = []
    for chunk in chunks:
        if pa.types.is_dictionary(chunk.type):
            found = fn(chunk.dictionary)
            spread = tuple(found) if isinstance(found, tuple) else (found,)
            spread = tuple(pc.take(_flat(values), chunk.indices) for values in spread)
        else:
            found = fn(chunk)
            spread = tuple(found) if isinstance(found, tuple) else (found,)
            spread = tuple(_flat(values) for values in spread)
        results.append(spread)
    joined = tuple(_flat(pa.chunked_array(list(parts))) if len(parts) > 1 else parts[0]
                   for parts in zip(*results))
    return joined if len(joined) > 1 else joined[0]


_DATE_DIRECTIVES = ("%d", "%m", "%Y", "%y", "%b", "%B", "%j", "%e", "%a", "%A")


def _split_format(fmt: str, columns: int) -> tuple[str, str] | None:
    """A date format and a time format for a date column and a time column, when a
    two-column format splits at its one space into exactly those."""
    parts = fmt.split(" ")
    if columns != 2 or len(parts) != 2:
        return None
    day, clock = parts
    if _has_time(day) or not _has_time(clock) or any(d in clock for d in _DATE_DIRECTIVES):
        return None
    return day, clock


def _as_date(local):
    return pc.cast(local, pa.date32())


_READ_ALONE = -2_208_988_800  # 1900-01-01 00:00:00, where strptime puts a time of day


def _seconds_of_day(local):
    """A time of day read alone as seconds after midnight: 86,400 for the leap second
    23:59:60, which strptime reads as the next midnight (as in a date-time column)."""
    return pc.subtract(pc.cast(local, pa.int64()), _READ_ALONE)


def _local(day, seconds):
    """A day and seconds since its midnight → the local clock time."""
    midnight = pc.multiply(pc.cast(pc.cast(day, pa.int32()), pa.int64()), 86_400)
    return pc.cast(pc.add(midnight, seconds), pa.timestamp("s"))


def _by_day_and_time(day, day_rows, seconds, clock_rows, zone: str) -> pa.Array:
    """Each row's `YYYY-MM-DD HH:MM:SS+hh:mm` from its day (`day[day_rows]`) and time
    of day (`seconds[clock_rows]`): the texts are made once per distinct day and time,
    and the rows' bytes copied from them (every part has a fixed width). A row on a
    day the clock changes (or at a time of day outside 00:00:00–23:59:59) is left to
    `_zoned`."""
    regular = pc.and_(pc.greater_equal(seconds, 0), pc.less(seconds, 86_400))
    clock = pc.cast(pc.if_else(regular, seconds, pa.scalar(None, pa.int64())), pa.timestamp("s"))
    parts = [_fixed_width(pc.binary_join_element_wise(pc.cast(day, pa.string()), " ", ""), 11),
             _fixed_width(pc.utf8_slice_codeunits(pc.cast(clock, pa.string()), 11, 19), 8),
             _fixed_width(_offset_text(_day_offsets(day, zone)), 6)]
    if any(part is None for part in parts) or not len(day) or not len(seconds):
        return _joined(day, day_rows, seconds, clock_rows, zone)  # a year past 9999, say
    (day_bytes, day_known), (clock_bytes, clock_known), (offset_bytes, steady) = parts
    d = pc.fill_null(day_rows, 0).to_numpy()
    c = pc.fill_null(clock_rows, 0).to_numpy()
    rows = np.empty(len(d), _ISO_ROW)
    rows["day"] = np.take(day_bytes, d)
    rows["clock"] = np.take(clock_bytes, c)
    rows["offset"] = np.take(offset_bytes, d)
    out = rows.view(np.uint8).reshape(len(d), _ISO_WIDTH)
    read = steady[d] & clock_known[c]  # the rows whose bytes are right already
    if day_rows.null_count or clock_rows.null_count:
        read &= (pc.is_valid(day_rows).to_numpy(zero_copy_only=False)
                 & pc.is_valid(clock_rows).to_numpy(zero_copy_only=False))
    other = np.flatnonzero(~read)  # few: missing, unreadable, on a day the clock changes
    if len(other):
        parsed = (day_known[d[other]] & pc.is_valid(seconds).to_numpy(zero_copy_only=False)[c[other]]
                  & pc.is_valid(pc.take(day_rows, other)).to_numpy(zero_copy_only=False)
                  & pc.is_valid(pc.take(clock_rows, other)).to_numpy(zero_copy_only=False))
        alone = other[parsed]
        read[alone] = True
    if len(other) and len(alone):
        texts = _zoned(_local(pc.take(day, d[alone]), pc.take(seconds, c[alone])), zone)
        if not pc.all(pc.equal(pc.binary_length(texts), _ISO_WIDTH)).as_py():
            return _joined(day, day_rows, seconds, clock_rows, zone)
        out[alone] = _value_bytes(texts).reshape(-1, _ISO_WIDTH)
    if read.all():
        offsets = np.arange(0, _ISO_WIDTH * (len(d) + 1), _ISO_WIDTH, dtype=np.int32)
        return pa.Array.from_buffers(pa.string(), len(d), [None, pa.py_buffer(offsets),
                                                           pa.py_buffer(out)])
    offsets = np.concatenate([[0], np.cumsum(np.where(read, _ISO_WIDTH, 0))]).astype(np.int32)
    validity = pa.array(read).buffers()[1]
    return pa.Array.from_buffers(pa.string(), len(d), [validity, pa.py_buffer(offsets),
                                                       pa.py_buffer(out[read])],
                                 null_count=int(len(d) - read.sum()))


_ISO_WIDTH = 25  # len("2026-03-29 02:30:00+01:00")
_ISO_ROW = np.dtype([("day", "V11"), ("clock", "V8"), ("offset", "V6")])


def _fixed_width(text: pa.Array, width: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(bytes of each value as a row of `width`, whether the value is there) when every
    value there has `width` bytes; None otherwise."""
    known = pc.is_valid(text).to_numpy(zero_copy_only=False)
    filled = pc.fill_null(text, "0" * width)
    if not pc.all(pc.equal(pc.binary_length(filled), width)).as_py():
        return None
    return _value_bytes(filled).view(f"V{width}"), known


def _joined(day, day_rows, seconds, clock_rows, zone: str) -> pa.Array:
    """As `_by_day_and_time`, by `_zoned` on each row's local time."""
    return _zoned(_local(pc.take(day, day_rows), pc.take(seconds, clock_rows)), zone)


def _day_offsets(days, zone: str):
    """The offset (seconds) in force all day on each day; null on a day the clock
    changes: a day whose first and last second have the same offset has it all day."""
    start = pc.cast(pc.cast(days, pa.timestamp("s")), pa.int64())
    ends = [_offsets(pc.cast(pc.add(start, shift), pa.timestamp("s")), zone)
            for shift in (0, 86_399)]
    steady = pc.and_(pc.equal(ends[0][0], ends[1][0]), pc.and_(ends[0][1], ends[1][1]))
    return pc.if_else(steady, ends[0][0], pa.scalar(None, pa.int64()))


def _zoned(local, zone: str):
    """Local clock times → `YYYY-MM-DD HH:MM:SS+hh:mm` with the offset in force then.

    The offset is looked up once per distinct day: a day whose first and last second
    have the same offset has it all day. Only rows on a day the clock changes are
    converted one by one: a time the change skips (a spring-forward gap) moves to the
    gap's end, an ambiguous one takes the earlier offset."""
    local = _flat(local)
    days = pc.cast(local, pa.date32())
    distinct = pc.unique(days).drop_null()
    offset = pc.take(_day_offsets(distinct, zone), pc.index_in(days, value_set=distinct))
    wall = local
    changing = pc.and_(pc.is_null(offset), pc.is_valid(local))
    if pc.any(changing).as_py():
        picked = pc.filter(local, changing)
        aware = pc.assume_timezone(picked, timezone=zone, ambiguous="earliest",
                                   nonexistent="latest")
        moved = pc.local_timestamp(aware)
        exact = pc.subtract(pc.cast(moved, pa.int64()),
                            pc.cast(pc.cast(aware, pa.timestamp("s")), pa.int64()))
        offset = pc.replace_with_mask(offset, changing, exact)
        wall = pc.replace_with_mask(local, changing, pc.cast(moved, pa.timestamp("s")))
    return pc.binary_join_element_wise(pc.cast(wall, pa.string()), _offset_text(offset), "")


def _offsets(local, zone: str):
    """(offset in seconds, whether the local time exists unchanged) of each value."""
    aware = pc.assume_timezone(local, timezone=zone, ambiguous="earliest", nonexistent="latest")
    offset = pc.subtract(pc.cast(local, pa.int64()),
                         pc.cast(pc.cast(aware, pa.timestamp("s")), pa.int64()))
    same = pc.equal(pc.cast(pc.local_timestamp(aware), pa.int64()), pc.cast(local, pa.int64()))
    return offset, same


def _without_rollover(local: pa.Array, text: pa.Array, fmt: str) -> pa.Array:
    """strptime rolls 31.02 over into 3 March: such a day lands on the 1st to 3rd and
    its text gives another day of the month. Only those rows are checked: where the
    format is fixed-width (`%d.%m.%Y`, `%Y-%m-%d` …) the written day is a slice of the
    text; otherwise (and for values not zero-padded) the value is written back and
    compared."""
    if "%d" not in fmt and "%e" not in fmt:
        return local  # no day of the month to roll over (a time of day alone)
    suspect = pc.fill_null(pc.less_equal(pc.day(local), 3), False)
    if not pc.any(suspect).as_py():
        return local
    picked, written = pc.filter(local, suspect), pc.filter(text, suspect)
    at, width = _fixed_day_position(fmt)
    if at is not None:
        fixed = pc.equal(pc.utf8_length(written), width)
        same = pc.equal(_day_digits(written, at), pc.cast(pc.day(picked), pa.int64()))
    else:
        fixed, same = pa.repeat(pa.scalar(False), len(picked)), pa.repeat(pa.scalar(False), len(picked))
    loose = pc.invert(fixed)
    if pc.any(loose).as_py():
        back = pc.equal(_unpadded(pc.strftime(picked, format=fmt)), _unpadded(written))
        same = pc.if_else(loose, back, same)
    bad = pc.replace_with_mask(pa.repeat(pa.scalar(False), len(local)), suspect,
                               pc.invert(pc.fill_null(same, False)))
    return pc.if_else(bad, pa.scalar(None, local.type), local)


_WIDTHS = {"%Y": 4, "%m": 2, "%d": 2, "%H": 2, "%M": 2, "%S": 2, "%y": 2}


def _fixed_day_position(fmt: str) -> tuple[int | None, int]:
    """(character offset of the day, total width) when every directive is fixed-width."""
    width, i, day = 0, 0, None
    while i < len(fmt):
        if fmt[i] == "%":
            directive = fmt[i:i + 2]
            if directive not in _WIDTHS:
                return None, 0
            if directive == "%d":
                day = width
            width += _WIDTHS[directive]
            i += 2
        else:
            width += 1
            i += 1
    return day, width


def _day_digits(text, at: int):
    digits = pc.utf8_slice_codeunits(text, at, at + 2)
    numeric = pc.fill_null(pc.match_substring_regex(digits, r"^\d\d$"), False)
    return pc.cast(pc.if_else(numeric, digits, pa.scalar(None, pa.string())), pa.int64())


def _chunks(values) -> list[pa.Array]:
    return values.chunks if isinstance(values, pa.ChunkedArray) else [values]


def _value_bytes(values: pa.Array) -> np.ndarray:
    """The bytes of a string array's values, without copying."""
    _, offsets, data = values.buffers()
    if data is None or not len(values):
        return np.zeros(0, np.uint8)
    bounds = np.frombuffer(offsets, np.int32)[values.offset:values.offset + len(values) + 1]
    return np.frombuffer(data, np.uint8)[bounds[0]:bounds[-1]]


class _Bytes:
    """The bytes of a string column's values, asked whether they hold a character: a
    comparison over the bytes, without a copy, instead of a string kernel per value."""

    def __init__(self, values) -> None:
        chunks = _chunks(values)
        self.known = all(pa.types.is_string(chunk.type) for chunk in chunks)
        self.parts = [_value_bytes(chunk) for chunk in chunks] if self.known else []

    def may_hold(self, text: str) -> bool:
        """False only where `text` is one ASCII character that no value holds."""
        if not self.known or len(text) != 1 or ord(text) >= 0x80:
            return True
        return any((part == ord(text)).any() for part in self.parts)

    def may_need_trim(self) -> bool:
        """False where no byte is ASCII whitespace, a control or part of a non-ASCII
        character (Unicode whitespace)."""
        return not self.known or any(
            len(part) and (part.min() <= 0x20 or part.max() >= 0x80) for part in self.parts)


def _replace_char(values, old: str, new: str):
    """`old` replaced by `new`: one ASCII byte by another in place of a copy of the
    bytes, offsets unchanged; anything else by `replace_substring`."""
    one_byte = len(old) == len(new) == 1 and ord(old) < 0x80 and ord(new) < 0x80
    if not one_byte or not pa.types.is_string(values.type):
        return pc.replace_substring(values, old, new)
    chunks = []
    for chunk in _chunks(values):
        validity, offsets, data = chunk.buffers()
        if data is None:
            chunks.append(chunk)
            continue
        swapped = bytes(memoryview(data)).translate(bytes.maketrans(old.encode(), new.encode()))
        chunks.append(pa.Array.from_buffers(pa.string(), len(chunk),
                                            [validity, offsets, pa.py_buffer(swapped)],
                                            null_count=chunk.null_count, offset=chunk.offset))
    if isinstance(values, pa.ChunkedArray):
        return pa.chunked_array(chunks, pa.string())
    return chunks[0]


def _flat(values):
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _iso_date(local):
    return pc.cast(pc.cast(local, pa.date32()), pa.string())


def _offset_text(seconds):
    """`+02:00` for 7200: a column holds few distinct offsets, each written once."""
    distinct = pc.unique(seconds).drop_null()
    texts = []
    for value in distinct.to_pylist():
        minutes = value // 60
        sign = "-" if minutes < 0 else "+"
        texts.append(f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}")
    return pc.take(pa.array(texts, pa.string()), pc.index_in(seconds, value_set=distinct))


def _unpadded(text):
    return pc.replace_substring_regex(text, r"(^|\D)0+(\d)", r"\1\2")


def _has_time(fmt: str) -> bool:
    return any(d in fmt for d in ("%H", "%I", "%M", "%S", "%T", "%R", "%c"))


def _blank_zero(number):
    """A zero in the unused one of two amount columns means empty."""
    zero = pc.fill_null(pc.match_substring_regex(number, r"^0*(\.0*)?$"), True)
    return pc.if_else(zero, pa.scalar(None, pa.string()), number)


def _mapped(value, mapping: dict[str, str]):
    """Values found in `mapping` replaced; others passed on as written."""
    keys = pa.array(list(mapping), pa.string())
    targets = pa.array(list(mapping.values()), pa.string())
    index = pc.index_in(value, value_set=keys)
    return pc.coalesce(pc.take(targets, index), value)


def _chunked(value) -> pa.ChunkedArray:
    if isinstance(value, pa.ChunkedArray):
        return value.cast(pa.string())
    return pa.chunked_array([value], pa.string()) if len(value) else pa.chunked_array([], pa.string())


def _names(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _layout(spec: dict) -> str:
    for layout in DERIVED_DIRECTION:
        if layout in spec:
            return layout
    return "column"


def _used_columns(spec: dict) -> list[str]:
    used = _names(spec["column"]) if "column" in spec else []
    if "signed" in spec:
        used.append(spec["signed"])
    if "flag" in spec:
        used.append(spec["flag"]["column"])
    for side in ("debit", "credit"):
        if side in spec:
            used.append(spec[side])
    return used


# --- loading -----------------------------------------------------------------------------


def _schema() -> dict:
    return json.loads(resources.files("fiu.io").joinpath("profile.schema.json").read_text())


def load_profile(path: str | Path) -> list[FileProfile]:
    """The file profiles of one profile file; `ProfileError` lists every problem as
    `file:line key: message`."""
    import jsonschema

    path = Path(path)
    text = path.read_text(encoding="utf-8")
    errors: list[str] = []
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise ProfileError([f"{path}:{mark.line + 1 if mark else 1} yaml: {err}"]) from err
    validator = jsonschema.Draft202012Validator(_schema())
    for error in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        where = list(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            from difflib import get_close_matches

            known = list(error.schema.get("properties", {}))
            for extra in sorted(set(error.instance) - set(known)):
                close = get_close_matches(str(extra), known, n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                errors.append(f"{path}:{line_of(node, [*where, extra])} "
                              f"{_key_text([*where, extra])}: unknown key{hint}")
            continue
        key = _key_text(where) or "profile"
        errors.append(f"{path}:{line_of(node, where)} {key}: {_schema_message(error)}")
    if errors:
        raise ProfileError(errors)
    profiles = []
    for index, entry in enumerate(data["files"]):
        profile, problems = _file_profile(path, index, data["partner_id"], entry)
        errors += [f"{path}:{line_of(node, ['files', index, *where])} "
                   f"{_key_text(['files', index, *where])}: {message}"
                   for where, message in problems]
        profiles.append(profile)
    if errors:
        raise ProfileError(errors)
    return profiles


def _schema_message(error) -> str:
    if error.validator == "oneOf" and isinstance(error.instance, dict):
        return f"not a column spec: {json.dumps(error.instance)[:120]}"
    return error.message


def _key_text(path: list) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def _file_profile(path: Path, index: int, partner_id: str, entry: dict):
    """A `FileProfile` and its semantic problems ([(key path, message)])."""
    kind = entry["kind"]
    problems: list[tuple[list, str]] = []
    contract = {c.name: c for c in COLUMNS[kind]}
    columns: dict[str, dict] = {}
    fmt = entry.get("format") or ("camt" if any(str(g).lower().endswith(".xml")
                                                for g in _names(entry["match"])) else "csv")
    if fmt == "camt" and kind != TRANSACTIONS:
        problems.append((["kind"], "a camt statement holds transactions"))
    for name, spec in (entry.get("columns") or {}).items():
        spec = {"column": spec} if isinstance(spec, str) else dict(spec)
        columns[name] = spec
        where = ["columns", name]
        if name not in contract and name != PRECISION:
            from difflib import get_close_matches

            close = get_close_matches(name, list(contract), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            problems.append((where, f"not a {kind} field of the contract{hint}"))
            continue
        if fmt == "camt":
            if set(spec) - {"value", "map"}:
                problems.append((where, "a camt field takes a `value` or a `map` of its codes"))
            continue
        sources = [k for k in ("column", "value", "signed", "debit") if k in spec]
        if "flag" in spec and "column" not in spec:
            problems.append((where, "`flag` needs the amount's `column`"))
        if "debit" in spec and "credit" not in spec or "credit" in spec and "debit" not in spec:
            problems.append((where, "two amount columns need both `debit` and `credit`"))
        if len(sources) != 1:
            problems.append((where, "give exactly one of column, value, signed, debit+credit"))
        if _layout(spec) != "column" and not (name == "amount" and kind == TRANSACTIONS):
            problems.append((where, "signed, flag and debit/credit are amount layouts"))
        if "format" in spec and name in contract and contract[name].type not in (DATE, DATETIME):
            problems.append((where + ["format"], "a format is for date and date-time fields"))
        if "format" in spec and "%z" in spec["format"].lower():
            problems.append((where + ["format"], "give the zone as `timezone`, not %z"))
        timed = name in contract and contract[name].type == DATETIME and "format" in spec \
            and _has_time(spec["format"])
        if timed and not (spec.get("timezone") or entry.get("timezone")):
            problems.append((where, "a date-time format needs a `timezone` (IANA name)"))
    if "amount" in columns and _layout(columns["amount"]) != "column" and "direction" in columns:
        problems.append((["columns", "direction"],
                         "the amount layout gives the direction already; remove one"))
    given = set(columns) | {"partner_id"}
    if "amount" in columns and _layout(columns["amount"]) != "column":
        given.add("direction")
    if fmt == "csv":
        for name in required_columns(kind):
            if name not in given:
                problems.append((["columns"], (f"no mapping for required field {name!r}: "
                                               "map a column or give a `value`")))
    for zone_at, zone in [(["timezone"], entry.get("timezone"))] + [
        (["columns", n, "timezone"], s.get("timezone")) for n, s in columns.items()
    ]:
        if zone and not _known_zone(zone):
            problems.append((zone_at, f"unknown time zone {zone!r} (an IANA name, e.g. Europe/Berlin)"))
    if "encoding" in entry:
        import codecs

        try:
            codecs.lookup(entry["encoding"])
        except LookupError:
            problems.append((["encoding"], f"unknown encoding {entry['encoding']!r}"))
    profile = FileProfile(
        path=str(path), index=index, partner_id=partner_id, kind=kind,
        match=tuple(_names(entry["match"])), format=fmt,
        encoding=entry.get("encoding", "utf-8"), delimiter=entry.get("delimiter", ","),
        quote=entry.get("quote", '"'), skip_rows=entry.get("skip_rows", 0),
        decimal=entry.get("decimal", "."), thousands=entry.get("thousands"),
        timezone=entry.get("timezone"), columns=columns,
        ignore=tuple(entry["ignore"]) if "ignore" in entry else None,
    )
    if profile.decimal == profile.thousands:
        problems.append((["thousands"], "the same character as `decimal`"))
    return profile, problems


def _known_zone(zone: str) -> bool:
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(zone)
        return True
    except Exception:  # noqa: BLE001 - ZoneInfoNotFoundError, ValueError for odd names
        return False


def load_profiles(folder: str | Path) -> list[FileProfile]:
    """Every file profile of a folder's `*.yaml` / `*.yml`, sorted by file; all problems of
    all files raised at once."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"no profiles folder: {folder}")
    errors: list[str] = []
    profiles: list[FileProfile] = []
    partners: dict[str, str] = {}
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        try:
            loaded = load_profile(path)
        except ProfileError as err:
            errors += err.errors
            continue
        for profile in loaded:
            other = partners.setdefault(profile.partner_id, path.name)
            if other != path.name:
                errors.append(f"{path}:1 partner_id: {profile.partner_id!r} has a profile "
                              f"in {other} already")
                break
        profiles += loaded
    if errors:
        raise ProfileError(errors)
    return profiles


def profile_for(name: str, profiles: list[FileProfile]) -> FileProfile | None:
    """The one file profile whose glob matches `name`; two is an error."""
    found = [p for p in profiles if p.matches(name)]
    if len(found) > 1:
        raise InputError(name, "matched by more than one profile: "
                               + ", ".join(p.key("match") for p in found))
    return found[0] if found else None


