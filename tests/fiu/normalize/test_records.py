import pyarrow as pa

from fiu.normalize.records import NORM_COLUMNS, normalise


def test_accounts_gain_norm_columns():
    batch = pa.RecordBatch.from_pylist([
        {"holder_name": "SMITH, JOHN", "holder_type": "individual", "country": "US",
         "phone": "(512) 555-0100", "email": "John+x@Example.com",
         "address": "12 Main Street Apt 4", "postal_code": "78701"},
        {"holder_name": "The Lotus Spa, LLC", "holder_type": "business", "country": "GB",
         "phone": "020 7946 0958", "email": None, "address": None, "postal_code": None},
    ])
    out = normalise("accounts", batch)
    assert isinstance(out, pa.RecordBatch)
    rows = out.to_pylist()
    assert [r["name_norm"] for r in rows] == ["john smith", "lotus spa"]
    assert [r["phone_norm"] for r in rows] == ["+15125550100", "+442079460958"]
    assert rows[0]["email_norm"] == "john@example.com"
    assert rows[0]["address_key"] == "12 MAIN ST UNIT 4|78701"
    assert rows[1]["address_key"] is None


def test_osint_lists_normalise_and_other_kinds_pass_through():
    table = pa.table({
        "name": ["Lily"], "entity_type": ["person"], "aliases": [["Lilly Chen", None]],
        "related_names": [["Golden Lotus Spa LLC", "Bill Wong"]], "phone": ["512 555 0199"],
    })
    out = normalise("osint", table)
    assert set(NORM_COLUMNS) <= set(out.column_names)
    assert out["aliases_norm"].to_pylist() == [["lilly chen"]]
    assert out["related_names_norm"].to_pylist() == [["golden lotus spa", "william wong"]]
    txns = pa.table({"txn_id": ["T1"]})
    assert normalise("transactions", txns) is txns
