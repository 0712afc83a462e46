"""Render a recipient's view as files. Text from open sources is hostile: every value is
escaped in HTML and neutralised in CSV, and nothing is ever evaluated."""
from __future__ import annotations

import csv
import io
import json
import re
from functools import lru_cache
from html import escape
from importlib.resources import files

import jsonschema

from fiu.io.writers import to_json

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# An E.164 phone number starts with "+" but is digits only: no formula can hide in it,
# and a screening tool needs it verbatim.
E164 = re.compile(r"^\+\d{7,15}$")


@lru_cache(maxsize=1)
def package_schema() -> dict:
    return json.loads(files("fiu.packages").joinpath("package.schema.json").read_text("utf-8"))


def package_json(package: dict) -> str:
    """The package as deterministic JSON, checked against its schema first."""
    jsonschema.validate(package, package_schema())
    return to_json(package) + "\n"


def neutralise_cell(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text and never runs (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not E164.match(text):
        return "'" + text
    return text


def identifiers_csv(package: dict) -> str:
    """What a bank screens its customers against: one identifier a line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["case_id", "entity_id", "type", "value"])
    rows = set()
    for subject in package["subjects"]:
        for kind, field in (("name", "names"), ("phone", "phones"), ("email", "emails"),
                            ("address", "addresses")):
            for value in subject.get(field, []):
                rows.add((subject["entity_id"], kind, value))
        for ref in subject["refs"]:
            if ref.startswith("account:"):
                rows.add((subject["entity_id"], "own_account", ref.split(":", 2)[2]))
    for entity_id, kind, value in sorted(rows):
        writer.writerow([neutralise_cell(v) for v in (package["case_id"], entity_id, kind, value)])
    return buffer.getvalue()


def brief_html(package: dict) -> str:
    """A self-contained page: no script, no external fetch, every value escaped."""
    e = escape
    recipient = package["recipient"]
    subjects = "".join(
        f"<tr><td>{e(s['entity_id'])}</td><td>{e(s.get('entity_type', ''))}</td>"
        f"<td>{_list(s['names'])}</td><td>{_list(s.get('phones', []))}</td>"
        f"<td>{_list(s.get('emails', []))}</td><td>{_list(s.get('addresses', []))}</td>"
        f"<td>{_list(s['refs'])}</td></tr>"
        for s in package["subjects"]
    )
    evidence = "".join(
        f"<tr><td>{e(h['rule_id'])}</td><td>{e(h.get('title', ''))}</td>"
        f"<td>{e(h.get('indicator', ''))}</td><td>{e(h.get('source', ''))}</td>"
        f"<td>{e(h['explanation'])}</td><td>{_list(h['refs'])}</td>"
        f"<td>{_withheld(h.get('withheld', {}))}</td></tr>"
        for h in package["evidence"]
    )
    reasons = "".join(f"<li>{e(r)}</li>" for r in package.get("model", {}).get("reasons", []))
    handling = "".join(f"<li>{e(h)}</li>" for h in package["handling"])
    partner_note = ""
    if "partners_to_ask" in package:
        partner_note = f"<p>Partners holding related accounts: {_list(package['partners_to_ask'])}</p>"
    if "linked_accounts_elsewhere" in package:
        linked = package["linked_accounts_elsewhere"]
        partner_note = (
            f"<p>Linked accounts at other institutions: {int(linked['accounts'])} "
            f"at {int(linked['institutions'])} institution(s) (counts only).</p>"
            f"<p>Key term for any report you file: <strong>{e(package['key_term'])}</strong></p>"
        )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{e(package['case_id'])} for {e(recipient['name'])}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:70em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #999;padding:.3em;vertical-align:top;text-align:left}}
.tlp{{background:#000;color:#ffc000;padding:.2em .5em;font-weight:bold}}</style></head>
<body>
<p class="tlp">{e(package['tlp'])}</p>
<h1>Case {e(package['case_id'])}</h1>
<section id="summary"><h2>Summary</h2>
<p>For {e(recipient['name'])} ({e(recipient['kind'])}). Typologies: {_list(package['typologies'])}.
Score {float(package['score']):.2f}. Regions: {_list(package.get('regions', []))}.</p>
<p>Potential victims: {int(package['potential_victims']['count'])} (counted, never named).</p>
{partner_note}</section>
<section id="subjects"><h2>Subjects</h2><table>
<tr><th>entity</th><th>type</th><th>names</th><th>phones</th><th>emails</th><th>addresses</th><th>refs</th></tr>
{subjects}</table></section>
<section id="evidence"><h2>Red flags and evidence</h2><table>
<tr><th>rule</th><th>red flag</th><th>indicator</th><th>source</th><th>explanation</th><th>refs</th><th>withheld</th></tr>
{evidence}</table></section>
<section id="model"><h2>Model reasons</h2><ul>{reasons}</ul></section>
<section id="handling"><h2>Handling</h2><ul>{handling}</ul></section>
<footer><p>Package {e(package['package_id'])}, run {e(package['run_id'])}, generated {e(package['generated_at'])}.</p></footer>
</body></html>
"""


def _list(values: list) -> str:
    return ", ".join(escape(str(v)) for v in values)


def _withheld(withheld: dict) -> str:
    parts = [f"{int(n)} {escape(k.replace('_', ' '))}" for k, n in sorted(withheld.items()) if n]
    return "; ".join(parts)
