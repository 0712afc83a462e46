"""Generate a synthetic input folder with planted networks, and its ground truth.

`generate_world` plants the benign population and the networks into a `WorldBook`,
turns the book into one string table per input file, injects invalid rows, writes
the files in all three formats and writes the truth file outside the folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..contract import (
    ACCOUNTS,
    LABELS,
    OSINT,
    TIMESTAMP_PRECISION,
    TRANSACTIONS,
    column_names,
    list_columns,
    raw_schema,
)
from .book import BANKS, WorldBook
from .corrupt import corrupt_table
from .networks import NARROW, VICTIM, WIDE, Network, Ranges, plant_networks
from .population import Population, plant_population
from .timeline import iso_timestamps
from .shapes import SHAPES, write_profiles
from .statements import STATEMENT_BANK, statement_breakages, statement_view
from .writers import write_partners, write_table

TRANSACTION_FILES = {
    "bank-a": "transactions_bank-a.csv",
    "bank-b": "transactions_bank-b.parquet",
    "bank-c": "transactions_bank-c.jsonl",
}
ACCOUNT_FILES = {
    "bank-a": "accounts_bank-a.parquet",
    "bank-b": "accounts_bank-b.jsonl",
    "bank-c": "accounts_bank-c.csv",
}
OSINT_FILES = {
    "business_registry": "osint_registry.jsonl",
    "license": "osint_registry.jsonl",
    "online_ad": "osint_ads.csv",
    "review": "osint_reviews.parquet",
    "court_record": "osint_courts.csv",
    "sanctions": "osint_courts.csv",
    "news": "osint_news.jsonl",
}
LABELS_FILE = "labels.csv"
# A partner-shaped file takes its place among the files in the contract world's order,
# so the random draws that break rows fall on the same rows.
SHAPED_ORDER = {shape.file_name: TRANSACTION_FILES[partner] for partner, shape in SHAPES.items()}
# txn_id styles per bank: a prefix and a zero-padded sequence number
TXN_ID_FORMAT = {"bank-a": "T{:010d}", "bank-b": "{:012d}", "bank-c": "C-{:09d}"}


def generate_world(
    out_dir: Path, seed: int = 7, scale: float = 1.0, truth_path: Path | None = None,
    partner_shapes: bool = False,
    wide: bool = False,
    contract_files: bool = False,
    ranges: Ranges | None = None,
    statements: bool = True,
) -> Path:
    """Write a synthetic input folder to `out_dir` and its truth file; return its path.

    Backs `fiu generate OUT_DIR [--seed N] [--scale X] [--truth FILE] [--wide]`. The
    same seed and scale give the same bytes; `wide` draws each network's parameters
    from the wide ranges of `networks.WIDE`. `scale` multiplies every count: 1.0 is about 50k
    transactions, 4k accounts and 3k osint records; 20 is about a million transactions.
    The truth goes to `truth_path`, by default `<out_dir>.truth.json` next to the folder
    (never inside it), in the shape of docs/architecture.md §6. With `partner_shapes`,
    the banks in `shapes.SHAPES` write their transactions in their own export shape,
    with their mapping profiles in `partners/` (the same world otherwise), and bank-c
    sends camt.053 statements (`statements.py`: its rows then say only what a statement
    can). `contract_files` writes that same partner-shaped world in the contract's
    files, the world a partner-shaped run is compared with. `ranges` replaces `WIDE`
    (and implies `wide`) for a world drawn from other ranges. Without `statements`,
    bank-c keeps the contract's shape (for a machine without the camt schemas).

    >>> generate_world(Path("world"), seed=7)          # doctest: +SKIP
    PosixPath('world.truth.json')
    """
    if scale <= 0:
        raise ValueError(f"scale must be > 0; got {scale}")
    out_dir = Path(out_dir)
    truth_path = (
        Path(truth_path)
        if truth_path
        else out_dir.parent / (out_dir.name + ".truth.json")
    )
    if (
        truth_path.resolve().parent == out_dir.resolve()
        or out_dir.resolve() in truth_path.resolve().parents
    ):
        raise ValueError(
            f"truth file {truth_path} must not be inside the input folder {out_dir}"
        )
    rng = np.random.default_rng(seed)
    book = WorldBook(rng)
    ranges = ranges or (WIDE if wide else NARROW)
    pop = plant_population(book, scale, ranges.wide)
    networks = plant_networks(book, pop, scale, ranges)

    tables: dict[str, tuple[str, pa.Table, np.ndarray]] = {}
    txns = book.txn_columns()
    shaped: dict[str, Callable] = {}
    statement_file = None
    for partner, name in TRANSACTION_FILES.items():
        table, eligible = _transactions_table(book, txns, partner)
        own_shape = partner_shapes and (statements or partner != STATEMENT_BANK)
        if own_shape and partner in SHAPES and not contract_files:
            name = SHAPES[partner].file_name
            shaped[name] = SHAPES[partner].write
        if own_shape and partner == STATEMENT_BANK:
            statement_file = name
        tables[name] = (TRANSACTIONS, table, eligible)
    for partner, name in ACCOUNT_FILES.items():
        table, eligible = _accounts_table(book, partner)
        tables[name] = (ACCOUNTS, table, eligible)
    for name in dict.fromkeys(OSINT_FILES.values()):
        table, eligible = _osint_table(book, name)
        tables[name] = (OSINT, table, eligible)
    labels = _labels_table(book, networks, pop)
    tables[LABELS_FILE] = (LABELS, labels, np.ones(labels.num_rows, bool))

    out_dir.mkdir(parents=True, exist_ok=True)
    invalid: list[dict[str, Any]] = []
    labelled = set(labels.column("ref").to_pylist())
    # Corrupted in the contract-shaped world's order, whatever the files are called.
    order = {name: (SHAPED_ORDER.get(name, name)) for name in tables}
    for name in sorted(tables, key=order.get):
        kind, table, eligible = tables[name]
        fresh = _fresh_key(book, kind, table, labelled)
        ways = statement_breakages() if name == statement_file else None
        table, report = corrupt_table(table, kind, name, rng, eligible, fresh, ways)
        if name == statement_file:
            table, report = statement_view(table, report)
        invalid.extend(report)
        (shaped.get(name) or write_table)(table, out_dir / name)
    write_partners(out_dir / "partners.yaml")
    if shaped:
        write_profiles(out_dir, skip=() if statements else (STATEMENT_BANK,))

    truth = _truth(book, pop, networks, invalid, seed, scale)
    truth_path.parent.mkdir(parents=True, exist_ok=True)
    truth_path.write_text(
        json.dumps(truth, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    return truth_path


# --- tables ---------------------------------------------------------------------------


def _strings(values: Any) -> pa.Array:
    return pa.array(values, type=pa.string(), from_pandas=False)


def _transactions_table(
    book: WorldBook, cols: dict[str, np.ndarray], partner: str
) -> tuple[pa.Table, np.ndarray]:
    rng = book.rng
    acct_partner = np.array([a.partner for a in book.accounts], dtype=object)
    acct_id = np.array([a.account_id for a in book.accounts], dtype=object)
    acct_protected = np.array(
        [a.ref in book.protected for a in book.accounts], dtype=bool
    )
    keep = np.flatnonzero(acct_partner[cols["acct"]] == partner)
    keep = keep[np.argsort(cols["utc"][keep], kind="stable")]
    n = len(keep)
    start = int(rng.integers(10**6, 10**7))
    fmt = TXN_ID_FORMAT[partner]
    txn_ids = [fmt.format(start + i) for i in range(n)]
    cents = cols["cents"][keep]
    amount = pc.binary_join_element_wise(
        pc.cast(pa.array(cents // 100), pa.string()),
        pc.utf8_lpad(pc.cast(pa.array(cents % 100), pa.string()), 2, "0"),
        ".",
    )
    data = {
        "txn_id": _strings(txn_ids),
        "partner_id": _strings(np.full(n, partner, dtype=object)),
        "account_id": _strings(acct_id[cols["acct"][keep]]),
        "timestamp": _strings(iso_timestamps(cols["utc"][keep], cols["off"][keep])),
        "amount": amount,
    }
    names = [c for c in column_names(TRANSACTIONS) if c != TIMESTAMP_PRECISION]  # all `second`
    for name in names:
        if name not in data:
            data[name] = _strings(cols[name][keep])
    table = pa.table([data[c] for c in names], names=names)
    perm = rng.permutation(n)
    eligible = ~acct_protected[cols["acct"][keep]]
    return table.take(pa.array(perm)), eligible[perm]


def _rows_table(kind: str, rows: list[dict[str, Any]]) -> pa.Table:
    schema = raw_schema(kind)
    names = column_names(kind)
    arrays = []
    for name in names:
        values = [r.get(name) for r in rows]
        arrays.append(pa.array(values, type=schema.field(name).type))
    return pa.table(arrays, names=names)


def _accounts_table(book: WorldBook, partner: str) -> tuple[pa.Table, np.ndarray]:
    idx = [i for i, a in enumerate(book.accounts) if a.partner == partner]
    perm = book.rng.permutation(len(idx))
    idx = [idx[int(i)] for i in perm]
    rows = [book.account_rows[i] for i in idx]
    eligible = np.array([book.accounts[i].ref not in book.protected for i in idx], bool)
    return _rows_table(ACCOUNTS, rows), eligible


def _osint_table(book: WorldBook, file_name: str) -> tuple[pa.Table, np.ndarray]:
    rows = [r for r in book.osint_rows if OSINT_FILES[r["source"]] == file_name]
    perm = book.rng.permutation(len(rows))
    rows = [rows[int(i)] for i in perm]
    eligible = np.array(
        [f"osint:{r['record_id']}" not in book.protected for r in rows], bool
    )
    for r in rows:
        for col in list_columns(OSINT):
            if r.get(col) is not None:
                r[col] = [str(v) for v in r[col] if v]
    return _rows_table(OSINT, rows), eligible


def _labels_table(
    book: WorldBook, networks: list[Network], pop: Population
) -> pa.Table:
    rng = book.rng
    rows = []

    def case_id() -> str:
        return book.unique_id(lambda r: f"CASE-2025-{int(r.integers(1000, 10000))}")

    for net in networks:
        if not net.labelled:
            continue
        cid = case_id()
        for ref in sorted(net.roles):
            rows.append(
                {"ref": ref, "label": "1", "case_id": cid, "typology": net.typology}
            )
    suspected = {
        "legit_spa": "illicit_massage_business",
        "late_bar": "illicit_massage_business",
        "staffing_agency": "labor_trafficking",
        "business_traveller": "escort_online_commercial_sex",
        "car_sale_cash": "funnel_account",
        "cash_business": "funnel_account",
    }
    done = {row["ref"] for row in rows}
    for la in pop.lookalikes:
        if la.get("cleared"):
            cid = case_id()
            for ref in la["refs"]:
                if ref in done:
                    continue
                done.add(ref)
                rows.append(
                    {
                        "ref": ref,
                        "label": "0",
                        "case_id": cid,
                        "typology": suspected.get(la["kind"]),
                    }
                )
    perm = rng.permutation(len(rows))
    return _rows_table(LABELS, [rows[int(i)] for i in perm])


def _fresh_key(book: WorldBook, kind: str, table: pa.Table, labelled: set[str]) -> Any:
    """A function giving a template row a new unique key for its kind."""
    if kind == TRANSACTIONS:
        ids = table.column("txn_id").to_pylist()
        fmt = (
            TXN_ID_FORMAT[table.column("partner_id")[0].as_py()]
            if table.num_rows
            else "{}"
        )
        counter = [len(ids) + int(book.rng.integers(10**7, 2 * 10**7))]

        def fresh(row: dict[str, Any]) -> dict[str, Any]:
            counter[0] += int(book.rng.integers(1, 50))
            return {**row, "txn_id": fmt.format(counter[0])}

        return fresh
    if kind == ACCOUNTS:
        return lambda row: {**row, "account_id": book.account_id(row["partner_id"])}
    if kind == OSINT:
        return lambda row: {
            **row,
            "record_id": book.record_id(str(row["record_id"]).split("-")[0]),
        }
    unlabelled = [a.ref for a in book.accounts if a.ref not in labelled]

    def fresh_label(row: dict[str, Any]) -> dict[str, Any]:
        return {**row, "ref": unlabelled[int(book.rng.integers(len(unlabelled)))]}

    return fresh_label


# --- truth -------------------------------------------------------------------------


def _truth(
    book: WorldBook,
    pop: Population,
    networks: list[Network],
    invalid: list[dict[str, Any]],
    seed: int,
    scale: float,
) -> dict[str, Any]:
    account_by_ref = {a.ref: (a, book.account_rows[a.index]) for a in book.accounts}
    osint_by_ref = {f"osint:{r['record_id']}": r for r in book.osint_rows}
    victim_refs, names, account_ids = set(), set(), set()
    for net in networks:
        for ref, role in net.roles.items():
            if role != VICTIM:
                continue
            victim_refs.add(ref)
            if ref in account_by_ref:
                acct, row = account_by_ref[ref]
                names.add(row["holder_name"])
                account_ids.add(acct.account_id)
            else:
                row = osint_by_ref[ref]
                names.add(row["name"])
                names.update(row.get("aliases") or [])
    return {
        "seed": seed,
        "scale": scale,
        "entities": dict(sorted(book.entity_of.items())),
        "networks": [
            {
                "network_id": net.network_id,
                "typology": net.typology,
                "labelled": net.labelled,
                "refs": sorted(net.roles),
                "roles": dict(sorted(net.roles.items())),
            }
            for net in networks
        ],
        "potential_victims": {
            "refs": sorted(victim_refs),
            "names": sorted(names),
            "account_ids": sorted(account_ids),
        },
        "lookalikes": [
            {"kind": la["kind"], "refs": sorted(la["refs"])} for la in pop.lookalikes
        ],
        "invalid_rows": sorted(invalid, key=lambda r: (r["file"], r["row"])),
    }


__all__ = ["generate_world", "BANKS"]
