"""A run on a partner's own export: read through its profile, quarantine naming the
partner's column, the manifest naming the profile, and a console without library noise."""
import json
import subprocess
import sys


def test_a_run_through_a_profile_with_a_readable_console(tmp_path):
    folder = tmp_path / "in"
    (folder / "partners").mkdir(parents=True)
    (folder / "partners.yaml").write_text("partners:\n  - {id: bank-b, kind: financial_institution}\n")
    (folder / "partners" / "bank-b.yaml").write_text(
        "partner_id: bank-b\nfiles:\n  - match: 'umsaetze_*.csv'\n    kind: transactions\n"
        "    delimiter: ';'\n    decimal: ','\n    thousands: '.'\n    timezone: Europe/Berlin\n"
        "    columns:\n      txn_id: Nr\n      account_id: Konto\n"
        "      timestamp: {column: Datum, format: '%d.%m.%Y %H:%M'}\n"
        "      amount: {column: Betrag, flag: {column: S/H, debit: S, credit: H}}\n"
        "      currency: {value: EUR}\n      channel: {column: Art, map: {UEB: wire, BAR: cash}}\n"
        "      country: {value: DE}\n")
    (folder / "umsaetze_10.csv").write_text(
        "Nr;Konto;Datum;Betrag;S/H;Art\n1;DE1;01.10.2026 23:15;1.234,50;S;UEB\n"
        "2;DE1;02.10.2026 08:00;12,00;X;BAR\n3;DE1;03.10.2026 09:00;0,00;H;BAR\n")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "fiu.cli", "run", str(folder), "--out", str(out)],
                          check=False, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr and "INFO" not in done.stderr, done.stderr
    assert "apitools" in (out / "run.log").read_text()  # Beam's notice, kept in the log
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["transactions"] == {"read": 3, "accepted": 1, "quarantined": 2}
    (entry,) = manifest["inputs"]
    assert entry["profile"] == "bank-b.yaml files[0]" and len(entry["profile_sha256"]) == 64
    lines = [json.loads(line) for line in (out / "quarantine" / "transactions.jsonl").open()]
    assert [(q["file"], q["row"]) for q in lines] == [("umsaetze_10.csv", 2), ("umsaetze_10.csv", 3)]
    expected = {"column": "direction", "source_column": "S/H", "value": "X"}
    assert expected.items() <= lines[0]["failures"][0].items()
    assert lines[1]["failures"][0]["source_column"] == "Betrag"
