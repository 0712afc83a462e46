"""Write string tables as CSV (`;`-joined lists), Parquet (list<string>) or JSON Lines.

Every value is a string (or a list of strings); nulls are an empty CSV field, a null
Parquet value, or a key left out of a JSON line. Output bytes depend only on the table.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

PARTNERS_YAML = """\
partners:
  - id: bank-a
    kind: financial_institution
    name: Bank A
  - id: bank-b
    kind: financial_institution
    name: Bank B
  - id: bank-c
    kind: financial_institution
    name: Bank C
  - id: le-tx
    kind: law_enforcement
    name: Texas task force
    jurisdiction: [TX]
  - id: le-fl
    kind: law_enforcement
    name: Florida task force
    jurisdiction: [FL]
  - id: le-federal
    kind: law_enforcement
    name: Federal task force
"""


def write_table(table: pa.Table, path: Path) -> None:
    """Write by the file's suffix: `.csv`, `.parquet` or `.jsonl`."""
    suffix = path.suffix
    if suffix == ".csv":
        write_csv(table, path)
    elif suffix == ".parquet":
        pq.write_table(table, path, compression="snappy")
    elif suffix == ".jsonl":
        write_jsonl(table, path)
    else:
        raise ValueError(
            f"{path.name}: unknown format {suffix!r}; use .csv, .parquet or .jsonl"
        )


def write_csv(table: pa.Table, path: Path) -> None:
    """RFC 4180 CSV with a header row; list columns joined with `;`."""
    columns = []
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_list(col.type):
            col = pc.binary_join(col, ";")
        columns.append(col)
    flat = pa.table(columns, names=table.column_names)
    pacsv.write_csv(flat, path, pacsv.WriteOptions(quoting_style="needed"))


def write_jsonl(table: pa.Table, path: Path) -> None:
    """One JSON object per line, keys in contract order, nulls left out."""
    names = table.column_names
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for batch in table.to_batches(max_chunksize=50_000):
            cols = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            lines = []
            for values in zip(*cols):
                row = {k: v for k, v in zip(names, values) if v is not None}
                lines.append(json.dumps(row, ensure_ascii=False))
            out.write("\n".join(lines) + "\n")


def write_partners(path: Path) -> None:
    path.write_text(PARTNERS_YAML, encoding="utf-8")
