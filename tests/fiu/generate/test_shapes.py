"""A world in banks' own export shapes reads back row for row as the same world in the
contract's files (`contract_files`: bank-c's rows as its statements say them)."""
import json
from pathlib import Path

import pyarrow as pa
import pytest

from fiu.generate import generate_world
from fiu.generate.shapes import SHAPES
from fiu.generate.world import TRANSACTION_FILES
from fiu.io.inputs import list_inputs
from fiu.io.readers import check_header, read_file


@pytest.fixture(scope="module")
def worlds(tmp_path_factory):
    base = tmp_path_factory.mktemp("shapes")
    for name, files in (("contract", True), ("partner", False)):
        generate_world(base / name, seed=5, scale=0.1, truth_path=base / f"{name}.json",
                       partner_shapes=True, contract_files=files)
    return base


CAMT_SCHEMAS = Path(__file__).resolve().parents[3].parent / "shared" / "formats" / "camt" / "xsd"


def rows(source) -> pa.Table:
    check_header(source)
    result = read_file(source)
    assert not result.broken
    return pa.Table.from_batches(result.batches).drop_columns(["_file"])


@pytest.mark.parametrize("partner", sorted(SHAPES))
def test_a_partner_shaped_file_reads_as_its_contract_file(worlds, partner, monkeypatch):
    if SHAPES[partner].file_name.endswith(".xml"):
        if not CAMT_SCHEMAS.is_dir():
            pytest.skip(f"no ISO 20022 schemas at {CAMT_SCHEMAS} (the shared formats folder is absent)")
        monkeypatch.setenv("FIU_CAMT_SCHEMAS", str(CAMT_SCHEMAS))
    contract = {f.name: f for f in list_inputs(worlds / "contract")}
    shaped = {f.name: f for f in list_inputs(worlds / "partner")}
    source = shaped[SHAPES[partner].file_name]
    assert source.profile is not None and source.profile.partner_id == partner
    assert SHAPES[partner].file_name not in contract
    expected, got = rows(contract[TRANSACTION_FILES[partner]]), rows(source)
    assert got.num_rows == expected.num_rows > 100
    for name in expected.column_names:
        assert got.column(name).to_pylist() == expected.column(name).to_pylist(), name


def test_the_same_world_apart_from_file_names(worlds):
    truth = {n: json.loads((worlds / f"{n}.json").read_text()) for n in ("contract", "partner")}
    renamed = {SHAPES[p].file_name: TRANSACTION_FILES[p] for p in SHAPES}
    text = json.dumps(truth["partner"], sort_keys=True)
    for new, old in renamed.items():
        text = text.replace(new, old)
    shaped = json.loads(text)
    def key(r):
        return json.dumps(r, sort_keys=True)

    shaped["invalid_rows"].sort(key=key)
    truth["contract"]["invalid_rows"].sort(key=key)
    assert shaped == truth["contract"]
    assert sorted(p.name for p in (worlds / "partner" / "partners").iterdir()) == [
        f"{p}.yaml" for p in sorted(SHAPES)]
