"""Analysts' judgements: pairs of refs marked *same* or *different* after review.

A judgement file (CSV with a header, or JSON Lines) has `left_ref`, `right_ref` and
`judgement` (`same` or `different`), and may carry `analyst`, `decided_on` and `note`.
*Same* pairs are hard links and, once there are enough of them, train m; *different*
pairs are hard cuts: the two refs never share an entity, whatever links them. A later
line about the same pair overrides an earlier one, as a review would.

    left_ref,right_ref,judgement,analyst
    account:bank-a:A1,osint:R9,same,jd
    osint:R3,osint:R4,different,jd
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa

from ..errors import InputError
from .compare import LEFT_REF, RIGHT_REF

SAME, DIFFERENT = "same", "different"
JUDGEMENT = "judgement"
JUDGEMENT_SCHEMA = pa.schema(
    [pa.field(LEFT_REF, pa.string()), pa.field(RIGHT_REF, pa.string()),
     pa.field(JUDGEMENT, pa.string())]
)
_REF_PREFIXES = ("osint:", "account:")


def _rows(path: Path) -> list[dict[str, object]]:
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".jsonl", ".ndjson"):
        rows = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(path.name, f"not JSON: {err.msg}", number) from None
            if not isinstance(row, dict):
                raise InputError(path.name, "a line must be a JSON object", number)
            rows.append(row)
        return rows
    return list(csv.DictReader(text.splitlines()))


def load_judgements(path: str | Path) -> pa.Table:
    """The file's judgements as `(left_ref, right_ref, judgement)`, each pair once with
    its refs in order, sorted; a bad row stops with its file, row and field (exit 2)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "no such judgements file")
    latest: dict[tuple[str, str], str] = {}
    for number, row in enumerate(_rows(path), start=1):
        for field in (LEFT_REF, RIGHT_REF):
            value = row.get(field)
            if not isinstance(value, str) or not value.startswith(_REF_PREFIXES):
                raise InputError(
                    path.name,
                    f"{value!r} is not an account or osint ref (`account:P:A`, `osint:R`)",
                    number, field,
                )
        judgement = str(row.get(JUDGEMENT, "")).strip().lower()
        if judgement not in (SAME, DIFFERENT):
            raise InputError(
                path.name, f"{row.get(JUDGEMENT)!r} is not 'same' or 'different'", number,
                JUDGEMENT,
            )
        left, right = sorted((str(row[LEFT_REF]), str(row[RIGHT_REF])))
        if left == right:
            raise InputError(path.name, "a ref judged against itself", number, RIGHT_REF)
        latest[(left, right)] = judgement
    pairs = sorted(latest.items())
    return pa.table(
        {LEFT_REF: [k[0] for k, _ in pairs], RIGHT_REF: [k[1] for k, _ in pairs],
         JUDGEMENT: [v for _, v in pairs]},
        schema=JUDGEMENT_SCHEMA,
    )


def judged(judgements: pa.Table | None, which: str, refs: set[str] | None = None) -> pa.Table:
    """The `same` or `different` pairs, only those whose refs are both known when
    `refs` is given."""
    if judgements is None:
        return pa.table({LEFT_REF: pa.array([], pa.string()), RIGHT_REF: pa.array([], pa.string())})
    rows = [
        (a, b) for a, b, j in zip(
            judgements[LEFT_REF].to_pylist(), judgements[RIGHT_REF].to_pylist(),
            judgements[JUDGEMENT].to_pylist(),
        )
        if j == which and (refs is None or (a in refs and b in refs))
    ]
    return pa.table(
        {LEFT_REF: pa.array([a for a, _ in rows], pa.string()),
         RIGHT_REF: pa.array([b for _, b in rows], pa.string())}
    )


__all__ = ["DIFFERENT", "JUDGEMENT_SCHEMA", "SAME", "judged", "load_judgements"]
