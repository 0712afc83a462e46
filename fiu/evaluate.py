"""Score a run against a generated world's ground truth.

- Network recall: a planted network is found when one reported case holds at least
  half of its records and at least half of that case's records belong to it.
- Case precision: the share of reported cases (score at or above the run's threshold)
  of which at least half the records belong to one planted network; per typology, the
  share of the cases naming it whose network is of that typology.
- Entity resolution: pairwise precision, recall and F1 over accounts and osint records.
- Validation: injected invalid rows caught, valid rows wrongly quarantined.
- Leaks: every package checked against CONTRACT §4, counted by kind; a victim's name
  is not counted where the package names a subject of that name through records none
  of which is a victim's (a namesake).
- What partners experience: packages that name no subject, and per typology the share
  of each planted network's core (the parties whose role is `subject`) named as a
  subject in at least one package.
"""
from __future__ import annotations

import csv
import html
import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable

import pyarrow.parquet as pq

from fiu.contract import ref_kind, ref_partner
from fiu.normalize.names import person_name


def load_cases(out_dir: Path) -> list[dict]:
    path = out_dir / "cases.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def network_scores(cases: list[dict], networks: list[dict]) -> dict:
    """Network recall and case precision, overall and per typology.

    A case counts towards a typology's precision when it names that typology, and is
    right when the planted network holding at least half its records is of that
    typology; a case naming no typology counts under `none`.
    """
    found = {n["network_id"]: _found_by(n, cases) for n in networks}
    owners = {c["case_id"]: _owning_network(c, networks) for c in cases}
    per_typology = _per_typology(cases, networks, found, owners)
    total, hit = len(networks), sum(found.values())
    true_cases = sum(owner is not None for owner in owners.values())
    return {
        "networks": total,
        "found": hit,
        "recall": _ratio(hit, total),
        "cases": len(cases),
        "true_cases": true_cases,
        "precision": _ratio(true_cases, len(cases)),
        "per_typology": per_typology,
        "missed": [n["network_id"] for n in networks if not found[n["network_id"]]],
    }


def _found_by(network: dict, cases: list[dict]) -> bool:
    """One case holds at least half the network's records, and they are at least half of it."""
    core = set(network["refs"])
    for case in cases:
        members = set(case["refs"])
        shared = len(core & members)
        if members and shared * 2 >= len(core) and shared * 2 >= len(members):
            return True
    return False


def _owning_network(case: dict, networks: list[dict]) -> dict | None:
    """The planted network holding at least half the case's records, if any."""
    members = set(case["refs"])
    if not members:
        return None
    return next((n for n in networks if len(members & set(n["refs"])) * 2 >= len(members)), None)


def _per_typology(
    cases: list[dict], networks: list[dict], found: dict[str, bool], owners: dict[str, dict | None]
) -> dict[str, dict]:
    """Networks planted and found, cases naming the typology and right, per typology."""
    counts: Counter = Counter()
    for network in networks:
        counts[("networks", network["typology"])] += 1
        counts[("found", network["typology"])] += int(found[network["network_id"]])
    for case in cases:
        owner = owners[case["case_id"]]
        for typology in case.get("typologies") or ["none"]:
            counts[("cases", typology)] += 1
            counts[("true_cases", typology)] += int(owner is not None and owner["typology"] == typology)
    typologies = sorted({typology for _, typology in counts})
    return {
        t: {
            "networks": counts[("networks", t)],
            "found": counts[("found", t)],
            "recall": _ratio(counts[("found", t)], counts[("networks", t)]),
            "cases": counts[("cases", t)],
            "true_cases": counts[("true_cases", t)],
            "precision": _ratio(counts[("true_cases", t)], counts[("cases", t)]),
        }
        for t in typologies
    }


def lookalike_cases(cases: list[dict], lookalikes: list[dict]) -> dict[str, int]:
    """How many cases hold a benign look-alike's record, per kind of look-alike."""
    flagged: Counter = Counter()
    members = set().union(*(set(c["refs"]) for c in cases)) if cases else set()
    for lookalike in lookalikes:
        if members & set(lookalike["refs"]):
            flagged[lookalike["kind"]] += 1
    return dict(sorted(flagged.items()))


def pairwise_scores(predicted: dict[str, str], truth: dict[str, str]) -> dict:
    """Pairwise precision, recall and F1 from cluster sizes, without listing pairs."""
    refs = [ref for ref in truth if ref in predicted]

    def pairs(counter: Counter) -> int:
        return sum(n * (n - 1) // 2 for n in counter.values())

    together = pairs(Counter((predicted[r], truth[r]) for r in refs))
    predicted_pairs = pairs(Counter(predicted[r] for r in refs))
    true_pairs = pairs(Counter(truth[r] for r in refs))
    precision = _ratio(together, predicted_pairs)
    recall = _ratio(together, true_pairs)
    f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    return {
        "records": len(refs),
        "missing_records": len(truth) - len(refs),
        "predicted_pairs": predicted_pairs,
        "true_pairs": true_pairs,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def validation_scores(out_dir: Path, invalid_rows: list[dict]) -> dict:
    quarantined = set()
    for path in sorted((out_dir / "quarantine").glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                entry = json.loads(line)
                quarantined.add((entry["file"], entry["row"]))
    injected = {(row["file"], row["row"]) for row in invalid_rows}
    return {
        "injected_invalid": len(injected),
        "caught": len(injected & quarantined),
        "quarantined": len(quarantined),
        "valid_rows_quarantined": len(quarantined - injected),
    }


def package_leaks(out_dir: Path, truth: dict) -> dict:
    """Every package against CONTRACT §4: what its recipient may never see."""
    victims = truth.get("potential_victims", {})
    victim_refs = set(victims.get("refs", []))
    victim_accounts = set(victims.get("account_ids", []))
    # A full name leaks wherever it stands as words; a single name ("Amber", a stage
    # name) only as a whole value, or "TLP:AMBER" would count as a leak.
    names = {n.casefold() for n in victims.get("names", [])}
    full_names = {n: re.compile(rf"\b{re.escape(n)}\b") for n in sorted(names) if " " in n.strip()}
    single_names = {n for n in names if " " not in n.strip()}
    accounts_by_partner: dict[str, set[str]] = defaultdict(set)
    for ref in truth["entities"]:
        if ref_kind(ref) == "account":
            _, partner, account = ref.split(":", 2)
            accounts_by_partner[partner].add(account)
    leaks: list[str] = []
    kinds: Counter = Counter()
    checked = 0
    for package_path in sorted((out_dir / "packages").glob("*/*/package.json")):
        checked += 1
        package = json.loads(package_path.read_text("utf-8"))
        recipient = package["recipient"]
        strings = list(_strings(package)) + _other_file_strings(package_path.parent)
        where = f"{package_path.parent.parent.name}/{recipient['id']}"
        # A subject shown through records none of which is a victim's may share a
        # victim's name (a namesake elsewhere in the world): that name is the subject's.
        own = {n.casefold() for s in package.get("subjects") or []
               if not set(s.get("refs", [])) & victim_refs for n in s.get("names", [])}
        # The same name however it is written ("Huang, Ben" for "Benjamin Huang").
        own_folded = {person_name(n) for n in own} - {None}
        patterns = [p for n, p in full_names.items()
                    if n not in own and person_name(n) not in own_folded]
        # ... and so is a victim's name inside a longer one of the subject's ("Ramon
        # Nicholas Wright" for a victim "Nicholas Wright" in another network).
        longer = sorted((n for n in own if " " in n.strip()), key=lambda n: (-len(n), n))
        own_words = re.compile("|".join(rf"\b{re.escape(n)}\b" for n in longer)) if longer else None
        for text in strings:
            folded = text.casefold()
            unowned = own_words.sub(" | ", folded) if own_words else folded
            if text in victim_refs or text in victim_accounts:
                kinds["potential_victim_record"] += 1
                leaks.append(f"{where}: potential victim's record {text}")
            if (folded in single_names and folded not in own) or any(
                    p.search(unowned) for p in patterns):
                kinds["potential_victim_name"] += 1
                leaks.append(f"{where}: potential victim name in {text[:60]!r}")
            kind = ref_kind(text) if ":" in text else ""
            if kind in ("account", "txn"):
                partner = ref_partner(text)
                if recipient["kind"] != "financial_institution" or partner != recipient["id"]:
                    kinds[f"other_institution_{kind}_ref"] += 1
                    leaks.append(f"{where}: {kind} ref of {partner}: {text}")
            for partner, account_ids in accounts_by_partner.items():
                if partner == recipient["id"] and recipient["kind"] == "financial_institution":
                    continue
                if text in account_ids:
                    kinds["other_institution_account_number"] += 1
                    leaks.append(f"{where}: account number of {partner}: {text}")
    return {"packages_checked": checked, "leaks": len(leaks), "by_kind": dict(sorted(kinds.items())),
            "examples": leaks[:20]}


def package_subjects(out_dir: Path) -> tuple[int, set[str]]:
    """(packages that name no subject, every ref named in a subject of some package)."""
    empty, named = 0, set()
    for package_path in sorted((out_dir / "packages").glob("*/*/package.json")):
        subjects = json.loads(package_path.read_text("utf-8")).get("subjects") or []
        empty += not subjects
        named.update(ref for subject in subjects for ref in subject.get("refs", []))
    return empty, named


def outsiders_named(networks: list[dict], entity_of: dict[str, str], named_refs: set[str]
                    ) -> list[str]:
    """True parties of no planted network that some package names as a subject: a
    namesake or a neighbour drawn in, named to a bank or to law enforcement."""
    inside = {entity_of.get(ref, ref) for network in networks
              for ref in (*network.get("refs", []), *network.get("roles", {}))}
    return sorted({entity_of.get(ref, ref) for ref in named_refs} - inside)


def core_named(networks: list[dict], entity_of: dict[str, str], named_refs: set[str],
               missed: Iterable[str] = ()) -> dict:
    """Per typology, how much of each planted network's core is named as a subject.

    A network's core is its true parties (ground-truth entities) with a `subject` role;
    a party is named when any of its records stands in a subject of some package.
    `share` pools the parties of all networks of the typology; `lowest` is the worst
    single network, `lowest_found` the worst of those detection found (not `missed`).
    """
    named_entities = {entity_of.get(ref, ref) for ref in named_refs}
    missed = set(missed)
    per: dict[str, list[tuple[int, int, bool]]] = defaultdict(list)
    for network in networks:
        core = {entity_of.get(ref, ref) for ref, role in network.get("roles", {}).items()
                if role == "subject"}
        if core:
            per[network["typology"]].append((len(core & named_entities), len(core),
                                             network["network_id"] not in missed))
    out = {}
    for typology, counts in sorted(per.items()):
        hit, total = sum(h for h, _, _ in counts), sum(n for _, n, _ in counts)
        found = [h / n for h, n, was_found in counts if was_found]
        out[typology] = {"named": hit, "core": total, "share": round(_ratio(hit, total), 4),
                         "lowest": round(min(h / n for h, n, _ in counts), 4),
                         "lowest_found": round(min(found), 4) if found else None}
    return out


def _other_file_strings(folder: Path) -> list[str]:
    """Every value of the package's other files: CSV cells, JSON strings, HTML text."""
    strings: list[str] = []
    for path in sorted(folder.iterdir()):
        if path.name == "package.json" or not path.is_file():
            continue
        text = path.read_text("utf-8", errors="replace")
        if path.suffix == ".csv":
            strings += [cell for row in csv.reader(text.splitlines()) for cell in row]
        elif path.suffix == ".json":  # a JSON document, or JSON lines (FollowTheMoney)
            try:
                documents = [json.loads(text)]
            except json.JSONDecodeError:
                documents = [json.loads(line) for line in text.splitlines() if line.strip()]
            for document in documents:
                strings += list(_strings(document))
        elif path.suffix == ".html":
            strings += [html.unescape(t).strip() for t in re.split(r"<[^>]*>", text) if t.strip()]
    return strings


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def evaluate(out_dir: str | Path, truth_path: str | Path) -> dict:
    out = Path(out_dir)
    truth = json.loads(Path(truth_path).read_text("utf-8"))
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    threshold = manifest.get("config", {}).get("threshold", 0.0)
    cases = [c for c in load_cases(out) if c["score"] >= threshold]
    entities = pq.read_table(out / "entities.parquet").to_pydict()
    predicted = dict(zip(entities["ref"], entities["entity_id"]))
    without_subjects, named_refs = package_subjects(out)
    networks = network_scores(cases, truth["networks"])
    return {
        "networks": networks,
        "packages": {
            "without_subjects": without_subjects,
            "core_named": core_named(truth["networks"], truth["entities"], named_refs,
                                     networks["missed"]),
            "outsiders_named": outsiders_named(truth["networks"], truth["entities"],
                                               named_refs),
            "cases_without_package": (manifest.get("cases_without_package") or {}).get("count", 0),
        },
        "lookalikes_in_cases": lookalike_cases(cases, truth.get("lookalikes", [])),
        "entity_resolution": pairwise_scores(predicted, truth["entities"]),
        "validation": validation_scores(out, truth.get("invalid_rows", [])),
        "counts": manifest["counts"],
        "leaks": package_leaks(out, truth),
    }


def report_text(report: dict) -> str:
    n = report["networks"]
    er = report["entity_resolution"]
    v = report["validation"]
    lines = [
        f"network recall   {n['recall']:.3f}  ({n['found']}/{n['networks']} planted networks found)",
        f"case precision   {n['precision']:.3f}  ({n['true_cases']}/{n['cases']} cases are planted networks)",
    ]
    for typology, t in n["per_typology"].items():
        lines.append(
            f"  {typology:<32} recall {_figure(t['found'], t['networks'])}"
            f"   precision {_figure(t['true_cases'], t['cases'])}".rstrip()
        )
    if report["lookalikes_in_cases"]:
        lines.append(f"look-alikes in cases: {report['lookalikes_in_cases']}")
    lines += [
        f"entity resolution precision {er['precision']:.3f} recall {er['recall']:.3f} F1 {er['f1']:.3f}"
        f" ({er['records']} records)",
        f"validation       {v['caught']}/{v['injected_invalid']} invalid rows caught,"
        f" {v['valid_rows_quarantined']} valid rows quarantined",
        f"leaks            {report['leaks']['leaks']} in {report['leaks']['packages_checked']} packages"
        + (f" {report['leaks']['by_kind']}" if report["leaks"].get("by_kind") else ""),
    ]
    p = report.get("packages") or {}
    lines.append(f"packages         {p.get('without_subjects', 0)} without a subject;"
                 f" {p.get('cases_without_package', 0)} case(s) with no package;"
                 f" {len(p.get('outsiders_named') or [])} party(ies) of no planted"
                 " network named as a subject")
    for typology, c in (p.get("core_named") or {}).items():
        lines.append(f"  core named {typology:<32} {_figure(c['named'], c['core'])}"
                     f" lowest network {c['lowest']:.3f}"
                     + (f", of those found {c['lowest_found']:.3f}"
                        if c.get("lowest_found") is not None else ""))
    return "\n".join(lines)


def _figure(numerator: int, denominator: int) -> str:
    """`0.900 (9/10)`, or `-` padded alike when there is nothing to count."""
    text = f"{numerator / denominator:.3f} ({numerator}/{denominator})" if denominator else "-"
    return f"{text:<15}"


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0
