"""The validation report: one summarised GX validation result per kind, rendered as
Great Expectations Data Docs under `OUT/validation/`.

The row detail lives in `quarantine/<kind>.jsonl`; the report sums it up per expectation
(how many rows broke it, a few offending values), so building it costs one small result
per kind however large the run. Every count comes from a GX result (batch validation),
the run-wide uniqueness stage or the unknown-account check; nothing is re-judged here.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from fiu.contract import KINDS
from fiu.validate.suites import ACCOUNT_KNOWN

REPORT_DIR = "validation"
EXAMPLES = 10


def findings_of(lines: list[dict]) -> dict[str, dict]:
    """{"<expectation>|<column>": {count, examples}} over one kind's quarantine lines."""
    found: dict[str, dict] = {}
    for line in sorted(lines, key=lambda l: (l["file"], l["row"])):
        for failure in line["failures"]:
            key = f"{failure['expectation']}|{failure['column'] or ''}"
            entry = found.setdefault(key, {"count": 0, "examples": []})
            entry["count"] += 1
            value = failure.get("value")
            if len(entry["examples"]) < EXAMPLES and value not in entry["examples"]:
                entry["examples"].append(value)
    return found


def write_data_docs(
    out_dir: str | Path,
    suites: dict[str, dict],
    counts: dict[str, dict[str, int]],
    findings: dict[str, dict[str, dict]],
    unknown_accounts: dict,
    run_id: str,
    run_time: str,
) -> str:
    """Build the Data Docs site into `OUT/validation/`; returns its index, relative to OUT.

    The site is built in a scratch folder beside it and moved into place in one rename,
    so a reader never sees half a report.
    """
    import logging

    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    out = Path(out_dir)
    scratch = Path(tempfile.mkdtemp(prefix=f".{REPORT_DIR}.", dir=out))
    try:
        context = gx.get_context(mode="ephemeral")
        context.add_data_docs_site(
            "fiu",
            {
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(scratch),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
        when = _time(run_time)
        for kind in KINDS:
            if not counts.get(kind, {}).get("read"):
                continue
            result = suite_result(
                kind, suites[kind], counts[kind], findings.get(kind, {}),
                unknown_accounts if kind == "transactions" else None, run_id, when,
            )
            key = ValidationResultIdentifier(
                ExpectationSuiteIdentifier(name=suites[kind]["name"]),
                RunIdentifier(run_name=run_id, run_time=when),
                kind,
            )
            context.validation_results_store.set(key, result)
        context.build_data_docs(site_names=["fiu"])
        target = out / REPORT_DIR
        if target.exists():
            shutil.rmtree(target)
        os.replace(scratch, target)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return f"{REPORT_DIR}/index.html"


def suite_result(
    kind: str,
    suite: dict,
    counts: dict[str, int],
    findings: dict[str, dict],
    unknown_accounts: dict | None,
    run_id: str,
    when: datetime,
):
    """One GX `ExpectationSuiteValidationResult` for a kind, summed over the run."""
    from great_expectations.core import (
        ExpectationSuiteValidationResult,
        ExpectationValidationResult,
    )
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    rows = counts.get("read", 0)
    results = []
    for expectation in suite["expectations"]:
        kwargs = dict(expectation["kwargs"])
        column = kwargs.get("column") or ",".join(kwargs.get("column_list", []))
        if expectation["type"] == ACCOUNT_KNOWN:
            found = unknown_accounts or {"count": 0, "examples": []}
            kwargs["value_pairs_set"] = [["(accepted accounts", "of this run)"]]
            examples = [[e["partner_id"], e["account_id"]] for e in found["examples"]]
        else:
            found = findings.get(f"{expectation['type']}|{column}", {"count": 0, "examples": []})
            examples = found["examples"]
        if isinstance(kwargs.get("value_set"), dict):
            kwargs["value_set"] = _parameter_values(kwargs["value_set"])
        config = ExpectationConfiguration(
            type=expectation["type"],
            kwargs=kwargs,
            meta=expectation.get("meta"),
            severity=expectation.get("severity", "critical"),
        )
        unexpected = found["count"]
        results.append(
            ExpectationValidationResult(
                success=unexpected == 0 or expectation.get("severity") == "warning",
                expectation_config=config,
                result={
                    "element_count": rows,
                    "unexpected_count": unexpected,
                    "unexpected_percent": 100.0 * unexpected / rows if rows else 0.0,
                    "partial_unexpected_list": examples,
                },
            )
        )
    other = {k: v for k, v in findings.items() if not _in_suite(k, suite)}
    failed = sum(1 for r in results if not r.success)
    return ExpectationSuiteValidationResult(
        success=failed == 0,
        results=results,
        suite_name=suite["name"],
        statistics={
            "evaluated_expectations": len(results),
            "successful_expectations": len(results) - failed,
            "unsuccessful_expectations": failed,
            "success_percent": 100.0 * (len(results) - failed) / len(results) if results else 100.0,
        },
        meta={
            "run_id": RunIdentifier(run_name=run_id, run_time=when),
            "active_batch_definition": {
                "datasource_name": "fiu", "data_asset_name": kind, "batch_definition_name": "run",
            },
            "batch_markers": {},
            "batch_spec": {},
            "rows": counts,
            # Row-shape problems and values that matched their pattern yet did not cast
            # (2026-02-30) are not suite expectations; they are counted here.
            "other_findings": other,
        },
    )


def _in_suite(key: str, suite: dict) -> bool:
    for expectation in suite["expectations"]:
        kwargs = expectation["kwargs"]
        column = kwargs.get("column") or ",".join(kwargs.get("column_list", []))
        if key == f"{expectation['type']}|{column}":
            return True
    return False


def _parameter_values(reference: dict) -> list[str]:
    from fiu.validate.suites import suite_parameters

    return list(suite_parameters().get(reference.get("$PARAMETER", ""), []))


def _time(stamp: str) -> datetime:
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return datetime(1970, 1, 1, tzinfo=timezone.utc)


def validation_section(
    out_dir: str | Path,
    suites: dict[str, dict],
    counts: dict[str, dict[str, int]],
    findings_records: list[dict],
    unknown_records: list[dict],
    run_id: str,
    run_time: str,
) -> dict:
    """The manifest's `validation`: the report's path, warnings and failure counts;
    writes the report."""
    findings = findings_records[0] if findings_records else {}
    unknown = unknown_records[0] if unknown_records else {"count": 0, "examples": []}
    report = write_data_docs(out_dir, suites, counts, findings, unknown, run_id, run_time)
    return {
        "report": report,
        "quarantine": "quarantine/",
        "failures": {
            kind: {key: entry["count"] for key, entry in sorted(found.items())}
            for kind, found in sorted(findings.items())
            if found
        },
        "warnings": {
            "unknown_accounts": {
                "transactions": unknown["count"],
                "examples": unknown["examples"],
            }
        },
    }
