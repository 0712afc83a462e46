"""Fuzz targets: one hypothesis strategy and one property a target, shared by the short
CI tests in this folder and the long session (`python benchmarks/fuzz.py`).

Each property takes one drawn example and raises `AssertionError` (or any other
exception) when the code under test misbehaves:

- readers: any bytes as a CSV, JSON Lines or Parquet file give batches and quarantine
  lines (every row accounted for) or an `InputError`, nothing else;
- normalisers: any text gives an array of the input's length, never an exception;
- the rule condition parser: any text compiles or raises `ConditionError`, and nothing
  in it is imported, opened, run or evaluated;
- the package writer: any text in any field of a package leaves no live tag in
  `brief.html` and no formula cell in `identifiers.csv`.
"""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import strategies as st

from fiu.contract import column_names, required_columns
from fiu.errors import InputError

# --- text that hurts ----------------------------------------------------------------

# Fragments that have broken parsers and renderers before: markup, formula starts,
# quotes and separators, line ends, BOMs, bidi controls, combining marks, wide chars.
HOSTILE = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</td><svg onload=x>",
    "<!--", "-->", "<![CDATA[", "javascript:alert(1)", "&lt;", "&#60;", "&amp;",
    "=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=cmd|' /C calc'!A0",
    '"', "'", ",", ";", "\\", "\n", "\r\n", "\r", "\x00", "\x0b", "\x1f", "\ufeff", "\u202e",
    "\u200b", "\u0301", "ﬁ", "İ", "ß", "\U0001f600", "Ω", "٣", "＋１", "+15125550100",
    "__import__('os').system('touch /tmp/pwned')", "a@b.c", "A.B+tag@Example.COM", "@", "@@",
    "12 N.W. Main St. Apt. 4", "St", "Rd.", "P.O. Box", "LLC", "Inc.", "Smith, John",
    " ", "", "x" * 300, "(512) 555-0100", "+44 20 7946 0958", "ext. 12", "0" * 40,
]
hostile_text = st.one_of(
    st.text(max_size=60),
    st.sampled_from(HOSTILE),
    st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=8)), max_size=6).map("".join),
)
hostile_texts = st.lists(st.one_of(st.none(), hostile_text), max_size=20)


# --- readers ------------------------------------------------------------------------

KINDS_UNDER_TEST = ("transactions", "accounts", "osint")


def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


@st.composite
def input_files(draw) -> tuple[str, str, bytes]:
    """(kind, format, file bytes): anything from valid files with hostile values, over
    half-valid ones (a required column dropped, a row too long or short), to raw bytes."""
    kind = draw(st.sampled_from(KINDS_UNDER_TEST))
    fmt = draw(st.sampled_from(("csv", "jsonl", "parquet")))
    shape = draw(st.sampled_from(("table", "table", "bytes", "mutated")))
    names = column_names(kind)
    if shape == "bytes":
        return kind, fmt, draw(st.binary(max_size=300))
    header = list(names)
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    if draw(st.integers(0, 4)) == 0:
        header.remove(draw(st.sampled_from(required_columns(kind))))
    if draw(st.integers(0, 4)) == 0:
        header.append(draw(st.sampled_from(["extra", "_row", "_file", "ref", ""])))
    width = len(header)
    cell = st.one_of(hostile_text, st.just(""))
    rows = draw(st.lists(st.lists(cell, min_size=width, max_size=width), max_size=6))
    for row in rows:  # now and then a row with too many or too few fields
        if draw(st.integers(0, 6)) == 0:
            if row and draw(st.booleans()):
                row.pop()
            else:
                row.append(draw(cell))
    if fmt == "csv":
        data = _csv_text(header, rows).encode("utf-8", "surrogatepass")
    elif fmt == "jsonl":
        lines = []
        for row in rows:
            record: Any = dict(zip(header, row))
            if draw(st.integers(0, 6)) == 0:
                record = draw(st.one_of(st.integers(), st.lists(st.integers(), max_size=2),
                                        st.text(max_size=5), st.none()))
            elif record and draw(st.integers(0, 5)) == 0:
                key = draw(st.sampled_from(sorted(record)))
                record[key] = draw(st.one_of(st.integers(), st.floats(), st.booleans(),
                                             st.lists(hostile_text, max_size=3),
                                             st.dictionaries(st.text(max_size=3), st.integers(),
                                                             max_size=2)))
            lines.append(json.dumps(record, ensure_ascii=draw(st.booleans())))
        data = "\n".join(lines).encode("utf-8", "surrogatepass")
        if lines and draw(st.booleans()):
            data += b"\n"
    else:
        unique = list(dict.fromkeys(h for h in header if h))
        columns = {name: pa.array([r[header.index(name)] if header.index(name) < len(r) else None
                                   for r in rows], pa.string()) for name in unique}
        buffer = io.BytesIO()
        pq.write_table(pa.table(columns) if columns else pa.table({"x": pa.array([], pa.int64())}),
                       buffer)
        data = buffer.getvalue()
    if shape == "mutated" and data:
        data = bytearray(data)
        for _ in range(draw(st.integers(1, 4))):
            at = draw(st.integers(0, len(data) - 1))
            op = draw(st.sampled_from(("flip", "cut", "insert")))
            if op == "flip":
                data[at] = draw(st.integers(0, 255))
            elif op == "cut":
                del data[at:]
                if not data:
                    break
            else:
                data[at:at] = draw(st.sampled_from([b'"', b",", b"\n", b"\r", b"\x00", b"\xff",
                                                    b"{", b"}", b"\\", b"PAR1"]))
        data = bytes(data)
    return kind, fmt, data


def reader_property(example: tuple[str, str, bytes]) -> None:
    """A file gives batches and quarantine lines with every row once, or an InputError."""
    from fiu.io.inputs import list_inputs
    from fiu.io.limits import Limits
    from fiu.io.readers import check_header, read_file

    kind, fmt, data = example
    folder = Path(tempfile.mkdtemp(prefix="fiu-fuzz-"))
    try:
        (folder / f"{kind}_fuzz.{fmt}").write_bytes(data)
        try:
            (source,) = list_inputs(folder)
        except InputError:
            return
        try:
            check_header(source)
        except InputError:
            pass
        try:
            result = read_file(source, limits=Limits(max_field_chars=50))
        except InputError as err:
            assert source.name in str(err)
            return
        names = column_names(kind)
        seen: list[int] = []
        for batch in result.batches:
            assert batch.schema.names[: len(names)] == names
            rows = batch.column("_row").to_pylist()
            assert all(isinstance(r, int) and r >= 1 for r in rows)
            seen += rows
            for name in names:
                column = batch.column(name)
                assert pa.types.is_string(column.type) or pa.types.is_list(column.type)
        for line in result.broken:
            assert line["file"] == source.name and line["failures"]
            seen.append(line["row"])
        assert len(seen) == len(set(seen)), "a row was read twice"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- normalisers --------------------------------------------------------------------


def _normalisers() -> dict[str, Callable[[list], pa.Array]]:
    from fiu.normalize import addresses, emails, names, phones

    return {
        "phones.to_e164": lambda v: phones.to_e164(pa.array(v, pa.string())),
        "phones.to_e164_with_countries": lambda v: phones.to_e164(
            pa.array(v, pa.string()),
            pa.array([["US", "GB", None, "ZZ", "mx", ""][i % 6] for i in range(len(v))], pa.string()),
        ),
        "emails.normalise_emails": lambda v: emails.normalise_emails(pa.array(v, pa.string())),
        "names.person_names": lambda v: names.person_names(pa.array(v, pa.string())),
        "names.business_names": lambda v: names.business_names(pa.array(v, pa.string())),
        "names.party_names": lambda v: names.party_names(pa.array(v, pa.string())),
        "names.party_name_lists": lambda v: names.party_name_lists(
            pa.array([None if x is None else [x, x + "x"] for x in v], pa.list_(pa.string()))
        ),
        "names.typed_names": lambda v: names.typed_names(
            pa.array(v, pa.string()),
            pa.array([i % 3 == 0 for i in range(len(v))], pa.bool_()),
            pa.array([i % 3 == 1 for i in range(len(v))], pa.bool_()),
        ),
        "addresses.normalise_addresses": lambda v: addresses.normalise_addresses(
            pa.array(v, pa.string())
        ),
    }


normaliser_examples = st.tuples(st.sampled_from(sorted(_normalisers())), hostile_texts)


def normaliser_property(example: tuple[str, list]) -> None:
    """Never raises; one output a row, null for null; strings (or lists) of strings."""
    name, values = example
    out = _normalisers()[name](values)
    assert len(out) == len(values), f"{name}: {len(out)} values out for {len(values)} in"
    for value, result in zip(values, out.to_pylist()):
        if value is None:
            assert result is None, f"{name}: {result!r} from null"
        assert result is None or isinstance(result, (str, list))


# --- rule conditions ----------------------------------------------------------------

CONDITION_TOKENS = [
    "cash_in_regions_30d", "cash_in_count_30d", "night_card_share", "x", "__import__", "os",
    "open", "eval", "exec", "lambda", "__class__", "__subclasses__", "()", "(", ")", "[", "]",
    ".", ",", ":", "'os'", '"a"', "1", "-1", "1e309", "0x10", "1_000", "3.5", "True", "None",
    "and", "or", "not", "if", "else", "in", "is", ">=", "<=", "==", "!=", "<", ">", "=", ":=",
    "+", "-", "*", "**", "~", "@", "f'{1}'", "b'x'", "...", "yield", "await", "#", "\\\n",
    "\n", " ", "\t", "\x00", "\ufeff",
]
condition_texts = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(CONDITION_TOKENS), max_size=14).map(" ".join),
    st.lists(st.sampled_from(CONDITION_TOKENS), max_size=14).map("".join),
)

_FORBIDDEN_EVENTS = ("exec", "import", "open", "os.system", "subprocess.Popen", "os.exec",
                     "os.posix_spawn", "os.spawn", "ctypes.", "socket.")


@dataclass
class _Audit:
    armed: bool = False
    seen: list | None = None

    def hook(self, event: str, args: tuple) -> None:
        if self.armed and event.startswith(_FORBIDDEN_EVENTS) and self.seen is not None:
            self.seen.append(event)


_AUDIT = _Audit()
_AUDIT_INSTALLED = False


def _install_audit_hook() -> None:
    """An audit hook (PEP 578) that records imports, opens, exec and process starts
    while a condition compiles. A hook cannot be removed, so it is installed once and
    armed only around the call."""
    global _AUDIT_INSTALLED
    if not _AUDIT_INSTALLED:
        sys.addaudithook(_AUDIT.hook)
        _AUDIT_INSTALLED = True


def condition_property(text: str) -> None:
    """Compiles, or raises ConditionError; nothing is imported, opened or run."""
    from fiu.detect.features import feature_names
    from fiu.detect.rules import ConditionError, compile_condition

    known = feature_names(None) + ["x"]
    _install_audit_hook()
    _AUDIT.seen = []
    _AUDIT.armed = True
    try:
        compile_condition(text, known=known)
    except ConditionError:
        pass
    finally:
        _AUDIT.armed = False
    assert not _AUDIT.seen, f"compiling ran {sorted(set(_AUDIT.seen))}"


# --- package writer -----------------------------------------------------------------

_TAG = re.compile(r"<\s*/?\s*[A-Za-z!?]")
_STRUCTURE = {"status", "tlp", "date", "kind"}  # strings the renderer uses as values, not text


def _replace_strings(value: Any, texts: list[str], counter: list[int], key: str = "") -> Any:
    if isinstance(value, str):
        if key in _STRUCTURE:
            return value
        counter[0] += 1
        return texts[counter[0] % len(texts)]
    if isinstance(value, dict):
        return {k: _replace_strings(v, texts, counter, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_strings(v, texts, counter, key) for v in value]
    return value


def _package(texts: list[str]) -> dict:
    from fiu.packages.policy import view_for
    from tests.fiu.packages.sample_case import BANK_A, LE_TX, leaky_case

    recipient = LE_TX if len(texts) % 2 else BANK_A
    body = view_for(recipient, leaky_case())
    body.update(package_id="case-0123456789ab--x", run_id="run-0123456789abcdef",
                generated_at="2026-06-30T00:00:00Z")
    return _replace_strings(body, texts, [0])


package_texts = st.lists(hostile_text.filter(bool), min_size=1, max_size=8)


def package_property(texts: list[str]) -> None:
    """Any text in any field: the brief has exactly the tags of the same package with
    plain text in those fields, and the identifier list has no cell a spreadsheet runs."""
    from fiu.packages.render import E164, FORMULA_STARTS, brief_html, identifiers_csv, neutralise_cell

    page = brief_html(_package(texts))
    # Plain text with the same pattern of equal values, so that the same nodes merge.
    first = {t: i for i, t in reversed(list(enumerate(texts)))}
    plain = brief_html(_package([f"plain{first[t]}" for t in texts]))
    assert "<script" not in page.lower()
    assert len(_TAG.findall(page)) == len(_TAG.findall(plain)), "a tag came from the input"
    sheet = identifiers_csv(_package(texts))
    # Read as a spreadsheet does: a bare CR outside quotes ends a row too.
    try:
        rows = list(csv.reader(io.StringIO(sheet, newline="")))
    except csv.Error as err:
        raise AssertionError(f"identifiers.csv has a line break outside quotes: {err}") from None
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS) or E164.match(cell), f"formula cell {cell!r}"
    for text in texts:
        cell = neutralise_cell(text)
        assert not cell.startswith(FORMULA_STARTS) or E164.match(cell)


# --- every target -------------------------------------------------------------------

TARGETS: dict[str, tuple[st.SearchStrategy, Callable[[Any], None]]] = {
    "readers": (input_files(), reader_property),
    "normalisers": (normaliser_examples, normaliser_property),
    "conditions": (condition_texts, condition_property),
    "packages": (package_texts, package_property),
}
