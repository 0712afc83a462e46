"""Expectation suites: the JSON files in `expectations/`, one per kind, as GX writes them."""
from __future__ import annotations

import hashlib
import json
import os
from importlib.resources import files
from pathlib import Path

import pycountry

from fiu.contract import KINDS, TYPOLOGIES
from fiu.errors import UsageError

# Expectations that need every row of the run, not one batch: uniqueness is checked by
# the run-wide de-duplication stage, which reads its key columns from the suite; a
# transaction's account against the accepted accounts (a warning) by `validate.accounts`.
UNIQUE = ("expect_compound_columns_to_be_unique", "expect_column_values_to_be_unique")
ACCOUNT_KNOWN = "expect_column_pair_values_to_be_in_set"
RUN_WIDE = {*UNIQUE, ACCOUNT_KNOWN}


# A folder of the user's own suites (`<kind>.json`, as GX writes them): set by
# `--suites DIR`; a kind without a file there keeps the shipped suite.
SUITES_ENV = "FIU_SUITES"


def suites_folder() -> Path | None:
    folder = os.environ.get(SUITES_ENV)
    return Path(folder) if folder else None


def load_suites() -> dict[str, dict]:
    """{kind: suite as a plain dict}; plain dicts pickle cheaply to Beam workers."""
    root = files("fiu.expectations")
    suites = {kind: json.loads(root.joinpath(f"{kind}.json").read_text("utf-8")) for kind in KINDS}
    folder = suites_folder()
    if folder is None:
        return suites
    if not folder.is_dir():
        raise UsageError(f"--suites {folder}: no such folder")
    for path in sorted(folder.glob("*.json")):
        if path.stem not in KINDS:
            raise UsageError(f"{path}: a suite file is named after its kind ({', '.join(KINDS)})")
        try:
            suite = json.loads(path.read_text("utf-8"))
        except ValueError as err:
            raise UsageError(f"{path}: not JSON: {err}") from err
        if not isinstance(suite, dict) or not isinstance(suite.get("expectations"), list):
            raise UsageError(f"{path}: not an expectation suite (no `expectations` list)")
        suites[path.stem] = suite
    return suites


def suite_version(suite: dict) -> str:
    """A content hash, recorded in the manifest next to each suite's name."""
    text = json.dumps(suite, sort_keys=True).encode("utf-8")
    return hashlib.sha256(text).hexdigest()[:12]


def unique_key(suite: dict) -> tuple[str, ...]:
    """The columns the suite says must be unique across the run."""
    for expectation in suite["expectations"]:
        if expectation["type"] in UNIQUE:
            kwargs = expectation["kwargs"]
            return tuple(kwargs.get("column_list") or [kwargs["column"]])
    return ()


def suite_parameters() -> dict[str, list[str]]:
    """Values the suites reference as `{"$PARAMETER": name}`: maintained code lists."""
    return {
        "iso_4217_currencies": sorted(c.alpha_3 for c in pycountry.currencies),
        "iso_3166_countries": sorted(c.alpha_2 for c in pycountry.countries),
        "typologies": list(TYPOLOGIES),
    }
