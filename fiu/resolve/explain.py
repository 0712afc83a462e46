"""Why two records are (or are not) one entity: the waterfall of a scored pair, read
from a run's `entity_edges.parquet`, `entities.parquet` and manifest.

For a pair that was scored, each comparison's level and its contribution in bits
(log2 Bayes factor) are listed under the prior, then the total and the match
probability, as Splink's waterfall chart shows them. Two records joined only through
others are explained hop by hop along the strongest path between them.
"""
from __future__ import annotations

import heapq
import json
from pathlib import Path

import pyarrow.parquet as pq

from ..errors import UsageError
from .compare import LEFT_REF, RIGHT_REF
from .settings import DEFAULT_SETTINGS, MatchSettings


def level_label(settings: MatchSettings, name: str, level: int) -> str:
    """`exact`, `≥ 0.92`, `else` or `missing` for a comparison's level."""
    comparison = settings.comparison(name)
    if level < 0:
        return "missing"
    if level == 0:
        return "else"
    if level == comparison.n_levels - 1:
        return "exact"
    return f"≥ {comparison.thresholds[level - 1]:g}"


def _waterfall(row: dict, settings: MatchSettings) -> list[str]:
    lines = [f"  {'prior (λ)':<16}{row['prior_weight']:>+9.2f}"]
    for comparison in settings.comparisons:
        level = int(row[f"{comparison.name}_level"])
        if level < 0:
            continue
        label = level_label(settings, comparison.name, level)
        lines.append(
            f"  {comparison.name:<16}{row[f'{comparison.name}_weight']:>+9.2f}   {label}"
        )
    verdict = "match" if row["is_match"] else "no match"
    lines.append(
        f"  {'total':<16}{row['match_weight']:>+9.2f}   probability "
        f"{row['match_probability']:.4f}, {verdict}"
    )
    return lines


def _path(edges: dict[tuple[str, str], dict], start: str, goal: str) -> list[tuple[str, str]]:
    """The strongest chain of match edges from `start` to `goal` (widest path)."""
    graph: dict[str, list[tuple[float, str]]] = {}
    for (a, b), row in edges.items():
        if row["is_match"]:
            graph.setdefault(a, []).append((row["match_weight"], b))
            graph.setdefault(b, []).append((row["match_weight"], a))
    best = {start: float("inf")}
    came: dict[str, str] = {}
    queue = [(-float("inf"), start)]
    while queue:
        width, node = heapq.heappop(queue)
        if node == goal:
            break
        for weight, other in graph.get(node, []):
            through = min(-width, weight)
            if through > best.get(other, -float("inf")):
                best[other], came[other] = through, node
                heapq.heappush(queue, (-through, other))
    if goal not in came:
        return []
    hops, node = [], goal
    while node != start:
        hops.append(tuple(sorted((came[node], node))))
        node = came[node]
    return list(reversed(hops))  # type: ignore[arg-type]


def explain(out_dir: str | Path, left: str, right: str,
            settings: MatchSettings = DEFAULT_SETTINGS) -> str:
    """The explanation of `left` and `right` in the run written to `out_dir`."""
    out = Path(out_dir)
    edges_path, entities_path = out / "entity_edges.parquet", out / "entities.parquet"
    for path in (edges_path, entities_path, out / "manifest.json"):
        if not path.is_file():
            raise UsageError(f"{out} is not a finished run: {path.name} is missing")
    entities = pq.read_table(entities_path)
    entity_of = dict(zip(entities["ref"].to_pylist(), entities["entity_id"].to_pylist()))
    for ref in (left, right):
        if ref not in entity_of:
            raise UsageError(f"{ref} is not a record of this run (refs look like "
                             "`account:bank-a:A1` or `osint:R1`)")
    wanted = {left, right}
    edges_table = pq.read_table(edges_path)
    same_entity = entity_of[left] == entity_of[right]
    if same_entity:
        members = {r for r, e in entity_of.items() if e == entity_of[left]}
        keep = [a in members and b in members for a, b in zip(
            edges_table[LEFT_REF].to_pylist(), edges_table[RIGHT_REF].to_pylist())]
    else:
        keep = [a in wanted and b in wanted for a, b in zip(
            edges_table[LEFT_REF].to_pylist(), edges_table[RIGHT_REF].to_pylist())]
    rows = [r for r, k in zip(edges_table.to_pylist(), keep) if k]
    edges = {(r[LEFT_REF], r[RIGHT_REF]): r for r in rows}
    a, b = sorted((left, right))
    verdict = (f"one entity, {entity_of[left]}" if same_entity
               else f"two entities, {entity_of[left]} and {entity_of[right]}")
    lines = [f"{left} and {right}: {verdict}"]
    if (a, b) in edges:
        lines += _waterfall(edges[(a, b)], settings)
        if edges[(a, b)]["is_match"] and not same_entity:
            lines.append("  the match was undone in clustering: the two would put different "
                         "dates of birth, or an analyst's 'different', in one entity")
    elif same_entity:
        hops = _path(edges, left, right)
        lines.append(f"  joined through {len(hops) - 1} other record(s)" if hops
                     else "  joined by an analyst's judgement")
        for hop in hops:
            lines.append(f"{hop[0]} – {hop[1]}")
            lines += _waterfall(edges[hop], settings)
    else:
        lines.append("  never compared, or their weight was below −10 bits: no shared block "
                     "key, or little in common")
    threshold = json.loads((out / "manifest.json").read_text()).get("resolution", {}).get(
        "threshold_match_weight")
    if threshold is not None:
        lines.append(f"threshold: match weight ≥ {threshold:+.2f}")
    return "\n".join(lines)
