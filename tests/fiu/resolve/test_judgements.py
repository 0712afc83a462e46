import pytest

from fiu.errors import InputError
from fiu.resolve.judgements import load_judgements


def test_judgements_read_from_csv_and_jsonl_with_the_later_line_winning(tmp_path):
    csv_file = tmp_path / "j.csv"
    csv_file.write_text(
        "left_ref,right_ref,judgement,analyst\n"
        "osint:R2,osint:R1,same,ab\n"
        "account:bank-a:A1,osint:R3,Different,ab\n"
        "osint:R1,osint:R2,different,cd\n"
    )
    table = load_judgements(csv_file)
    assert table.to_pylist() == [
        {"left_ref": "account:bank-a:A1", "right_ref": "osint:R3", "judgement": "different"},
        {"left_ref": "osint:R1", "right_ref": "osint:R2", "judgement": "different"},
    ]
    jsonl = tmp_path / "j.jsonl"
    jsonl.write_text('{"left_ref": "osint:R1", "right_ref": "osint:R2", "judgement": "same"}\n')
    assert load_judgements(jsonl).column("judgement").to_pylist() == ["same"]


@pytest.mark.parametrize(
    "line, column",
    [
        ("osint:R1,osint:R2,maybe", "judgement"),
        ("R1,osint:R2,same", "left_ref"),
        ("osint:R1,osint:R1,same", "right_ref"),
    ],
)
def test_a_bad_judgement_names_file_row_and_field(tmp_path, line, column):
    path = tmp_path / "judgements.csv"
    path.write_text("left_ref,right_ref,judgement\nosint:R1,osint:R9,same\n" + line + "\n")
    with pytest.raises(InputError) as err:
        load_judgements(path)
    assert err.value.file == "judgements.csv" and err.value.row == 2
    assert err.value.column == column and err.value.exit_code == 2
