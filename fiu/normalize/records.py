"""Add the normalised party columns (architecture.md §2) to accounts and osint batches."""
from __future__ import annotations

from typing import TypeVar

import pyarrow as pa
import pyarrow.compute as pc

from ..contract import ACCOUNTS, OSINT
from .addresses import address_keys, normalise_addresses
from .emails import normalise_emails
from .names import party_name_lists, typed_names
from .phones import DEFAULT_REGION, to_e164

NORM_COLUMNS = (
    "name_norm",
    "aliases_norm",
    "related_names_norm",
    "phone_norm",
    "email_norm",
    "address_norm",
    "address_key",
)
Batch = TypeVar("Batch", pa.RecordBatch, pa.Table)


def _column(batch: pa.RecordBatch | pa.Table, name: str, type_: pa.DataType) -> pa.Array:
    if name not in batch.schema.names:
        return pa.nulls(batch.num_rows, type_)
    column = batch.column(name)
    if isinstance(column, pa.ChunkedArray):
        column = (
            column.combine_chunks() if column.num_chunks else pa.array([], column.type)
        )
    if column.type != type_:
        column = column.cast(type_)
    return column


def _with_columns(batch: Batch, columns: dict[str, pa.Array]) -> Batch:
    names = [n for n in batch.schema.names if n not in columns]
    arrays = [batch.column(n) for n in names] + list(columns.values())
    if isinstance(batch, pa.Table):
        return pa.Table.from_arrays(arrays, names=names + list(columns))
    return pa.RecordBatch.from_arrays(arrays, names=names + list(columns))


def _contact_columns(batch: pa.RecordBatch | pa.Table) -> dict[str, pa.Array]:
    text = pa.string()
    country = pc.utf8_upper(pc.utf8_trim_whitespace(_column(batch, "country", text)))
    address_norm = normalise_addresses(_column(batch, "address", text))
    return {
        "phone_norm": to_e164(_column(batch, "phone", text), country, DEFAULT_REGION),
        "email_norm": normalise_emails(_column(batch, "email", text)),
        "address_norm": address_norm,
        "address_key": address_keys(
            address_norm,
            _column(batch, "postal_code", text),
            _column(batch, "city", text),
            _column(batch, "region", text),
        ),
    }


def normalise(kind: str, batch: Batch) -> Batch:
    """The batch plus `name_norm`, `phone_norm`, `email_norm`, `address_norm`,
    `address_key` (and `aliases_norm`, `related_names_norm` on osint); other kinds are
    returned unchanged.
    """
    text = pa.string()
    if kind == ACCOUNTS:
        holder_type = _column(batch, "holder_type", text)
        columns = {
            "name_norm": typed_names(
                _column(batch, "holder_name", text),
                pc.equal(holder_type, "business"),
                pc.equal(holder_type, "individual"),
            ),
            **_contact_columns(batch),
        }
    elif kind == OSINT:
        entity_type = _column(batch, "entity_type", text)
        lists = pa.list_(pa.string())
        columns = {
            "name_norm": typed_names(
                _column(batch, "name", text),
                pc.equal(entity_type, "business"),
                pc.equal(entity_type, "person"),
            ),
            "aliases_norm": party_name_lists(_column(batch, "aliases", lists)),
            "related_names_norm": party_name_lists(_column(batch, "related_names", lists)),
            **_contact_columns(batch),
        }
    else:
        return batch
    return _with_columns(batch, columns)
