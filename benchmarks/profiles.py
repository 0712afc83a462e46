"""Reading through a mapping profile against reading contract-shaped files of the same rows.

    python benchmarks/profiles.py                    # generates seed 7, scale 5
    python benchmarks/profiles.py --world DIR        # an existing `fiu generate` folder
    python benchmarks/profiles.py --repeat 5

The transactions of a generated world are written twice: as the contract's CSV, and in a
bank's own export shape (`;` delimiter, Latin-1, a title line above the header, German
headers, decimal comma with thousands dot, date and time in two columns of local time in
Europe/Berlin, the amount unsigned with an S/H flag column, channel codes, an unused
balance column). Both are read with `fiu.io.readers.read_file` (raw string batches with
`_file`, `_row`), in one process with pyarrow on one thread; each timing is the best of
`--repeat` passes (alternated), in wall and in CPU seconds, with the median of each
pass's CPU ratio. Target: the profile read at most 1.3× the contract read.
"""
from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fiu.io.inputs import list_inputs  # noqa: E402
from fiu.io.profiles import load_profile  # noqa: E402
from fiu.io.readers import read_file  # noqa: E402
from fiu.validate.cast import _datetime  # noqa: E402

PROFILE = """\
partner_id: {partner}
files:
  - match: "umsaetze_*.csv"
    kind: transactions
    encoding: latin-1
    delimiter: ";"
    skip_rows: 1
    decimal: ","
    thousands: "."
    timezone: Europe/Berlin
    columns:
      txn_id: Buchungsnr
      account_id: Konto
      timestamp: {{column: [Buchungstag, Uhrzeit], format: "%d.%m.%Y %H:%M:%S"}}
      amount: {{column: Betrag, flag: {{column: S/H, debit: S, credit: H}}}}
      currency: Waehrung
      channel: {{column: Art, map: {codes}}}
      counterparty_name: Empfaenger
      counterparty_account: Gegenkonto
      merchant_category_code: MCC
      city: Ort
      region: Region
      country: Land
      memo: Verwendungszweck
    ignore: [Saldo]
"""
CODES = {"cash": "BAR", "card": "KAR", "wire": "UEB", "ach": "LAS", "p2p": "P2P",
         "check": "SCK", "crypto": "KRY", "prepaid": "PRE"}


def partner_shape(table: pa.Table) -> pa.Table:
    """The contract's transactions as a German bank would export them."""
    utc = pc.cast(table.column("timestamp"), pa.timestamp("s", tz="UTC"))
    local = pc.cast(utc, pa.timestamp("s", tz="Europe/Berlin"))
    amount = pc.cast(table.column("amount"), pa.float64())
    text = pc.cast(amount, pa.string())
    german = pc.replace_substring(text, ".", ",")
    codes = pa.array(list(CODES.values()))
    index = pc.index_in(table.column("channel"), value_set=pa.array(list(CODES)))
    return pa.table({
        "Buchungsnr": table.column("txn_id"),
        "Konto": table.column("account_id"),
        "Buchungstag": pc.strftime(local, format="%d.%m.%Y"),
        "Uhrzeit": pc.strftime(local, format="%H:%M:%S"),
        "Betrag": german,
        "S/H": pc.if_else(pc.equal(table.column("direction"), "out"), "S", "H"),
        "Waehrung": table.column("currency"),
        "Art": pc.take(codes, index),
        "Empfaenger": table.column("counterparty_name"),
        "Gegenkonto": table.column("counterparty_account"),
        "MCC": table.column("merchant_category_code"),
        "Ort": table.column("city"),
        "Region": table.column("region"),
        "Land": table.column("country"),
        "Verwendungszweck": table.column("memo"),
        "Saldo": pc.cast(pc.round(amount, 0), pa.string()),
    })


def timings(repeat: int, *fns, clock=time.perf_counter) -> list[list[float]]:
    """Each function's time per pass, passes alternated so that load from other
    processes falls on both alike."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, spent in zip(fns, times):
            start = clock()
            fn()
            spent.append(clock() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--world", help="an existing `fiu generate` folder")
    parser.add_argument("--scale", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    with tempfile.TemporaryDirectory() as tmp:
        world = Path(args.world) if args.world else Path(tmp) / "world"
        if not args.world:
            from fiu.generate import generate_world

            generate_world(world, seed=args.seed, scale=args.scale, truth_path=Path(tmp) / "t.json")
        files = [f for f in list_inputs(world, []) if f.kind == "transactions" and f.format == "csv"]
        contract = pa.concat_tables([pcsv.read_csv(f.path, convert_options=pcsv.ConvertOptions(
            column_types={"amount": pa.string(), "timestamp": pa.string(),
                          "merchant_category_code": pa.string()},
            strings_can_be_null=True)) for f in files])
        # The world's deliberately broken rows are left out: both shapes must hold the same rows.
        sound = pc.and_(
            pc.fill_null(pc.match_substring_regex(contract.column("amount"), r"^\d+(\.\d+)?$"), False),
            pc.fill_null(pc.match_substring_regex(
                contract.column("timestamp"),
                r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$"), False))
        sound = pc.and_(sound, pc.is_in(contract.column("channel"), pa.array(list(CODES))))
        contract = contract.filter(sound)
        utc, _ = _datetime(contract.column("timestamp").combine_chunks())  # real days only
        sound = pc.is_valid(utc)
        contract = contract.filter(sound)
        plain_dir, bank_dir = Path(tmp) / "contract", Path(tmp) / "bank"
        plain_dir.mkdir()
        (bank_dir / "partners").mkdir(parents=True)
        pcsv.write_csv(contract, plain_dir / "transactions_bank.csv")
        shaped = partner_shape(contract)
        buffer = pa.BufferOutputStream()
        pcsv.write_csv(shaped, buffer, write_options=pcsv.WriteOptions(delimiter=";"))
        body = buffer.getvalue().to_pybytes().decode("utf-8")
        (bank_dir / "umsaetze_2026.csv").write_bytes(
            ("Kontoumsaetze\n" + body).encode("latin-1", errors="replace"))
        codes = "{" + ", ".join(f"{v}: {k}" for k, v in CODES.items()) + "}"
        (bank_dir / "partners" / "bank.yaml").write_text(PROFILE.format(partner="bank", codes=codes))
        (plain_source,) = list_inputs(plain_dir, [])
        (bank_source,) = list_inputs(bank_dir, load_profile(bank_dir / "partners" / "bank.yaml"))
        rows = contract.num_rows
        plain_result, bank_result = read_file(plain_source), read_file(bank_source)
        assert sum(b.num_rows for b in plain_result.batches) == rows
        assert sum(b.num_rows for b in bank_result.batches) == rows
        reads = (lambda: read_file(plain_source), lambda: read_file(bank_source))
        plain, bank = (min(t) for t in timings(args.repeat, *reads))
        # CPU seconds of this process: what a read costs, whatever else the machine
        # runs; the median of each pass's ratio is the steadiest figure on a busy machine.
        plain_cpu, bank_cpu = timings(args.repeat, *reads, clock=time.process_time)
        paired = statistics.median(b / p for p, b in zip(plain_cpu, bank_cpu))
    print(f"{platform.processor() or platform.machine()}, {rows} transactions, {args.repeat} passes")
    print("| read | best wall s | best CPU s | rows/s (wall) | × contract (best wall) | "
          "× (best CPU) | × (median of passes, CPU) |")
    print("|---|---|---|---|---|---|---|")
    print(f"| contract CSV | {plain:.3f} | {min(plain_cpu):.3f} | {rows / plain / 1e3:.0f} k "
          "| 1 | 1 | 1 |")
    print(f"| bank export through its profile | {bank:.3f} | {min(bank_cpu):.3f} | "
          f"{rows / bank / 1e3:.0f} k | {bank / plain:.2f} | "
          f"{min(bank_cpu) / min(plain_cpu):.2f} | {paired:.2f} |")


if __name__ == "__main__":
    main()
