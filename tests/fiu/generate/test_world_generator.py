"""The synthetic world: deterministic, contract-shaped, all typologies, exact truth."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pycountry
import pytest

from fiu.contract import (
    COLUMNS,
    DATE,
    DATETIME,
    DECIMAL,
    ENUM,
    KINDS,
    LIST,
    TYPOLOGIES,
    UNIQUE_KEYS,
    account_ref,
    column_names,
    osint_ref,
)
from fiu.generate import generate_world

SCALE = 0.2


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("gen") / "world"
    truth_path = generate_world(out, seed=11, scale=SCALE)
    return out, json.loads(truth_path.read_text(encoding="utf-8"))


def kind_of(name: str) -> str:
    return next(k for k in KINDS if name.startswith(k))


def read_rows(path: Path) -> Iterator[dict[str, Any]]:
    """Rows as the contract reads them: empty string and missing key are null."""
    if path.suffix == ".csv":
        lists = {c.name for c in COLUMNS[kind_of(path.name)] if c.type == LIST}
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                yield {
                    k: (v.split(";") if k in lists and v else (v if v != "" else None))
                    for k, v in row.items()
                }
    elif path.suffix == ".parquet":
        for row in pq.read_table(path).to_pylist():
            yield {k: (v if v != "" else None) for k, v in row.items()}
    else:
        with open(path, encoding="utf-8") as f:
            for line in f:
                yield {k: (v if v != "" else None) for k, v in json.loads(line).items()}


def data_files(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.iterdir() if p.suffix in (".csv", ".parquet", ".jsonl")
    )


def failures(kind: str, row: dict[str, Any]) -> set[str]:
    """Columns of `row` that break the contract (duplicates are checked separately)."""
    bad = set()
    for col in COLUMNS[kind]:
        value = row.get(col.name)
        if value is None:
            if col.required:
                bad.add(col.name)
            continue
        if col.type == ENUM and value not in col.values:
            bad.add(col.name)
        elif col.type == DATE and not _is_date(value):
            bad.add(col.name)
        elif col.type == DATETIME and not _is_datetime(value):
            bad.add(col.name)
        elif col.type == DECIMAL and not (
            re.fullmatch(r"-?\d+(\.\d+)?", value) and float(value) > 0
        ):
            bad.add(col.name)
        elif col.name == "currency" and pycountry.currencies.get(alpha_3=value) is None:
            bad.add(col.name)
        elif col.name == "country" and (
            len(value) != 2 or pycountry.countries.get(alpha_2=value) is None
        ):
            bad.add(col.name)
        elif col.name == "merchant_category_code" and not re.fullmatch(r"\d{4}", value):
            bad.add(col.name)
    return bad


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


def _is_datetime(value: str) -> bool:
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    digests = []
    for name in ("one", "two"):
        truth = generate_world(tmp_path / name / "world", seed=3, scale=0.1)
        files = sorted((tmp_path / name / "world").iterdir()) + [truth]
        digests.append(
            {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
        )
    assert digests[0] == digests[1]
    other = generate_world(tmp_path / "three" / "world", seed=4, scale=0.1)
    assert (
        hashlib.sha256(other.read_bytes()).hexdigest() != digests[0]["world.truth.json"]
    )


def test_truth_is_written_beside_the_folder_not_inside(
    world: tuple[Path, dict],
) -> None:
    folder, _ = world
    assert (folder.parent / "world.truth.json").is_file()
    assert not any("truth" in p.name for p in folder.iterdir())


def test_every_kind_in_all_three_formats(world: tuple[Path, dict]) -> None:
    folder, _ = world
    files = data_files(folder)
    assert {p.suffix for p in files} == {".csv", ".parquet", ".jsonl"}
    for kind in ("transactions", "accounts", "osint"):
        assert {p.suffix for p in files if kind_of(p.name) == kind} == {
            ".csv",
            ".parquet",
            ".jsonl",
        }
    assert (folder / "labels.csv").is_file()
    partners = (folder / "partners.yaml").read_text()
    for pid in ("bank-a", "bank-b", "bank-c", "le-tx", "le-fl", "le-federal"):
        assert f"id: {pid}" in partners


def written_columns(kind: str) -> list[str]:
    """Every contract column but the optional timestamp precision: every generated
    transaction has a time of day."""
    return [c for c in column_names(kind) if c != "timestamp_precision"]


def test_every_file_has_only_contract_columns(world: tuple[Path, dict]) -> None:
    folder, _ = world
    for path in data_files(folder):
        kind = kind_of(path.name)
        if path.suffix == ".csv":
            with open(path, newline="", encoding="utf-8") as f:
                header = next(csv.reader(f))
            assert header == written_columns(kind), path.name
        elif path.suffix == ".parquet":
            schema = pq.read_schema(path)
            assert schema.names == written_columns(kind), path.name
            for col in COLUMNS[kind]:
                if col.name not in schema.names:
                    continue
                t = str(schema.field(col.name).type)
                assert t == (
                    "list<element: string>" if col.type == LIST else "string"
                ), (path.name, col.name, t)
        else:
            keys = set()
            for line in path.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                keys.update(row)
                assert all(isinstance(v, (str, list)) for v in row.values())
            assert keys <= set(column_names(kind)), path.name


def test_invalid_rows_in_truth_are_exactly_the_invalid_rows(
    world: tuple[Path, dict],
) -> None:
    folder, truth = world
    found: dict[tuple[str, int], set[str]] = {}
    seen: dict[str, set[tuple]] = {k: set() for k in KINDS}
    for path in data_files(folder):
        kind = kind_of(path.name)
        for i, row in enumerate(read_rows(path), start=1):
            bad = failures(kind, row)
            key = tuple(row.get(c) for c in UNIQUE_KEYS[kind])
            if None not in key:
                if key in seen[kind]:
                    bad.add(UNIQUE_KEYS[kind][-1])
                seen[kind].add(key)
            if bad:
                found[(path.name, i)] = bad
    recorded = {(r["file"], r["row"]): r for r in truth["invalid_rows"]}
    assert set(found) == set(recorded)
    for where, r in recorded.items():
        assert found[where] == {r["column"]}, (where, r)
        assert r["reason"]
    for path in data_files(folder):
        n = sum(1 for _ in read_rows(path))
        assert sum(1 for r in truth["invalid_rows"] if r["file"] == path.name) >= 1
        assert sum(1 for r in truth["invalid_rows"] if r["file"] == path.name) <= max(
            2, 0.01 * n
        )


def test_invalid_rows_cover_many_kinds_of_breakage(world: tuple[Path, dict]) -> None:
    _, truth = world
    reasons = " | ".join(r["reason"] for r in truth["invalid_rows"])
    for expected in (
        "missing required",
        "not one of",
        "amount not > 0",
        "amount not a number",
        "ISO 4217",
        "ISO 3166",
        "no UTC offset",
        "not an ISO 8601",
        "not 4 digits",
        "duplicate txn_id",
        "duplicate (partner_id, account_id)",
        "duplicate record_id",
    ):
        assert expected in reasons, expected


def _valid_refs(folder: Path, truth: dict) -> set[str]:
    invalid = {(r["file"], r["row"]) for r in truth["invalid_rows"]}
    refs = set()
    for path in data_files(folder):
        kind = kind_of(path.name)
        if kind not in ("accounts", "osint"):
            continue
        for i, row in enumerate(read_rows(path), start=1):
            if (path.name, i) in invalid:
                continue
            refs.add(
                osint_ref(row["record_id"])
                if kind == "osint"
                else account_ref(row["partner_id"], row["account_id"])
            )
    return refs


def test_truth_refs_exist_and_entities_cover_every_valid_record(
    world: tuple[Path, dict],
) -> None:
    folder, truth = world
    valid = _valid_refs(folder, truth)
    assert set(truth["entities"]) == valid
    for net in truth["networks"]:
        assert set(net["refs"]) <= valid
        assert set(net["roles"]) == set(net["refs"])
    assert set(truth["potential_victims"]["refs"]) <= valid
    for la in truth["lookalikes"]:
        assert set(la["refs"]) <= valid
    labelled = {row["ref"] for row in read_rows(folder / "labels.csv")}
    assert labelled  # and every labelled network is in the labels
    for net in truth["networks"]:
        if net["labelled"]:
            assert set(net["refs"]) <= labelled


def test_every_typology_planted_labelled_and_unlabelled(
    world: tuple[Path, dict],
) -> None:
    _, truth = world
    by_typology: dict[str, list[dict]] = {}
    for net in truth["networks"]:
        by_typology.setdefault(net["typology"], []).append(net)
    assert set(by_typology) == set(TYPOLOGIES)
    for nets in by_typology.values():
        assert {n["labelled"] for n in nets} == {True, False}
        for n in nets:
            assert "subject" in n["roles"].values()


def test_victims_have_the_victim_role(world: tuple[Path, dict]) -> None:
    folder, truth = world
    ads = {
        osint_ref(r["record_id"])
        for p in data_files(folder)
        if p.name.startswith("osint")
        for r in read_rows(p)
        if r.get("source") == "online_ad"
    }
    victims = set(truth["potential_victims"]["refs"])
    for net in truth["networks"]:
        for ref, role in net["roles"].items():
            assert role in ("subject", "potential_victim")
            assert (role == "potential_victim") == (ref in victims)
            if ref in ads:
                assert role == "potential_victim"
        if net["typology"] in ("labor_trafficking", "escort_online_commercial_sex"):
            assert (
                sum(r.startswith("account:") for r in victims & set(net["refs"])) >= 3
            )
    ids = set(truth["potential_victims"]["account_ids"])
    assert ids == {r.rsplit(":", 1)[1] for r in victims if r.startswith("account:")}
    assert truth["potential_victims"]["names"]


def test_lookalikes_cover_the_false_positive_traps(world: tuple[Path, dict]) -> None:
    _, truth = world
    kinds = {la["kind"] for la in truth["lookalikes"]}
    assert {
        "legit_spa",
        "nail_salon",
        "late_bar",
        "hotel",
        "staffing_agency",
        "business_traveller",
        "remittance_sender",
        "car_sale_cash",
        "household",
        "apartment_building",
    } <= kinds


def test_timestamps_carry_local_offsets_and_2026_dates(
    world: tuple[Path, dict],
) -> None:
    folder, truth = world
    invalid = {
        r["row"]
        for r in truth["invalid_rows"]
        if r["file"] == "transactions_bank-a.csv"
    }
    offsets, months = set(), set()
    for i, row in enumerate(read_rows(folder / "transactions_bank-a.csv"), start=1):
        ts = row["timestamp"] or ""
        if i not in invalid and re.fullmatch(
            r"2026-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", ts
        ):
            offsets.add(ts[-6:])
            months.add(ts[5:7])
    assert {"-05:00", "-06:00", "-08:00"} <= offsets
    # six months; money forwarded at the end of June may land on the first days of July
    assert (
        {"01", "02", "03", "04", "05", "06"}
        <= months
        <= {"01", "02", "03", "04", "05", "06", "07"}
    )


def test_phones_are_written_in_many_formats(world: tuple[Path, dict]) -> None:
    folder, _ = world
    shapes = set()
    for row in read_rows(folder / "accounts_bank-c.csv"):
        if row["phone"]:
            shapes.add(re.sub(r"\d", "9", row["phone"]))
    assert len(shapes) >= 4
