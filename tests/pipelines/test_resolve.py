"""ResolveEntities on DirectRunner gives what `fiu.resolve.resolve_entities` gives."""
import datetime as dt
import json

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fiu.contract import ACCOUNTS, OSINT, ref_column, typed_schema
from fiu.normalize.records import normalise
from fiu.pipelines.normalise import Normalise
from fiu.pipelines.resolve import ResolveEntities
from fiu.resolve import resolve_entities
from tests.people import background_rows


def typed(kind, rows):
    schema = typed_schema(kind)
    columns = {
        f.name: pa.array([r.get(f.name) for r in rows], f.type)
        for f in schema
        if f.name not in ("ref", "_file", "_row")
    }
    table = pa.table(columns)
    return table.append_column("ref", ref_column(kind, table))


@pytest.fixture
def inputs():
    accounts = [
        {"partner_id": "bank-a", "account_id": f"A{i}", "holder_name": name,
         "holder_type": kind, "country": "US", "phone": phone, "address": address,
         "postal_code": "78701", "date_of_birth": dob}
        for i, (name, kind, phone, address, dob) in enumerate([
            ("SMITH, WILLIAM", "individual", "(512) 555-0100", "12 Main St Apt 4",
             dt.date(1980, 2, 3)),
            ("Bill Smith", "individual", "512.555.0100", "12 Main Street #4",
             dt.date(1980, 2, 3)),
            ("Mary Smith", "individual", "512.555.0100", "12 Main Street #4",
             dt.date(1982, 5, 1)),
            ("Golden Lotus Spa LLC", "business", "512-555-0199", "5 Oak Ln", None),
            ("Ana Ruiz", "individual", None, "9 Elm St", dt.date(1991, 5, 6)),
        ])
    ] + background_rows(150)
    osint = [
        {"record_id": f"R{i}", "source": source, "observed_on": dt.date(2026, 1, 1),
         "entity_type": kind, "name": name, "phone": phone, "country": "US"}
        for i, (source, kind, name, phone) in enumerate([
            ("business_registry", "business", "The Golden Lotus Spa, L.L.C.", "5125550199"),
            ("online_ad", "person", "Candy", "512 555 0199"),
            ("online_ad", "person", "Lily", "+1 512 555 0199"),
            ("online_ad", "person", "Candy", "(512) 555-0199"),
            ("news", "person", "Mr. William Smyth", "1-512-555-0100"),
        ])
    ]
    return typed(ACCOUNTS, accounts), typed(OSINT, osint)


def run_beam(elements, tmp_path, settings=None):
    def write_batch(batch):
        name = f"{batch.column('ref')[0].as_py().replace(':', '_')}.parquet"
        pq.write_table(pa.Table.from_batches([batch]), tmp_path / name)

    def write_stats(stats):
        (tmp_path / "stats.json").write_text(json.dumps(stats, sort_keys=True))

    with beam.Pipeline("DirectRunner") as p:
        records = p | beam.Create(elements) | Normalise()
        resolved = records | ResolveEntities(settings)
        _ = resolved["entities"] | "WriteEntities" >> beam.Map(write_batch)
        _ = resolved["stats"] | "WriteStats" >> beam.Map(write_stats)
    parts = [pq.read_table(f) for f in sorted(tmp_path.glob("*.parquet"))]
    table = pa.concat_tables(parts).sort_by("ref") if parts else None
    return table, json.loads((tmp_path / "stats.json").read_text())


def test_beam_equals_one_process(inputs, tmp_path):
    accounts, osint = inputs
    expected, expected_stats = resolve_entities(accounts, osint)
    elements = (
        [(ACCOUNTS, b) for b in accounts.to_batches(max_chunksize=7)]
        + [(OSINT, b) for b in osint.to_batches(max_chunksize=2)]
        + [("transactions", pa.record_batch({"txn_id": ["T1"]}))]
    )
    got, stats = run_beam(elements, tmp_path)
    assert got.equals(expected)
    assert stats == json.loads(json.dumps(expected_stats))
    assert stats["clusters"]["multi_record_entities"] >= 2


def test_normalise_transform_adds_the_same_columns(inputs):
    accounts, _ = inputs
    batch = accounts.to_batches()[0]
    with beam.Pipeline("DirectRunner") as p:
        out = p | beam.Create([(ACCOUNTS, batch)]) | Normalise()
        expected = normalise(ACCOUNTS, batch)

        def check(element):
            kind, got = element
            assert kind == ACCOUNTS and got.equals(expected)

        _ = out | beam.Map(check)
