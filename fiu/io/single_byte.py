"""Text in a single-byte encoding (Latin-1, Windows-1252, ASCII …) made UTF-8 column by
column, after parsing instead of before.

In such an encoding every byte is one character and the ASCII bytes mean what they mean
in UTF-8, so delimiters, quotes and newlines are found in the raw bytes exactly as in
the decoded text. A partner's export is mostly ASCII (account numbers, dates, amounts,
codes): parsing the raw bytes and transcoding only the columns that hold a byte ≥ 0x80
copies a few names and memos instead of the whole file. A value's UTF-8 offsets follow
from counting, before it, the bytes that grow in UTF-8 (one more byte each for Latin-1).
"""
from __future__ import annotations

import codecs
import sys
from functools import lru_cache

import numpy as np
import pyarrow as pa

_ASCII = "".join(map(chr, range(128)))
_UNDEFINED = "\ufffe"  # how Python's charmap tables mark a byte the encoding lacks


@lru_cache(maxsize=32)
def byte_table(encoding: str) -> str | None:
    """The 256 characters of `encoding` by byte value (`\\ufffe` where undefined) when it
    is a single-byte encoding that keeps ASCII as it is; None for any other encoding."""
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        return None
    if info.name == "iso8859-1":
        table = "".join(map(chr, range(256)))
    elif info.name == "ascii":
        table = _ASCII + _UNDEFINED * 128
    else:
        # Python's single-byte codecs are charmap codecs: their module holds the table.
        owner = getattr(info.decode, "__self__", None)
        table = getattr(sys.modules.get(type(owner).__module__), "decoding_table", None)
    if not isinstance(table, str) or len(table) != 256 or table[:128] != _ASCII:
        return None
    return table


def first_undefined(data: bytes, start: int, encoding: str) -> int | None:
    """The offset of the first byte from `start` on that `encoding` does not define."""
    table = byte_table(encoding)
    assert table is not None
    undefined = np.array([c == _UNDEFINED for c in table])
    if not undefined.any() or data.isascii():
        return None
    raw = np.frombuffer(data, np.uint8)[start:]
    high = np.flatnonzero(raw >= 0x80)
    bad = high[undefined[raw[high]]]
    return start + int(bad[0]) if len(bad) else None


def to_utf8(table: pa.Table, encoding: str) -> pa.Table:
    """Every string column (or dictionary of strings) of `table`, read from bytes in
    `encoding`, as UTF-8; a column without a byte ≥ 0x80 is UTF-8 already and kept."""
    grow = _growth(encoding)
    columns = []
    for column in table.columns:
        chunks = []
        for chunk in column.chunks:
            if pa.types.is_dictionary(chunk.type):
                words = _recoded(chunk.dictionary, encoding, grow)
                if words is not chunk.dictionary:
                    chunk = pa.DictionaryArray.from_arrays(chunk.indices, words)
            elif pa.types.is_string(chunk.type):
                chunk = _recoded(chunk, encoding, grow)
            chunks.append(chunk)
        columns.append(pa.chunked_array(chunks, column.type))
    return pa.Table.from_arrays(columns, names=table.column_names)


@lru_cache(maxsize=32)
def _growth(encoding: str) -> np.ndarray:
    """By byte value: how many bytes more its character takes in UTF-8."""
    table = byte_table(encoding)
    assert table is not None
    return np.array([len(c.encode("utf-8", "surrogatepass")) - 1 for c in table], np.int64)


def _recoded(values: pa.Array, encoding: str, grow: np.ndarray) -> pa.Array:
    validity, offsets_buffer, data = values.buffers()
    if data is None or not len(values):
        return values
    offsets = np.frombuffer(offsets_buffer, np.int32)[: values.offset + len(values) + 1]
    first, last = int(offsets[values.offset]), int(offsets[-1])
    raw = np.frombuffer(data, np.uint8)[first:last]
    if not len(raw) or raw.max() < 0x80:
        return values
    high = np.flatnonzero(raw >= 0x80)
    text = str(memoryview(data)[first:last], encoding).encode("utf-8")
    # The value each growing byte is in, and so how far each value's offset moves.
    relative = np.maximum(offsets.astype(np.int64) - first, 0)
    owner = np.searchsorted(relative, high, side="right")
    growth = np.bincount(owner, weights=grow[raw[high]], minlength=len(relative))
    moved = relative + np.cumsum(growth).astype(np.int64)
    return pa.Array.from_buffers(
        pa.string(), len(values),
        [validity, pa.py_buffer(moved.astype(np.int32)), pa.py_buffer(text)],
        null_count=values.null_count, offset=values.offset,
    )
