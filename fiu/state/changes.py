"""`fiu changes STATE`: what changed, run by run, and where an id stands now."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..errors import UsageError
from ..io.writers import to_json
from .store import CASES, ENTITIES, open_state

_SHOWN_REFS = 5


def _line(event: dict) -> str:
    refs = event.get("refs", [])
    shown = ", ".join(refs[:_SHOWN_REFS]) + (f" … (+{len(refs) - _SHOWN_REFS})"
                                             if len(refs) > _SHOWN_REFS else "")
    extra = ""
    if event.get("merged"):
        extra = f" absorbing {', '.join(event['merged'])}"
    if event.get("into"):
        extra = f" into {', '.join(event['into'])}"
    if event.get("from"):
        extra = f" from {', '.join(event['from'])}"
    return f"  {event['kind']:<6} {event['event']:<8} {event['id']}{extra}: {shown}"


def changes_text(state_dir: str | Path, run: Optional[int] = None, id_: Optional[str] = None,
                 as_json: bool = False) -> str:
    """The events of one run (the last by default), or the history of one id."""
    state = open_state(state_dir)
    if state.version is None:
        raise UsageError(f"{state_dir}: no weekly run has used this state yet")
    events = state.changes()
    last = state.run - 1
    if id_:
        chosen = [e for e in events if e["id"] == id_ or id_ in e.get("merged", ())
                  or id_ in e.get("from", ())]
        registry = state.registry(ENTITIES if id_.startswith("ent-") else CASES)
        if id_ not in registry.ids:
            raise UsageError(f"{id_}: never issued in {state_dir}")
        entry = registry.ids[id_]
        now = registry.resolve(id_)
        head = (f"{id_}: {entry['status']} (first run {entry['first_run']}, last run "
                f"{entry['last_run']}); now {', '.join(now) if now else 'no active id'}")
    else:
        wanted = last if run is None else run
        chosen = [e for e in events if e["run"] == wanted]
        counts: dict[str, int] = {}
        for e in chosen:
            name = f"{e['kind']} {e['event']}"
            counts[name] = counts.get(name, 0) + 1
        summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "no changes"
        head = f"run {wanted} of {last}: {summary}"
    if as_json:
        return "".join(to_json(e, indent=None) + "\n" for e in chosen).rstrip("\n")
    return "\n".join([head, *(_line(e) for e in chosen)])
