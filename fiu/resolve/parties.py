"""One schema for every party that entity resolution compares: accounts and osint alike.

A record's own identity goes in: its name and aliases (with their sound codes), date
of birth, contact points, street line and place (city, region, postal code). Its
`related_names` (owners, employers, colleagues) go in as a set of their own: two
records naming the same associates are evidence of one party, never a name of it.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..contract import ACCOUNTS, OSINT, REF
from ..normalize.addresses import city_names, postal_codes, regions
from ..normalize.emails import normalise_websites
from ..normalize.names import looks_like_business, phonetic
from ..normalize.records import normalise
from ..normalize.unique import map_unique

PERSON, BUSINESS, UNKNOWN = "person", "business", "unknown"
PARTY_SCHEMA = pa.schema(
    [
        pa.field(REF, pa.string()),
        pa.field("party_type", pa.string()),
        pa.field("name_norm", pa.string()),
        pa.field("names", pa.list_(pa.string())),
        pa.field("date_of_birth", pa.string()),
        pa.field("phone_norm", pa.string()),
        pa.field("email_norm", pa.string()),
        pa.field("address_key", pa.string()),
        pa.field("street", pa.string()),
        pa.field("city", pa.string()),
        pa.field("region", pa.string()),
        pa.field("postal_code", pa.string()),
        pa.field("website", pa.string()),
        pa.field("related", pa.list_(pa.string())),
        # The sound code of each own name (`name_code`), "" where it has none.
        pa.field("name_codes", pa.list_(pa.string())),
    ]
)
RESOLVED_KINDS = (ACCOUNTS, OSINT)


def _array(batch: pa.RecordBatch | pa.Table, name: str, type_: pa.DataType) -> pa.Array:
    if name not in batch.schema.names:
        return pa.nulls(batch.num_rows, type_)
    column = batch.column(name)
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks else pa.array([], column.type)
    return column if column.type == type_ else column.cast(type_)


def _own_names(name_norm: pa.Array, aliases: pa.Array) -> pa.Array:
    """`[name_norm, *aliases_norm]` per row, nulls and repeats dropped, name first."""
    n = len(name_norm)
    alias_values = aliases.flatten()
    parents = np.concatenate(
        [np.arange(n), pc.list_parent_indices(aliases).to_numpy(zero_copy_only=False)]
    )
    values = pa.concat_arrays([name_norm, alias_values.cast(pa.string())])
    table = pa.table(
        {"parent": parents, "value": values, "order": np.arange(len(parents))}
    ).filter(pc.is_valid(values))
    table = (
        table.group_by(["parent", "value"], use_threads=False)
        .aggregate([("order", "min")])
        .sort_by([("parent", "ascending"), ("order_min", "ascending")])
    )
    counts = np.bincount(table["parent"].to_numpy(), minlength=n) if n else np.zeros(0, int)
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32))
    return pa.ListArray.from_arrays(offsets, table["value"].combine_chunks())


def name_code(name: str) -> str | None:
    """Sound code of a normalised name: the metaphone of its first and last words.

    >>> name_code("mohammed al rashid"), name_code("muhammad al-rashid")
    ('MHMT RXT', 'MHMT RXT')
    """
    words = name.split()
    codes = [phonetic(w) for w in (words[0], words[-1])] if words else []
    return " ".join(codes) if codes and all(codes) else None


def _codes_of(names: pa.Array) -> pa.Array:
    """`name_code` of every own name, in the same list positions."""
    codes = map_unique(names.flatten(), lambda v: name_code(v) or "")
    offsets = pc.subtract(names.offsets, names.offsets[0])
    return pa.ListArray.from_arrays(offsets, pc.fill_null(codes, ""), mask=pc.is_null(names))


def party_batch(kind: str, batch: pa.RecordBatch | pa.Table) -> pa.RecordBatch:
    """The parties of an accounts or osint batch in `PARTY_SCHEMA`, normalising first
    when the batch lacks the `*_norm` columns.
    """
    if "name_norm" not in batch.schema.names:
        batch = normalise(kind, batch)
    text = pa.string()
    n = batch.num_rows
    if kind == ACCOUNTS:
        holder_type = _array(batch, "holder_type", text)
        party_type = pc.if_else(
            pc.equal(holder_type, "business"), BUSINESS,
            pc.if_else(pc.equal(holder_type, "individual"), PERSON, UNKNOWN),
        )
        aliases = pa.nulls(n, pa.list_(text))
        related = pa.nulls(n, pa.list_(text))
    elif kind == OSINT:
        entity_type = _array(batch, "entity_type", text)
        party_type = pc.if_else(
            pc.is_in(entity_type, pa.array([PERSON, BUSINESS])), entity_type, UNKNOWN
        )
        aliases = _array(batch, "aliases_norm", pa.list_(text))
        related = _array(batch, "related_names_norm", pa.list_(text))
        # An untyped name that reads as a business ("Lotus Spa LLC") is one.
        guessed = map_unique(
            _array(batch, "name", text), lambda v: BUSINESS if looks_like_business(v) else None
        )
        party_type = pc.if_else(
            pc.and_(pc.equal(party_type, UNKNOWN), pc.is_valid(guessed)), BUSINESS, party_type
        )
    else:
        raise ValueError(f"kind {kind!r} has no parties; expected one of {RESOLVED_KINDS}")
    party_type = pc.fill_null(party_type, UNKNOWN)
    name_norm = _array(batch, "name_norm", text)
    dob = _array(batch, "date_of_birth", batch.schema.field("date_of_birth").type
                 if "date_of_birth" in batch.schema.names else text).cast(text)
    names = _own_names(name_norm, aliases)
    arrays = [
        _array(batch, REF, text),
        party_type,
        name_norm,
        names,
        dob,
        _array(batch, "phone_norm", text),
        _array(batch, "email_norm", text),
        _array(batch, "address_key", text),
        _array(batch, "address_norm", text),
        city_names(_array(batch, "city", text)),
        regions(_array(batch, "region", text)),
        postal_codes(_array(batch, "postal_code", text)),
        normalise_websites(_array(batch, "website", text)),
        related,
        _codes_of(names),
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=PARTY_SCHEMA)
