"""Who receives packages: `partners.yaml` (CONTRACT §1), read with a safe loader."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from fiu.contract import PARTNER_KINDS
from fiu.errors import InputError

TLP_LABELS = ("TLP:RED", "TLP:AMBER+STRICT", "TLP:AMBER", "TLP:GREEN", "TLP:CLEAR")
DEFAULT_TLP = {"financial_institution": "TLP:AMBER+STRICT", "law_enforcement": "TLP:AMBER"}
# Partner ids name folders: letters, digits, dot, dash, underscore; no path tricks.
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Partner:
    id: str
    kind: str
    name: str
    jurisdiction: tuple[str, ...] = ()
    tlp: str = ""

    @property
    def marking(self) -> str:
        return self.tlp or DEFAULT_TLP[self.kind]


def load_partners(path: str | Path) -> list[Partner]:
    """Partners sorted by id; every problem in the file reported at once."""
    source = Path(path)
    try:
        document = yaml.safe_load(source.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise InputError(source.name, f"cannot read partners file: {err}") from err
    entries = (document or {}).get("partners") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not entries:
        raise InputError(source.name, "expected a list under `partners:`")
    partners, problems, seen = [], [], set()
    for index, entry in enumerate(entries, start=1):
        where = f"partners[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: expected a mapping")
            continue
        pid, kind = str(entry.get("id", "")), entry.get("kind")
        if not SAFE_ID.match(pid):
            problems.append(f"{where} id: {pid!r} must be letters, digits, '.', '-', '_'")
        if pid in seen:
            problems.append(f"{where} id: {pid!r} appears twice")
        seen.add(pid)
        if kind not in PARTNER_KINDS:
            problems.append(f"{where} kind: {kind!r} is not one of {', '.join(PARTNER_KINDS)}")
        tlp = str(entry.get("tlp", "") or "")
        if tlp and tlp not in TLP_LABELS:
            problems.append(f"{where} tlp: {tlp!r} is not one of {', '.join(TLP_LABELS)}")
        jurisdiction = entry.get("jurisdiction") or []
        if not isinstance(jurisdiction, list):
            problems.append(f"{where} jurisdiction: expected a list of region codes")
            jurisdiction = []
        partners.append(
            Partner(
                id=pid,
                kind=str(kind),
                name=str(entry.get("name") or pid),
                jurisdiction=tuple(sorted(str(r) for r in jurisdiction)),
                tlp=tlp,
            )
        )
    if problems:
        raise InputError(source.name, "; ".join(problems))
    return sorted(partners, key=lambda p: p.id)
