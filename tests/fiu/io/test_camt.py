"""ISO 20022 statements: every public sample in ../shared/formats/camt/ read and mapped,
the invalid one refused naming file and element."""
from pathlib import Path

import pytest
from lxml import etree

from fiu.errors import InputError
from fiu.io.camt import SCHEMAS_ENV
from fiu.io.inputs import list_inputs
from fiu.io.readers import check_header, read_file
from fiu.validate.split import BatchValidator
from fiu.validate.suites import load_suites

CAMT = Path(__file__).resolve().parents[3].parent / "shared" / "formats" / "camt"
SAMPLES = sorted((CAMT / "samples").glob("*.xml")) if (CAMT / "samples").is_dir() else []
needs_samples = pytest.mark.skipif(
    not SAMPLES or not (CAMT / "xsd").is_dir(),
    reason=f"no camt samples and schemas at {CAMT} (the shared formats folder is absent)",
)
PROFILE = "partner_id: bank-c\nfiles:\n  - match: '*.xml'\n    kind: transactions\n"


@pytest.fixture()
def schemas(monkeypatch):
    monkeypatch.setenv(SCHEMAS_ENV, str(CAMT / "xsd"))


def statement_folder(tmp_path: Path, sample: Path, profile: str = PROFILE) -> Path:
    (tmp_path / "partners").mkdir()
    (tmp_path / "partners" / "bank-c.yaml").write_text(profile)
    (tmp_path / sample.name).write_bytes(sample.read_bytes())
    return tmp_path


def entries(sample: Path) -> list:
    return etree.parse(str(sample)).getroot().findall(".//{*}Ntry")


@needs_samples
@pytest.mark.parametrize("sample", [s for s in SAMPLES if "wrong" not in s.name], ids=lambda s: s.name)
def test_every_sample_statement_maps_each_entry_to_one_row(tmp_path, schemas, sample):
    (source,) = list_inputs(statement_folder(tmp_path, sample))
    assert (source.kind, source.format) == ("transactions", "camt")
    check_header(source)
    result = read_file(source)
    rows = [r for b in result.batches for r in b.to_pylist()]
    ntry = entries(sample)
    assert len(rows) == len(ntry) and not result.broken
    for row, entry in zip(rows, ntry):
        assert row["partner_id"] == "bank-c" and row["account_id"]
        assert row["_file"] == sample.name
        indicator = entry.find("{*}CdtDbtInd").text
        assert row["direction"] == {"CRDT": "in", "DBIT": "out"}[indicator]
        assert row["currency"] == entry.find("{*}Amt").get("Ccy")
        assert row["amount"] == entry.find("{*}Amt").text.strip()
        if entry.find("{*}BookgDt/{*}DtTm") is not None:
            assert row["timestamp_precision"] == "second"
        elif entry.find("{*}BookgDt/{*}Dt") is not None or entry.find("{*}ValDt/{*}Dt") is not None:
            # A date without a time: no midnight invented.
            assert row["timestamp_precision"] == "date" and len(row["timestamp"]) == 10
        else:
            assert row["timestamp"] is None  # quarantined as missing, never dropped
    # Nothing lost: every entry accepted or quarantined with a reason.
    validator = BatchValidator(load_suites())
    accepted = quarantined = 0
    for batch in result.batches:
        kept, lines = validator.split("transactions", batch)
        accepted, quarantined = accepted + kept.num_rows, quarantined + len(lines)
        for line in lines:
            assert line["failures"] and line["file"] == sample.name
    assert accepted + quarantined == len(ntry)


@needs_samples
def test_a_zero_amount_is_quarantined_not_dropped(tmp_path, schemas):
    sample = CAMT / "samples" / "camt053.v2.minimal.xml"
    zero = tmp_path / "zero" / "stmt-zero.xml"
    zero.parent.mkdir()
    zero.write_text(sample.read_text().replace('<Amt Ccy="EUR">8.85</Amt>', '<Amt Ccy="EUR">0</Amt>'))
    (source,) = list_inputs(statement_folder(tmp_path, zero))
    check_header(source)  # the schema allows a zero amount
    (batch,) = read_file(source).batches
    kept, lines = BatchValidator(load_suites()).split("transactions", batch)
    assert (batch.num_rows, kept.num_rows, len(lines)) == (1, 0, 1)
    assert {"column": "amount", "value": "0"}.items() <= lines[0]["failures"][0].items()


@needs_samples
def test_over_precise_amounts_are_kept_as_written(tmp_path, schemas):
    sample = CAMT / "samples" / "camt053.v2.five.decimals.xml"
    (source,) = list_inputs(statement_folder(tmp_path, sample))
    amounts = [a for b in read_file(source).batches for a in b.column("amount").to_pylist()]
    assert amounts == [e.find("{*}Amt").text for e in entries(sample)]


@needs_samples
def test_the_invalid_sample_is_refused_naming_file_and_element(tmp_path, schemas):
    (source,) = list_inputs(statement_folder(tmp_path, CAMT / "samples" / "camt053.v2.wrong.xml"))
    with pytest.raises(InputError) as err:
        check_header(source)
    assert err.value.file == "camt053.v2.wrong.xml"
    assert "not a valid camt.053.001.02 document: line 3: Element 'BkToCstmrStmt'" in err.value.message


@needs_samples
def test_without_schemas_a_statement_is_refused_with_where_to_get_them(tmp_path, monkeypatch):
    monkeypatch.delenv(SCHEMAS_ENV, raising=False)
    (source,) = list_inputs(statement_folder(tmp_path, CAMT / "samples" / "camt053.v2.minimal.xml"))
    with pytest.raises(InputError, match="camt.053.001.02: no schema to validate against"):
        check_header(source)


@needs_samples
def test_a_camt_profile_maps_codes_and_sets_constants(tmp_path, schemas):
    profile = PROFILE + "    columns:\n      channel: {map: {'PRTRY:544': wire}}\n      country: {value: BE}\n"
    (source,) = list_inputs(statement_folder(tmp_path, CAMT / "samples" / "camt053.v2.minimal.xml", profile))
    (row,) = read_file(source).batches[0].to_pylist()
    assert (row["channel"], row["country"], row["counterparty_name"]) == ("wire", "BE", "NAME NAME")
    assert row["memo"] is None and row["counterparty_account"] == "NL56AGDH9619008421"


def test_a_statement_without_a_profile_is_refused_with_a_hint(tmp_path):
    (tmp_path / "transactions_a.xml").write_text("<Document/>")
    with pytest.raises(InputError, match="a bank statement needs a mapping profile"):
        list_inputs(tmp_path)


@needs_samples
def test_profile_init_drafts_a_statement_profile_that_loads_and_reads(tmp_path, schemas):
    from fiu.io.profile_tools import draft_profile
    from fiu.io.profiles import load_profile

    sample = CAMT / "samples" / "camt053.v2.minimal.xml"
    (tmp_path / "bank-z.yaml").write_text(draft_profile(str(sample), partner_id="bank-z"))
    (profile,) = load_profile(tmp_path / "bank-z.yaml")
    assert (profile.format, profile.partner_id, profile.matches(sample.name)) == ("camt", "bank-z", True)
    assert set(profile.columns) <= {"channel"}
