"""Render a recipient's view as files. Text from open sources is hostile: every value is
escaped in HTML and neutralised in CSV, and nothing is ever evaluated."""
from __future__ import annotations

import csv
import io
import json
import math
import re
from functools import lru_cache
from html import escape
from importlib.resources import files

import jsonschema_rs

from fiu.io.writers import to_json

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# An E.164 phone number starts with "+" but is digits only: no formula can hide in it,
# and a screening tool needs it verbatim.
E164 = re.compile(r"^\+\d{7,15}$")


@lru_cache(maxsize=1)
def package_schema() -> dict:
    return json.loads(files("fiu.packages").joinpath("package.schema.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def _package_validator() -> jsonschema_rs.Draft202012Validator:
    """The schema compiled once (jsonschema-rs: a hundred times faster than the pure
    Python validator, which took seconds a run at a thousand packages)."""
    return jsonschema_rs.Draft202012Validator(package_schema())


def package_json(package: dict) -> str:
    """The package as deterministic JSON, checked against its schema first
    (`jsonschema_rs.ValidationError` names the first problem)."""
    _package_validator().validate(package)
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
    # CRLF line ends (RFC 4180): the writer then quotes any cell holding a CR or LF, so
    # no planted line break can start a row with a formula in a spreadsheet.
    writer = csv.writer(buffer, lineterminator="\r\n")
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


# What each typology is and where it comes from (INDICATORS.md), for the brief.
TYPOLOGIES = {
    "illicit_massage_business": (
        "Storefront spas run as commercial sex venues, often several under common owners "
        "across states.", "POLARIS-IMB"),
    "escort_online_commercial_sex": (
        "Commercial sex sold through online ads, often moving city to city.",
        "POLARIS-TYP; FIN-2020-A008"),
    "labor_trafficking": (
        "Workers recruited (often on temporary visas or through contractors) whose pay is "
        "taken through fees, debts or direct sweeps.", "FIN-2020-A008"),
    "funnel_account": (
        "One account fed by cash deposits in many places and drained elsewhere.",
        "FIN-2020-A008"),
}
_STYLE = (
    "body{font-family:sans-serif;margin:2em;max-width:72em;color:#111}"
    "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3em;"
    "vertical-align:top;text-align:left}"
    ".tlp{display:inline-block;background:#000;color:#ffc000;padding:.2em .5em;font-weight:bold}"
    ".status{display:inline-block;border:2px solid #a00;color:#a00;padding:.1em .5em;"
    "margin-left:1em;font-weight:bold}"
    "svg text{font-family:sans-serif}blockquote{margin:.2em 0 .2em 1em;white-space:pre-wrap}"
)


def brief_html(package: dict) -> str:
    """A self-contained page: no script, no external fetch, every value escaped."""
    e = escape
    recipient = package["recipient"]
    subjects = "".join(
        f"<tr><td>{e(s['entity_id'])}</td><td>{e(s.get('entity_type', ''))}</td>"
        f"<td>{_list(s['names'])}</td><td>{_list(s.get('phones', []))}</td>"
        f"<td>{_list(s.get('emails', []))}</td><td>{_list(s.get('addresses', []))}</td>"
        f"<td>{_list(s['refs'] + ['named in ' + m['ref'] for m in s.get('named_in', [])])}</td></tr>"
        for s in package["subjects"]
    )
    evidence = "".join(
        f"<tr><td>{e(h['rule_id'])}</td><td>{e(h.get('title', ''))}</td>"
        f"<td>{e(h.get('indicator', ''))}</td><td>{e(h.get('source', ''))}</td>"
        f"<td>{e(h['explanation'])}</td><td>{_list(h['refs'])}</td>"
        f"<td>{_withheld(h.get('withheld', {}))}</td></tr>"
        for h in package["evidence"]
    )
    typologies = "".join(
        f"<li><strong>{e(t)}</strong>: {e(TYPOLOGIES.get(t, ('', ''))[0])} "
        f"<em>Source: {e(TYPOLOGIES.get(t, ('', 'see the red flags below'))[1])}</em></li>"
        for t in package["typologies"]
    )
    red_flags = "".join(
        f"<li>{e(h.get('title') or h['rule_id'])} ({e(h.get('indicator', ''))}): "
        f"{e(h['explanation'])} <em>Source: {e(h.get('source', ''))}</em></li>"
        for h in package["evidence"]
    )
    sources = "".join(
        f"<li><strong>{e(r['ref'])}</strong> {e(r['source'])}, seen {e(r['observed_on'])}: "
        f"{e(r['name'])}{' &mdash; ' + e(r['url']) if r['url'] else ''}"
        f"{'<blockquote>' + e(r['text']) + '</blockquote>' if r['text'] else ''}</li>"
        for r in package.get("open_sources", [])
    )
    reasons = "".join(f"<li>{e(r)}</li>" for r in package.get("model", {}).get("reasons", []))
    handling = "".join(f"<li>{e(h)}</li>" for h in package["handling"])
    partner_note = ""
    if "partners_to_ask" in package:
        partner_note = f"<p>Partners holding related accounts: {_list(package['partners_to_ask']) or 'none'}</p>"
    if "linked_accounts_elsewhere" in package:
        linked = package["linked_accounts_elsewhere"]
        partner_note = (
            f"<p>Linked accounts at other institutions: {int(linked['accounts'])} "
            f"at {int(linked['institutions'])} institution(s) (counts only).</p>"
            f"<p>Key term for any report you file: <strong>{e(package['key_term'])}</strong></p>"
        )
    timeline = package["timeline"]
    news = _since_last(package)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="referrer" content="no-referrer">
<title>{e(package['case_id'])} for {e(recipient['name'])}</title>
<style>{_STYLE}</style></head>
<body>
<p><span class="tlp">{e(package['tlp'])}</span><span class="status" id="status">{e(package['status'].upper())}</span></p>
<h1>Case {e(package['case_id'])}</h1>
<section id="summary"><h2>Summary</h2>
<p>For {e(recipient['name'])} ({e(recipient['kind'])}). Typologies: {_list(package['typologies'])}.
Score {float(package['score']):.2f}. Regions: {_list(package.get('regions', []))}.</p>
<p>{len(package['subjects'])} subject(s) shown; {int(package.get('related_parties_not_shown', 0))} related party(ies) not shown.
Potential victims: {int(package['potential_victims']['count'])} (counted, never named).</p>
{partner_note}
{news}
<p>Status: {e(package['status'])}. A released package carries release.json, SHA256SUMS and a signature beside this file; check it with <code>fiu verify</code>.</p></section>
<section id="typology"><h2>Typology</h2><ul>{typologies}</ul>
<h3>Red flags</h3><ul>{red_flags}</ul></section>
<section id="timeline"><h2>Activity by month</h2>
<p>{e(timeline['note'])}</p>
{timeline_svg(timeline['months'])}</section>
<section id="network"><h2>Network</h2>
<p>Subjects shown by name; potential victims and parties you may not see appear only as counted nodes.</p>
{network_svg(package['network'])}</section>
<section id="subjects"><h2>Subjects</h2><table>
<tr><th>entity</th><th>type</th><th>names</th><th>phones</th><th>emails</th><th>addresses</th><th>refs</th></tr>
{subjects}</table></section>
<section id="evidence"><h2>Evidence</h2><table>
<tr><th>rule</th><th>red flag</th><th>indicator</th><th>source</th><th>explanation</th><th>refs</th><th>withheld</th></tr>
{evidence}</table></section>
<section id="open-sources"><h2>Open-source records</h2><ul>{sources}</ul></section>
<section id="model"><h2>Model reasons</h2><ul>{reasons}</ul></section>
<section id="handling"><h2>Handling</h2><ul>{handling}</ul></section>
<footer><p>Package {e(package['package_id'])}, run {e(package['run_id'])}, data as of {e(package['generated_at'])}.</p></footer>
</body></html>
"""


def _since_last(package: dict) -> str:
    """What is new since the recipient's last package of this case (weekly runs)."""
    since = package.get("since_last_package")
    if since is None:
        return ""
    if since["previous_run"] is None:
        return '<p id="since-last">First package of this case for you.</p>'
    evidence = [package["evidence"][i] for i in since["new_evidence"]]
    items = "".join(
        f"<li>{escape(h.get('title') or h['rule_id'])}: {escape(h['explanation'])}</li>"
        for h in evidence
    )
    return (
        f'<section id="since-last"><h2>New since your last package (run '
        f'{int(since["previous_run"])})</h2>'
        f"<p>New subjects: {_list(since['new_subjects']) or 'none'}. "
        f"New records: {_list(since['new_refs']) or 'none'}.</p>"
        f"<ul>{items}</ul></section>"
    )


def timeline_svg(months: list[dict]) -> str:
    """Monthly money in and out as paired bars, with the transaction count under each month."""
    width, height, left, bottom, top = 640, 240, 70, 200, 20
    if not months:
        return ('<svg xmlns="http://www.w3.org/2000/svg" role="img" width="640" height="40" '
                'aria-label="no activity"><text x="10" y="25">No activity you may see.</text></svg>')
    peak = max(max(m["in"], m["out"]) for m in months) or 1.0
    slot = (width - left - 10) / len(months)
    bar = max(min(slot / 3, 40), 2)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height + 20}" '
        f'aria-label="money in and out by month">',
        f'<line x1="{left}" y1="{bottom}" x2="{width - 10}" y2="{bottom}" stroke="#333"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="#333"/>',
        f'<text x="{left - 5}" y="{top + 5}" text-anchor="end" font-size="11">{_money(peak)}</text>',
        f'<text x="{left - 5}" y="{bottom}" text-anchor="end" font-size="11">0</text>',
    ]
    for i, month in enumerate(months):
        x = left + i * slot + slot / 2
        for offset, key, colour in ((-bar, "in", "#2b6cb0"), (0, "out", "#c05621")):
            h = (bottom - top) * float(month[key]) / peak
            parts.append(
                f'<rect class="bar-{key}" x="{x + offset:.1f}" y="{bottom - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>{escape(month["date"][:7])} {key}: '
                f'{_money(month[key])}</title></rect>'
            )
        parts.append(f'<text x="{x:.1f}" y="{bottom + 14}" text-anchor="middle" font-size="11">'
                     f'{escape(month["date"][:7])}</text>')
        parts.append(f'<text x="{x:.1f}" y="{bottom + 28}" text-anchor="middle" font-size="10" '
                     f'fill="#555">{int(month["count"])} txns</text>')
    parts.append(f'<rect x="{width - 150}" y="2" width="10" height="10" fill="#2b6cb0"/>'
                 f'<text x="{width - 135}" y="11" font-size="11">in</text>'
                 f'<rect x="{width - 100}" y="2" width="10" height="10" fill="#c05621"/>'
                 f'<text x="{width - 85}" y="11" font-size="11">out</text>')
    parts.append("</svg>")
    return "".join(parts)


def network_svg(network: dict) -> str:
    """Entities on a circle, links as lines; counted nodes dashed. Layout is fixed by
    node order, so the same package draws the same picture."""
    nodes = network["nodes"]
    if not nodes:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="40"><text x="10" y="25">No entities shown.</text></svg>'
    width, height = 900, 520
    radius = 200 if len(nodes) > 2 else 120
    position = {}
    for i, node in enumerate(nodes):
        angle = 2 * math.pi * i / len(nodes) - math.pi / 2
        position[node["id"]] = (width / 2 + radius * 1.5 * math.cos(angle),
                                height / 2 + radius * math.sin(angle))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'aria-label="network of entities and links">']
    for link in network["links"]:
        if link["source"] not in position or link["target"] not in position:
            continue
        (x1, y1), (x2, y2) = position[link["source"]], position[link["target"]]
        dash = ' stroke-dasharray="6 3"' if link["kind"] == "officer_or_owner" else ""
        parts.append(f'<line class="link" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                     f'stroke="#777"{dash}><title>{escape(link["kind"].replace("_", " "))}: '
                     f'{escape(link["label"])}</title></line>')
    for node in nodes:
        x, y = position[node["id"]]
        kind = node["kind"]
        if kind == "business":
            shape = f'<rect x="{x - 14:.1f}" y="{y - 14:.1f}" width="28" height="28" fill="#f6ad55" stroke="#333"/>'
        elif kind in ("potential_victims", "not_shown"):
            shape = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="18" fill="#fff" stroke="#555" '
                     f'stroke-dasharray="4 3"/><text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" '
                     f'font-size="12">{int(node.get("count", 0)) or "?"}</text>')
        else:
            shape = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="14" fill="#90cdf4" stroke="#333"/>'
        label = node["label"] if len(node["label"]) <= 48 else node["label"][:45] + "..."
        parts.append(f'<g class="node node-{escape(kind)}"><title>{escape(node["label"])}</title>{shape}<text x="{x:.1f}" y="{y + 32:.1f}" '
                     f'text-anchor="middle" font-size="11">{escape(label)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _money(value: float) -> str:
    return f"{float(value):,.0f}"


def _list(values: list) -> str:
    return ", ".join(escape(str(v)) for v in values)


def _withheld(withheld: dict) -> str:
    parts = [f"{int(n)} {escape(k.replace('_', ' '))}" for k, n in sorted(withheld.items()) if n]
    return "; ".join(parts)
