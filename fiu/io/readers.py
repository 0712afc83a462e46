"""Read an input file into raw record batches: every field a string, plus `_file`, `_row`.

Each format has a fast vectorised path (pyarrow's CSV, JSON and Parquet readers). A
file the fast path cannot read row-exactly (a CSV row with the wrong number of fields,
a JSON line that is not an object, mixed JSON types) is read again by the exact path,
which knows every row's number, so a broken row is quarantined by number instead of
failing the file. Only a file that is unreadable as a whole raises `InputError`.

`Limits` (fiu/io/limits.py) bound what one file may hold: a row with a field longer
than `max_field_chars` is quarantined (vectorised check, after the read), a file with
more than `max_rows_per_file` rows is an `InputError`, found as early as each format
allows (Parquet from its metadata, CSV batch by batch).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.json as pjson
import pyarrow.parquet as pq

from fiu.contract import FILE, ROW, column_names, list_columns, raw_schema, required_columns
from fiu.errors import InputError
from fiu.io.inputs import InputFile
from fiu.io.single_byte import byte_table, first_undefined, to_utf8
from fiu.io.limits import (
    DEFAULT_LIMITS,
    Limits,
    check_row_count,
    failure,
    field_lengths,
    over_long,
    shorten,
)

BATCH_ROWS = 131_072  # validation costs ~25 ms a batch whatever its rows: fewer, larger batches
LIST_SEPARATOR = ";"
# A row the reader could not split into fields: quarantined under this name.
ROW_SHAPE = "row_is_well_formed"


@dataclass
class ReadResult:
    """Batches of one file and the rows that could not be read as records."""

    batches: list[pa.RecordBatch] = field(default_factory=list)
    broken: list[dict] = field(default_factory=list)  # quarantine lines
    ignored_columns: list[str] = field(default_factory=list)


def read_file(
    source: InputFile, batch_rows: int = BATCH_ROWS, limits: Limits = DEFAULT_LIMITS
) -> ReadResult:
    """All raw batches of one file, with its broken rows (including rows with a field
    over `limits.max_field_chars`)."""
    path = Path(source.path)
    try:
        if source.format == "csv":
            result = _read_csv(source, path, batch_rows, limits)
        elif source.format == "jsonl":
            result = _read_jsonl(source, path, batch_rows)
        elif source.format == "camt":
            from fiu.io.camt import read_camt

            result = read_camt(source, path, batch_rows)
        else:
            result = _read_parquet(source, path, batch_rows, limits)
    except InputError:
        raise
    except UnicodeDecodeError as err:
        raise InputError(source.name, f"not UTF-8: byte {err.start} cannot be decoded") from err
    except (pa.ArrowInvalid, OSError, ValueError, csv.Error) as err:
        raise InputError(source.name, f"cannot read {source.format} file: {err}") from err
    check_row_count(
        source.name, sum(b.num_rows for b in result.batches) + len(result.broken), limits
    )
    return _quarantine_over_long(source, result, limits)


def records_digest(kind: str, batches: list[pa.RecordBatch]) -> str:
    """sha256 of a file's records as the contract reads them, in order, whatever the
    file's format, shape or batch sizes: the fields of each row in contract order
    (`\x1f` between list items, `\x00` for empty, `\x1e` after each field), so the
    same rows from a partner's export and from a contract-shaped file agree."""
    digest = hashlib.sha256(kind.encode("utf-8") + b"\n")
    for batch in batches:
        if not batch.num_rows:
            continue
        fields = []
        for name in column_names(kind):
            column = batch.column(name)
            if pa.types.is_list(column.type):
                column = pc.binary_join(column, "\x1f")
            fields.append(pc.fill_null(column, "\x00"))
        rows = pc.binary_join_element_wise(*fields, pa.scalar(""), "\x1e")
        _, offsets, data = rows.buffers()
        bounds = np.frombuffer(offsets, np.int32)[rows.offset:rows.offset + len(rows) + 1]
        digest.update(memoryview(data)[bounds[0]:bounds[-1]])
    return digest.hexdigest()


def _quarantine_over_long(source: InputFile, result: ReadResult, limits: Limits) -> ReadResult:
    """Move every row with a field over the limit from the batches to the broken rows,
    one failure per over-long column; over-long values in quarantine lines are cut."""
    names = column_names(source.kind)
    batches = []
    for batch in result.batches:
        found = over_long(batch, names, limits)
        if not found:
            batches.append(batch)
            continue
        bad = np.zeros(batch.num_rows, dtype=bool)
        for mask in found.values():
            bad |= mask
        picked = batch.filter(pa.array(bad))
        lengths = {name: field_lengths(picked.column(name)) for name in found}
        for i, record in enumerate(picked.to_pylist()):
            failures = [
                failure(name, int(lengths[name][i]), limits)
                for name in sorted(found)
                if lengths[name][i] > limits.max_field_chars
            ]
            raw = {
                name: shorten(record[name]) if name in found else record[name] for name in names
            }
            result.broken.append(
                {"file": record[FILE], "row": record[ROW], "raw": raw, "failures": failures}
            )
        kept = batch.filter(pa.array(~bad))
        if kept.num_rows:
            batches.append(kept)
    result.batches = batches
    for line in result.broken:
        raw = line["raw"]
        if isinstance(raw, dict):
            line["raw"] = {
                k: shorten(v) if isinstance(v, str) and len(v) > limits.max_field_chars else v
                for k, v in raw.items()
            }
    return result


def check_header(source: InputFile) -> None:
    """File-level problems found before a job starts: unreadable file, wrong encoding,
    a required column missing from a CSV header or Parquet schema."""
    path = Path(source.path)
    try:
        if source.format == "camt":
            from fiu.io.camt import check_camt

            check_camt(source, path)
            return
        if source.format == "csv":
            data, start, encoding = _csv_bytes(source, path)
            _check_text(source, data, start)
            names = _csv_header(source, data, encoding, start)
            if source.profile is not None:
                source.profile.check_header(source.name, names)
                return
        elif source.format == "parquet":
            names = pq.read_schema(path).names
        else:
            data = path.read_bytes()
            _check_text(source, data)
            _check_json_keys(source, data)
            return
    except UnicodeDecodeError as err:
        raise InputError(source.name, f"not UTF-8: byte {err.start} cannot be decoded") from err
    except (pa.ArrowInvalid, OSError, csv.Error) as err:
        raise InputError(source.name, f"cannot read {source.format} file: {err}") from err
    missing = [c for c in required_columns(source.kind) if c not in names]
    if missing:
        raise InputError(source.name, f"missing required column(s): {', '.join(missing)}")


def _check_text(source: InputFile, data: bytes, start: int = 0) -> None:
    """A text file (from offset `start`) must be UTF-8 without NUL bytes; a CSV must not
    end inside a quoted field (an odd number of `"` in RFC 4180 means the file was cut
    off)."""
    if not _transcoded(source):  # decoded from the profile's encoding: UTF-8 already
        str(memoryview(data)[start:], "utf-8")
    nul = data.find(b"\x00", start)
    if nul >= 0:
        raise InputError(source.name, f"binary content: NUL byte at offset {nul - start}, "
                                      "not a text file")
    if source.format == "csv" and data.count(b'"', start) % 2:
        raise InputError(
            source.name, "truncated: the file ends inside a quoted field (unbalanced quote)"
        )


def _check_json_keys(source: InputFile, data: bytes) -> None:
    """A required column that no line of a JSON Lines file has as a key is missing."""
    if not data.strip():
        return
    missing = [
        name for name in required_columns(source.kind)
        if re.search(rb'"' + re.escape(name.encode()) + rb'"\s*:', data) is None
    ]
    if missing:
        raise InputError(source.name, f"missing required column(s): {', '.join(missing)}")


def read_batches(source: InputFile, batch_rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
    """The raw batches of one file (broken rows left out; see `read_file`)."""
    yield from read_file(source, batch_rows).batches


# --- conforming a batch to the contract ---------------------------------------------


def _conform(kind: str, table: pa.Table, source: InputFile, rows: pa.Array) -> pa.Table:
    """Select contract columns as strings, split CSV list fields, add `_file`, `_row`."""
    present = set(table.column_names)
    missing = [c for c in required_columns(kind) if c not in present]
    if missing:
        raise InputError(source.name, f"missing required column(s): {', '.join(missing)}")
    schema = raw_schema(kind)
    columns = []
    for name in column_names(kind):
        target = schema.field(name).type
        if name not in present:
            columns.append(pa.nulls(table.num_rows, target))
            continue
        columns.append(_as_raw(table.column(name), target))
    columns += [pa.repeat(pa.scalar(source.name), table.num_rows), rows]
    return pa.Table.from_arrays(columns, schema=schema)


def _as_raw(column: pa.ChunkedArray, target: pa.DataType) -> pa.ChunkedArray:
    """A column as string (or list of strings); empty strings become null."""
    if pa.types.is_list(target):
        if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
            items = pc.cast(column, pa.list_(pa.string()))
        else:
            text = _to_string(column)
            items = pc.split_pattern(text, LIST_SEPARATOR)
        items = _strip_list_items(items)
        return items
    return _blank_to_null(_to_string(column))


def _to_string(column: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_string(column.type):
        return column
    if pa.types.is_large_string(column.type):
        return pc.cast(column, pa.string())
    if pa.types.is_timestamp(column.type):
        fmt = "%Y-%m-%dT%H:%M:%S%z" if column.type.tz else "%Y-%m-%dT%H:%M:%S"
        return pc.strftime(column, format=fmt)
    if pa.types.is_date(column.type):
        return pc.strftime(column, format="%Y-%m-%d")
    if pa.types.is_null(column.type):
        return pc.cast(column, pa.string())
    if pa.types.is_list(column.type) or pa.types.is_struct(column.type):
        # A nested value where a scalar belongs: keep it visible as JSON text for the
        # quarantine line instead of failing the whole file.
        values = [None if v is None else json.dumps(v) for v in column.to_pylist()]
        return pa.chunked_array([pa.array(values, pa.string())])
    return pc.cast(column, pa.string())


def _blank_to_null(text: pa.ChunkedArray) -> pa.ChunkedArray:
    blank = pc.equal(pc.utf8_trim_whitespace(text), "")
    return pc.if_else(blank, pa.scalar(None, pa.string()), text)


def _strip_list_items(items: pa.ChunkedArray) -> pa.ChunkedArray:
    """Trim list items, drop empty ones; an empty list becomes null."""
    chunks = []
    for chunk in items.chunks:
        flat = pc.utf8_trim_whitespace(chunk.flatten())
        keep = pc.and_(pc.is_valid(flat), pc.not_equal(flat, ""))
        parents = pc.list_parent_indices(chunk)
        kept_parents = pc.filter(parents, keep)
        counts = _counts_per_parent(kept_parents, len(chunk))
        offsets = pa.array(_cumulative(counts), pa.int32())
        lists = pa.ListArray.from_arrays(offsets, pc.filter(flat, keep))
        empty = pc.or_(pc.is_null(chunk), pc.equal(pa.array(counts), 0))
        chunks.append(pc.if_else(empty, pa.scalar(None, lists.type), lists))
    return pa.chunked_array(chunks, type=pa.list_(pa.string()))


def _counts_per_parent(parents: pa.Array, length: int) -> list[int]:
    import numpy as np

    return np.bincount(parents.to_numpy(zero_copy_only=False), minlength=length).tolist()


def _cumulative(counts: list[int]) -> list[int]:
    import numpy as np

    return np.concatenate([[0], np.cumsum(counts, dtype=np.int64)]).tolist()


def _batched(table: pa.Table, batch_rows: int) -> list[pa.RecordBatch]:
    return table.combine_chunks().to_batches(max_chunksize=batch_rows) if table.num_rows else []


def _row_numbers(start: int, count: int) -> pa.Array:
    return pa.array(np.arange(start, start + count, dtype=np.int64))


def _broken_line(source: InputFile, row: int, raw: object, reason: str) -> dict:
    return {
        "file": source.name,
        "row": row,
        "raw": raw,
        "failures": [{"expectation": ROW_SHAPE, "column": None, "value": reason}],
    }


# --- CSV -------------------------------------------------------------------------------


def _read_csv(source: InputFile, path: Path, batch_rows: int, limits: Limits) -> ReadResult:
    data, start, encoding = _csv_bytes(source, path)
    _check_text(source, data, start)
    header = _csv_header(source, data, encoding, start)
    if source.profile is not None:
        source.profile.check_header(source.name, header)
    if encoding != "utf-8":
        try:
            return _read_csv_batches(source, data, start, header, batch_rows, limits, encoding)
        except pa.ArrowInvalid:
            # A row of the wrong shape, say: read again as UTF-8, where such a row is
            # quarantined by its number (and anything else refused as before).
            data, start = str(memoryview(data)[start:], encoding).encode("utf-8"), 0
    shape_errors: list[str] = []
    result = _read_csv_batches(source, data, start, header, batch_rows, limits, "utf-8",
                               shape_errors)
    if shape_errors:
        return _read_csv_exact(source, data[start:], header, batch_rows, limits)
    return result


def _read_csv_batches(
    source: InputFile, data: bytes, start: int, header: list[str], batch_rows: int,
    limits: Limits, encoding: str, shape_errors: list[str] | None = None,
) -> ReadResult:
    """pyarrow's CSV reader over the file from its header (at `start`, not copied).
    UTF-8 bytes: a row of the wrong shape is noted in `shape_errors` and the read
    stops. Bytes in a single-byte encoding: parsed as they are and transcoded column by
    column (`fiu.io.single_byte`); a row pyarrow refuses raises `ArrowInvalid` (its
    handler could not even decode the row)."""

    def note(row: pcsv.InvalidRow) -> str:
        assert shape_errors is not None
        shape_errors.append(row.text)
        return "skip"

    delimiter, quote = _dialect(source)
    raw = encoding != "utf-8"
    reader = pcsv.open_csv(
        pa.BufferReader(pa.py_buffer(data).slice(start)),
        read_options=pcsv.ReadOptions(block_size=1 << 24, use_threads=False,
                                      column_names=header if raw else None,
                                      skip_rows=1 if raw else 0),
        parse_options=pcsv.ParseOptions(invalid_row_handler=None if raw else note,
                                        newlines_in_values=True,
                                        delimiter=delimiter, quote_char=quote),
        convert_options=_convert_options(source, header),
    )
    result = ReadResult(ignored_columns=_ignored_of(source, header))
    start = 1
    for batch in reader:
        if shape_errors:
            break
        table = pa.Table.from_batches([batch])
        if raw:
            table = to_utf8(table, encoding)
        rows = _row_numbers(start, table.num_rows)
        start += table.num_rows
        check_row_count(source.name, start - 1, limits)
        table = _shaped(source, table)
        result.batches += _batched(_conform(source.kind, table, source, rows), batch_rows)
    return result


def _convert_options(source: InputFile, header: list[str]) -> pcsv.ConvertOptions:
    """Every column as text; through a profile only the columns it uses, and those it
    converts dictionary-encoded, so that each distinct value is converted once."""
    profile = source.profile
    wanted = header
    converted: set[str] = set()
    if profile is not None:
        wanted = [name for name in header if name in set(profile.used_columns())] or header
        converted = set(profile.dictionary_columns())
    codes = pa.dictionary(pa.int32(), pa.string())
    return pcsv.ConvertOptions(
        column_types={name: codes if name in converted else pa.string() for name in wanted},
        include_columns=wanted,
        check_utf8=False,  # checked once already, by `_check_text` or the transcoding
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )


def _csv_bytes(source: InputFile, path: Path) -> tuple[bytes, int, str]:
    """The file, the offset of its header (after the lines the profile says come before
    it) and the encoding its bytes are in: UTF-8 (a profile's encoding decoded), or a
    profile's single-byte encoding, checked here and transcoded by the reader only in
    the columns that need it. The file is not copied, or once where it is decoded."""
    data = path.read_bytes()
    profile = source.profile
    if profile is None:
        return data, 0, "utf-8"
    start = 0
    one_byte_newline = _ascii_compatible(profile.encoding)
    if profile.skip_rows and one_byte_newline:
        start = _after_lines(data, profile.skip_rows)
    if _transcoded(source) and byte_table(profile.encoding) is not None:
        bad = first_undefined(data, start, profile.encoding)
        if bad is not None:
            raise InputError(source.name, _not_encoded(profile, bad))
        return data, start, profile.encoding
    if _transcoded(source):
        try:
            data = str(memoryview(data)[start:], profile.encoding).encode("utf-8")
        except UnicodeDecodeError as err:
            raise InputError(source.name, _not_encoded(profile, start + err.start)) from err
        start = 0
    if profile.skip_rows and not one_byte_newline:
        start = _after_lines(data, profile.skip_rows)
    return data, start, "utf-8"


def _not_encoded(profile, offset: int) -> str:
    return (f"profile {profile.key('encoding')}: not {profile.encoding}: byte {offset} "
            "cannot be decoded")


def _ascii_compatible(encoding: str) -> bool:
    try:
        return '\n;,"'.encode(encoding) == b'\n;,"'
    except (LookupError, UnicodeError):
        return False


def _after_lines(data: bytes, lines: int) -> int:
    """The offset after the first `lines` lines (the end when there are fewer)."""
    at = 0
    for _ in range(lines):
        found = data.find(b"\n", at)
        if found < 0:
            return len(data)
        at = found + 1
    return at


def _transcoded(source: InputFile) -> bool:
    profile = source.profile
    return profile is not None and profile.encoding.replace("-", "").replace(
        "_", "").lower() not in ("utf8", "utf8sig")


def _dialect(source: InputFile) -> tuple[str, str]:
    profile = source.profile
    return (profile.delimiter, profile.quote) if profile is not None else (",", '"')


def _shaped(source: InputFile, table: pa.Table) -> pa.Table:
    """A partner's own columns mapped onto the contract's by its profile."""
    return table if source.profile is None else source.profile.apply(table, source.name)


def _ignored_of(source: InputFile, header: list[str]) -> list[str]:
    if source.profile is not None:
        return source.profile.ignored(header)
    return _ignored(source.kind, header)


def _csv_header(source: InputFile, data: bytes, encoding: str = "utf-8",
                start: int = 0) -> list[str]:
    delimiter, quote = _dialect(source)
    head = data[start:start + (1 << 16)]
    text = (head.decode(encoding, errors="ignore") if b"\n" in head
            else str(memoryview(data)[start:], encoding))
    with _unbounded_csv_fields():
        header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter,
                                 quotechar=quote), None)
    if not header:
        raise InputError(source.name, "empty file: no header row")
    header = [name.strip().lstrip("\ufeff") for name in header]
    if len(set(header)) != len(header):
        raise InputError(source.name, "header repeats a column name")
    return header


@contextmanager
def _unbounded_csv_fields():
    """Python's csv module refuses a field over 131,072 characters with `csv.Error`;
    the length limit is ours to apply (a row, not the file), so lift it while reading.
    The file is in memory already (`_check_text`), so this costs nothing more."""
    previous = csv.field_size_limit()
    csv.field_size_limit(_CSV_FIELD_MAX)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


_CSV_FIELD_MAX = min(sys.maxsize, 2**63 - 1)


def _read_csv_exact(
    source: InputFile, data: bytes, header: list[str], batch_rows: int,
    limits: Limits = DEFAULT_LIMITS,
) -> ReadResult:
    """Python's csv module, row by row: only for files with malformed rows."""
    result = ReadResult(ignored_columns=_ignored_of(source, header))
    values: dict[str, list[str | None]] = {name: [] for name in header}
    rows: list[int] = []
    delimiter, quote = _dialect(source)
    with _unbounded_csv_fields():
        handle = io.StringIO(data.decode("utf-8"), newline="")
        reader = csv.reader(handle, delimiter=delimiter, quotechar=quote)
        next(reader)
        for number, record in enumerate(reader, start=1):
            check_row_count(source.name, number, limits)
            if len(record) != len(header):
                raw = dict(zip(header, record))
                reason = f"{len(record)} fields where the header has {len(header)}"
                result.broken.append(_broken_line(source, number, raw, reason))
                continue
            rows.append(number)
            for name, value in zip(header, record):
                values[name].append(value if value != "" else None)
    table = _shaped(source, pa.table({name: pa.array(v, pa.string()) for name, v in values.items()}))
    rows_array = pa.array(rows, pa.int64())
    result.batches = _batched(_conform(source.kind, table, source, rows_array), batch_rows)
    return result


def _ignored(kind: str, header: list[str]) -> list[str]:
    known = set(column_names(kind))
    return [name for name in header if name not in known]


# --- JSON Lines ------------------------------------------------------------------------


def _read_jsonl(source: InputFile, path: Path, batch_rows: int) -> ReadResult:
    data = path.read_bytes()
    _check_text(source, data)  # wrong encoding or binary content: a file-level error
    _check_json_keys(source, data)
    # Only a file whose every line starts an object goes to pyarrow: pyarrow 25 crashes
    # the process (SIGSEGV) on a first line `null`, and reads a later `null` line as a
    # row of nulls instead of refusing it. Anything else takes the exact path.
    exact = (
        b"\n\n" in data or data.startswith(b"\n") or b"\r" in data
        or _NOT_AN_OBJECT_LINE.search(data) is not None
    )
    if not exact:
        # An explicit all-string schema: inference would turn "1964-06-14" into a
        # timestamp. A JSON number or other non-string value sends the file to the
        # exact path, which turns it into text.
        contract = raw_schema(source.kind)
        schema = pa.schema([f for f in contract if not f.name.startswith("_")])
        options = pjson.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore")
        try:
            table = pjson.read_json(io.BytesIO(data), parse_options=options)
        except pa.ArrowInvalid:
            exact = True
    if exact:
        return _read_jsonl_exact(source, data, batch_rows)
    result = ReadResult()
    rows = _row_numbers(1, table.num_rows)
    result.batches = _batched(_conform(source.kind, table, source, rows), batch_rows)
    return result


_NOT_AN_OBJECT_LINE = re.compile(rb"(?m)^[ \t]*[^{ \t\n]")


def _read_jsonl_exact(source: InputFile, data: bytes, batch_rows: int) -> ReadResult:
    """One `json.loads` a line: only for files the vectorised reader rejects."""
    kind = source.kind
    names = column_names(kind)
    lists = set(list_columns(kind))
    values: dict[str, list] = {name: [] for name in names}
    rows: list[int] = []
    result = ReadResult()
    seen_keys: set[str] = set()
    for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            result.broken.append(_broken_line(source, number, line, f"invalid JSON: {err.msg}"))
            continue
        if not isinstance(record, dict):
            result.broken.append(_broken_line(source, number, line, "not a JSON object"))
            continue
        seen_keys.update(record)
        rows.append(number)
        for name in names:
            value = record.get(name)
            values[name].append(_json_value(value, name in lists))
    if result.broken and not rows:
        raise InputError(source.name, "not JSON Lines: no line is a JSON object")
    result.ignored_columns = sorted(seen_keys - set(names))
    present = {n for n in names if n in seen_keys}
    missing = [c for c in required_columns(kind) if c not in present]
    if rows and missing:
        raise InputError(source.name, f"missing required column(s): {', '.join(missing)}")
    table = pa.table(
        {
            name: pa.array(values[name], pa.list_(pa.string()) if name in lists else pa.string())
            for name in names
            if name in present or name not in required_columns(kind)
        }
    )
    if not rows:
        table = pa.table({name: pa.array([], pa.string()) for name in required_columns(kind)})
    result.batches = _batched(
        _conform(kind, table, source, pa.array(rows, pa.int64())), batch_rows
    )
    return result


def _json_value(value: object, is_list: bool) -> object:
    if value is None:
        return None
    if is_list:
        items = value if isinstance(value, list) else str(value).split(LIST_SEPARATOR)
        return [_scalar_text(v) for v in items if v is not None]
    return _scalar_text(value)


def _scalar_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    return json.dumps(value, sort_keys=True)


# --- Parquet ---------------------------------------------------------------------------


def _read_parquet(source: InputFile, path: Path, batch_rows: int, limits: Limits) -> ReadResult:
    parquet = pq.ParquetFile(path)
    check_row_count(source.name, parquet.metadata.num_rows, limits)
    header = parquet.schema_arrow.names
    result = ReadResult(ignored_columns=_ignored(source.kind, header))
    wanted = [name for name in column_names(source.kind) if name in header]
    start = 1
    for batch in parquet.iter_batches(batch_size=batch_rows, columns=wanted):
        table = pa.Table.from_batches([batch])
        _check_utf8(source, table, start)
        rows = _row_numbers(start, table.num_rows)
        start += table.num_rows
        result.batches += _batched(_conform(source.kind, table, source, rows), batch_rows)
    if start == 1:
        missing = [c for c in required_columns(source.kind) if c not in header]
        if missing:
            raise InputError(source.name, f"missing required column(s): {', '.join(missing)}")
    return result


def _check_utf8(source: InputFile, table: pa.Table, first_row: int) -> None:
    """Parquet does not enforce that its strings are UTF-8, and Arrow reads them as they
    are; a string that is not is the wrong encoding, a file-level error as in a text file."""
    for name in table.column_names:
        column = table.column(name)
        try:
            column.validate(full=True)
        except pa.ArrowInvalid:
            row, at = _first_undecodable(column)
            raise InputError(source.name, f"not UTF-8: byte {at} cannot be decoded",
                             row=first_row + row, column=name) from None


def _first_undecodable(column: pa.ChunkedArray) -> tuple[int, int]:
    """(row index, byte offset) of the first value that is not UTF-8."""
    values = column.combine_chunks()
    rows = np.arange(len(values))
    if pa.types.is_list(values.type):
        rows = pc.list_parent_indices(values).to_numpy()
        values = values.flatten()
    # One Python value at a time, only in a column already known to hold a bad one.
    for index, value in enumerate(values.cast(pa.binary()).to_pylist()):
        try:
            (value or b"").decode("utf-8")
        except UnicodeDecodeError as err:
            return int(rows[index]), err.start
    return 0, 0


__all__ = ["FILE", "ROW", "ReadResult", "read_batches", "read_file"]
