"""One package folder per case and recipient: `packages/<case_id>/<recipient_id>/`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timezone
from pathlib import Path

from fiu.io.writers import atomic_write
from fiu.packages.partners import Partner
from fiu.packages.policy import SUBJECT, receives, view_for
from fiu.packages.ftm import ftm_json
from fiu.packages.novelty import report_of, since_last
from fiu.packages.render import brief_html, identifiers_csv, package_json


@dataclass(frozen=True)
class RunStamp:
    """What every package of a run carries: the run id and the data's as-of time."""

    run_id: str
    generated_at: str
    # The number of the weekly run (`fiu run --state`); 0 without a state.
    run: int = 0


def latest_observation(kind: str, batch) -> str:
    """The newest transaction time or osint observation date of a batch, ISO 8601 UTC."""
    import pyarrow.compute as pc

    column = "timestamp" if kind == "transactions" else "observed_on"
    if batch.num_rows == 0:
        return ""
    newest = pc.max(batch.column(column)).as_py()
    if newest is None:
        return ""
    if hasattr(newest, "hour"):
        return newest.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    return f"{newest.isoformat()}T00:00:00Z"


def package_view(case: dict, recipient: Partner, stamp: RunStamp) -> dict | None:
    """One recipient's package as a dict; None when it does not receive it, or when its
    view names no subject: a package must name someone to act on."""
    if not receives(recipient, case):
        return None
    package = view_for(recipient, case)
    if not package["subjects"]:
        return None
    package["package_id"] = f"{case['case_id']}--{recipient.id}"
    package["run_id"] = stamp.run_id
    package["generated_at"] = stamp.generated_at
    return package


def package_files(
    case: dict, recipient: Partner, stamp: RunStamp, package: dict | None = None
) -> dict[str, str]:
    """{file name: text} of one recipient's package (`package_view`, unless given);
    empty when there is none."""
    package = package if package is not None else package_view(case, recipient, stamp)
    if package is None:
        return {}
    rendered = {
        "package.json": package_json(package),
        "brief.html": brief_html(package),
        "entities.ftm.json": ftm_json(package),
    }
    if recipient.kind == "financial_institution":
        rendered["identifiers.csv"] = identifiers_csv(package)
    return rendered


def route(case: dict, partners: list[Partner]) -> dict:
    """The case with `recipients`: who gets a package of it. A case nobody gets stays
    for the analysts with `no_package`, the reason in words."""
    recipients = [
        r.id for r in partners if receives(r, case) and view_for(r, case)["subjects"]
    ]
    routed = {**case, "recipients": recipients}
    if not recipients:
        subjects = sum(1 for s in case.get("subjects", []) if s.get("role") == SUBJECT)
        routed["no_package"] = (
            "every party is a potential victim or a related party: no subject to name"
            if not subjects else
            f"no recipient may see any of its {subjects} subject(s)"
        )
    return routed


def write_case_packages(
    case: dict, partners: list[Partner], out_dir: str | Path, stamp: RunStamp,
    reported: dict | None = None, reports: list | None = None,
) -> list[str]:
    """Write every recipient's package of one case; the recipients' ids, sorted.

    With `reported` (a weekly state's {recipient: last package of this case}), each
    package marks what is new since the last one, a package identical to the last is
    not written, and `reports` receives `(recipient, report, sent)` for every package.
    """
    written = []
    for recipient in partners:
        package = package_view(case, recipient, stamp)
        if package is None:
            continue
        if reported is not None:
            previous = reported.get(recipient.id)
            report = report_of(package, stamp.run)
            sent = previous is None or previous.get("digest") != report["digest"]
            if reports is not None:
                reports.append((recipient.id, report if sent else previous, sent))
            if not sent:
                continue
            package["since_last_package"] = since_last(package, previous)
        rendered = package_files(case, recipient, stamp, package)
        folder = Path(out_dir) / "packages" / case["case_id"] / recipient.id
        for name, text in sorted(rendered.items()):
            atomic_write(folder / name, text, durable=False)  # staging: synced at publish
        written.append(recipient.id)
    return written
