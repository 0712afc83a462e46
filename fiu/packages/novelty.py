"""What is new in a package since the recipient's last package of the same case.

A weekly state keeps, per case and recipient, what the last package held (its subjects,
evidence and refs, and a digest of its content). The next package of that case marks
what the recipient has not been told (`since_last_package`), and a package whose
content equals the last one is not sent again: the recipient already has it.
"""
from __future__ import annotations

import hashlib
import json

# Fields that change from run to run without the package saying anything new.
_VOLATILE = ("run_id", "generated_at", "since_last_package")


def content_digest(package: dict) -> str:
    """sha256 of the package without its run stamp: equal digests, equal content."""
    stable = {k: v for k, v in package.items() if k not in _VOLATILE}
    text = json.dumps(stable, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def evidence_key(item: dict) -> str:
    return item["rule_id"] + "|" + ",".join(sorted(item.get("refs", [])))


def package_refs(package: dict) -> list[str]:
    refs = {r for s in package["subjects"] for r in s["refs"]}
    refs.update(r for h in package["evidence"] for r in h.get("refs", []))
    return sorted(refs)


def report_of(package: dict, run: int) -> dict:
    """What the state remembers of a package sent to its recipient."""
    return {
        "run": run,
        "package_id": package["package_id"],
        "digest": content_digest(package),
        "subjects": sorted(s["entity_id"] for s in package["subjects"]),
        "evidence": sorted(evidence_key(h) for h in package["evidence"]),
        "refs": package_refs(package),
    }


def since_last(package: dict, previous: dict | None) -> dict:
    """`since_last_package`: the run of the last package (none for a first one) and the
    subjects, evidence (indices into `evidence`) and refs it did not hold."""
    previous = previous or {}
    subjects, evidence = set(previous.get("subjects", ())), set(previous.get("evidence", ()))
    refs = set(previous.get("refs", ()))
    return {
        "previous_run": previous.get("run"),
        "new_subjects": sorted(
            s["entity_id"] for s in package["subjects"] if s["entity_id"] not in subjects
        ),
        "new_evidence": [
            i for i, h in enumerate(package["evidence"]) if evidence_key(h) not in evidence
        ],
        "new_refs": [r for r in package_refs(package) if r not in refs],
    }
