"""`fiu`: argparse sub-commands that parse and dispatch; heavy imports stay inside each
command so that `fiu rules test` starts fast. Exit 0 on success, 2 on bad usage or bad
input (one line naming file, row and field), 1 on any other failure."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

from fiu.config import RunConfig
from fiu.errors import FiuError, UsageError
from fiu.io.limits import DEFAULT_MAX_FIELD_CHARS, DEFAULT_MAX_ROWS_PER_FILE

DEFAULT_SEED = 7


def _generate(args: argparse.Namespace) -> int:
    from fiu.generate import generate_world

    if args.weeks is not None:
        if args.weeks < 1:
            raise UsageError(f"--weeks {args.weeks}: give at least one week")
        if args.partner_shapes:
            raise UsageError("--weeks cuts a world in the contract's files; "
                             "leave out --partner-shapes")
        args.weeks_dir = args.weeks_dir or f"{Path(args.out_dir)}-weeks"
    truth = generate_world(Path(args.out_dir), seed=args.seed, scale=args.scale,
                           truth_path=Path(args.truth) if args.truth else None,
                            partner_shapes=args.partner_shapes, wide=args.wide,
                           contract_files=args.contract_files)
    print(f"world written to {args.out_dir}; ground truth in {truth}", file=sys.stderr)
    if args.weeks:
        from fiu.generate.weeks import split_into_weeks

        weeks = split_into_weeks(args.out_dir, args.weeks_dir, args.weeks)
        print(f"cut into {len(weeks)} weekly deliveries in {args.weeks_dir}", file=sys.stderr)
    return 0


def _camt_schemas(args: argparse.Namespace) -> None:
    """`--camt-schemas DIR`: where the ISO 20022 schemas are, for every reader (workers
    started from this process see the same environment)."""
    folder = getattr(args, "camt_schemas", None)
    if folder:
        from fiu.io.camt import SCHEMAS_ENV

        if not Path(folder).is_dir():
            raise UsageError(f"--camt-schemas {folder}: no such folder")
        os.environ[SCHEMAS_ENV] = str(Path(folder).resolve())


def _own_rules_and_suites(args: argparse.Namespace) -> None:
    """`--rules DIR` (added to the shipped pack, or with `--rules-only` instead of it) and
    `--suites DIR`, for every place rules and suites load (workers started from here
    see the same environment)."""
    from fiu.detect.rules import RULES_ENV, RULES_ONLY_ENV
    from fiu.validate.suites import SUITES_ENV

    folders = getattr(args, "rules", None) or []
    for folder in folders:
        if not Path(folder).is_dir():
            raise UsageError(f"--rules {folder}: no such folder")
    if getattr(args, "rules_only", False) and not folders:
        raise UsageError("--rules-only needs at least one --rules DIR")
    if folders:
        os.environ[RULES_ENV] = os.pathsep.join(str(Path(f).resolve()) for f in folders)
        os.environ[RULES_ONLY_ENV] = "1" if args.rules_only else "0"
    suites = getattr(args, "suites", None)
    if suites:
        if not Path(suites).is_dir():
            raise UsageError(f"--suites {suites}: no such folder")
        os.environ[SUITES_ENV] = str(Path(suites).resolve())
        from fiu.validate.suites import load_suites

        load_suites()  # a bad suite folder is a usage error before anything runs


def _add_rule_and_suite_folders(command: argparse.ArgumentParser, suites: bool = True) -> None:
    command.add_argument("--rules", action="append", metavar="DIR",
                         help="a folder of your own rules (<typology>/<id>.yaml), added to the "
                              "shipped pack; repeatable")
    command.add_argument("--rules-only", action="store_true",
                         help="use the --rules folders instead of the shipped pack")
    if suites:
        command.add_argument("--suites", metavar="DIR",
                             help="a folder of your own expectation suites (<kind>.json), "
                                  "each replacing the shipped one of its kind")


def _run(args: argparse.Namespace, beam_args: list[str]) -> int:
    from fiu.pipelines.run import run

    config = RunConfig(
        input_dir=args.input_dir,
        out_dir=args.out,
        partners_path=args.partners,
        profiles_path=args.profiles,
        model_path=args.model,
        threshold=args.threshold,
        runner=args.runner,
        dask_address=args.dask_address,
        skip_bad_files=args.skip_bad_files,
        max_field_chars=args.max_field_chars,
        max_rows_per_file=args.max_rows_per_file,
        judgements_path=args.judgements,
        state_dir=args.state,
    )
    run(config, beam_args)
    return 0


def _changes(args: argparse.Namespace) -> int:
    from fiu.state.changes import changes_text

    print(changes_text(args.state, run=args.run, id_=args.id, as_json=args.json))
    return 0


def _resolve(args: argparse.Namespace) -> int:
    from fiu.state.refit import request_refit

    print(request_refit(args.state))
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from fiu.evaluate import evaluate, report_text

    report = evaluate(args.out_dir, args.truth_file)
    if args.json:
        print(json.dumps(report, indent=2, sort_keys=True))
    else:
        print(report_text(report))
    return 0


def _demo(args: argparse.Namespace, beam_args: list[str]) -> int:
    from fiu.evaluate import evaluate, report_text
    from fiu.generate import generate_world
    from fiu.io.writers import write_json
    from fiu.pipelines.run import run

    statements = args.partner_shapes
    if statements:
        from fiu.generate.statements import VERSION
        from fiu.io.camt import require_schema

        # A statement is never read unvalidated: without its schema bank-c keeps the
        # contract's shape.
        try:
            require_schema(VERSION, "bank-c's camt.053 statements")
        except UsageError as err:
            statements = False
            print(f"note: {err}.\nThis demo writes bank-c's export in the contract's "
                  "shape instead.", file=sys.stderr)
    folder = Path(args.dir)
    world, out = folder / "world", folder / "out"
    truth = folder / "truth.json"
    clock = time.perf_counter()
    generate_world(world, seed=args.seed, scale=args.scale, truth_path=truth,
                   partner_shapes=args.partner_shapes, statements=statements)
    generated = time.perf_counter() - clock
    run(RunConfig(input_dir=str(world), out_dir=str(out), runner=args.runner), beam_args)
    report = evaluate(out, truth)
    write_json(folder / "evaluation.json", report)
    print(report_text(report))
    print(f"\ngenerate {generated:.1f} s, demo total {time.perf_counter() - clock:.1f} s;"
          f" outputs in {out}", file=sys.stderr)
    return 0


def _explain(args: argparse.Namespace) -> int:
    from fiu.resolve.explain import explain

    print(explain(args.out_dir, args.left_ref, args.right_ref))
    return 0


def _rules(args: argparse.Namespace) -> int:
    from fiu.detect import rulebook

    if args.rules_command == "list":
        print(rulebook.list_text(features=args.features))
        return 0
    if args.rules_command == "test":
        ok, text = rulebook.test_text(args.paths)
        print(text)
        return 0 if ok else 1
    ok, text = rulebook.backtest_text(args.input_dir, csv_path=args.csv)
    print(text)
    return 0 if ok else 1


def _profile(args: argparse.Namespace) -> int:
    from fiu.io import profile_tools

    if args.profile_command == "check":
        ok, text = profile_tools.check_text(args.profile, args.file, rows=args.rows)
        print(text)
        return 0 if ok else 1
    text = profile_tools.draft_profile(args.file, partner_id=args.partner_id, kind=args.kind)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"draft profile written to {args.out}", file=sys.stderr)
    else:
        print(text, end="")
    return 0


def _train(args: argparse.Namespace) -> int:
    from fiu.detect.train import train_from_folder

    card = train_from_folder(args.input_dir, args.model_out)
    print(json.dumps(card.get("metrics", {}), indent=2, sort_keys=True))
    return 0


def _release(args: argparse.Namespace) -> int:
    import getpass
    from datetime import datetime, timezone

    from fiu.packages.sign import load_signing_key, release_case

    key = load_signing_key(args.key)
    by = args.by or getpass.getuser()
    now = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    release = release_case(args.out, args.case_id, key, by, now)
    for recipient, digest in sorted(release.sums_sha256.items()):
        print(f"released {release.case_id}/{recipient}  SHA256SUMS {digest}")
    print(f"recorded in {Path(args.out) / 'audit.jsonl'}", file=sys.stderr)
    return 0


def _verify(args: argparse.Namespace) -> int:
    from fiu.packages.sign import load_public_key, package_folders, verify_folder

    pinned = load_public_key(args.public_key) if args.public_key else None
    failed = False
    for folder in package_folders(args.package_dir):
        problems = verify_folder(folder, pinned)
        for problem in problems:
            print(f"fiu verify: {problem}", file=sys.stderr)
        print(f"{'FAILED' if problems else 'OK'}  {folder}")
        failed = failed or bool(problems)
    return 1 if failed else 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="fiu",
        description="Find human-trafficking operations in money flows and open-source records.",
    )
    top.add_argument("--debug", action="store_true", help="show tracebacks")
    top.add_argument("-v", "--verbose", action="store_true",
                     help="show libraries' notices too (always in OUT/run.log)")
    commands = top.add_subparsers(dest="command", required=True)

    gen = commands.add_parser("generate", help="write a synthetic input folder with planted networks")
    gen.add_argument("out_dir")
    gen.add_argument("--seed", type=int, default=DEFAULT_SEED)
    gen.add_argument("--scale", type=float, default=1.0)
    gen.add_argument("--truth", help="ground-truth file (default: beside OUT_DIR, never inside)")
    gen.add_argument("--partner-shapes", action="store_true",
                     help="banks write their own export shapes (bank-c camt.053 statements), "
                          "with their profiles in partners/")
    gen.add_argument("--contract-files", action="store_true",
                     help="with --partner-shapes: the same world in the contract's files "
                          "(bank-c's rows as its statements say them), for comparison")
    gen.add_argument("--wide", action="store_true",
                     help="draw each network's parameters from wide ranges (fiu.generate.networks.WIDE)")
    gen.add_argument("--weeks", type=int, metavar="N",
                     help="also cut the world into N weekly deliveries (for `fiu run --state`)")
    gen.add_argument("--weeks-dir", metavar="DIR",
                     help="where the weekly deliveries go (default: OUT_DIR-weeks)")

    run = commands.add_parser("run", help="run the pipeline on an input folder")
    run.add_argument("input_dir")
    run.add_argument("--out", required=True)
    run.add_argument("--partners", help="partners.yaml (default: INPUT_DIR/partners.yaml)")
    run.add_argument("--profiles", metavar="DIR",
                     help="partners' mapping profiles (default: INPUT_DIR/partners/)")
    run.add_argument("--camt-schemas", metavar="DIR",
                     help="ISO 20022 camt.05x schema files to validate statements against "
                          "(default: $FIU_CAMT_SCHEMAS)")
    run.add_argument("--model", help="a model file from `fiu train` (default: the shipped model)")
    run.add_argument("--threshold", type=float, default=0.5, help="case score that makes packages")
    run.add_argument("--runner", default=RunConfig.runner,
                     help="Beam runner (default: %(default)s, Beam's direct runner): "
                          "DirectRunner, dask, FlinkRunner, SparkRunner, DataflowRunner … "
                          "(further Beam options pass through; see docs/scaling.md)")
    run.add_argument("--dask-address", metavar="HOST:PORT",
                     help="with --runner dask: a dask.distributed scheduler (default: start a local cluster)")
    run.add_argument("--skip-bad-files", action="store_true",
                     help="record unreadable files in the manifest and go on, instead of stopping")
    run.add_argument("--max-field-chars", type=int, default=DEFAULT_MAX_FIELD_CHARS, metavar="N",
                     help="a row with a longer field is quarantined (default: %(default)s)")
    run.add_argument("--judgements", metavar="FILE",
                     help="analysts' same/different pairs (CSV or JSON Lines: left_ref, "
                          "right_ref, judgement), applied as hard links and cuts")
    run.add_argument("--state", metavar="DIR",
                     help="a state folder for weekly runs: records, frozen match model, ids "
                          "and packages sent so far are kept there (needs FIU_ID_KEY)")
    run.add_argument("--max-rows-per-file", type=int, default=DEFAULT_MAX_ROWS_PER_FILE, metavar="N",
                     help="a file with more rows is a bad file, exit 2 (default: %(default)s)")

    _add_rule_and_suite_folders(run)

    ev = commands.add_parser("evaluate", help="score a run against a ground truth")
    ev.add_argument("out_dir")
    ev.add_argument("truth_file")
    ev.add_argument("--json", action="store_true", help="print the full report as JSON")

    why = commands.add_parser("explain", help="why two records are, or are not, one entity")
    why.add_argument("out_dir", help="a run's out folder")
    why.add_argument("left_ref")
    why.add_argument("right_ref")

    demo = commands.add_parser("demo", help="generate, run and evaluate the default world")
    demo.add_argument("--dir", default="demo", help="folder for the world, outputs and report")
    demo.add_argument("--seed", type=int, default=DEFAULT_SEED)
    demo.add_argument("--scale", type=float, default=1.0)
    demo.add_argument("--runner", default=RunConfig.runner)
    demo.add_argument("--partner-shapes", action="store_true",
                      help="the world in banks' own export shapes (bank-c camt.053 statements), "
                           "read through their profiles")
    demo.add_argument("--camt-schemas", metavar="DIR",
                      help="ISO 20022 camt.05x schema files, for --partner-shapes (or "
                           "FIU_CAMT_SCHEMAS)")

    rules = commands.add_parser("rules", help="the rule library")
    rule_commands = rules.add_subparsers(dest="rules_command", required=True)
    listing = rule_commands.add_parser("list", help="every rule, or every feature")
    listing.add_argument("--features", action="store_true")
    testing = rule_commands.add_parser("test", help="run every rule's own examples")
    testing.add_argument("paths", nargs="*", help="rule files (default: all)")
    backtest = rule_commands.add_parser("backtest", help="each rule's hits, precision and recall against labels")
    backtest.add_argument("input_dir")
    backtest.add_argument("--csv", help="also write the table as CSV")
    for command in (listing, testing):
        _add_rule_and_suite_folders(command, suites=False)
    _add_rule_and_suite_folders(backtest)

    profile = commands.add_parser("profile", help="a partner's mapping profile: check or draft one")
    profile_commands = profile.add_subparsers(dest="profile_command", required=True)
    checking = profile_commands.add_parser(
        "check", help="a file read through a profile: its first rows as contract rows, and "
                      "every row that would be quarantined")
    checking.add_argument("profile", help="partners/<partner_id>.yaml")
    checking.add_argument("file", help="one of the partner's files")
    checking.add_argument("--rows", type=int, default=10, help="rows to show (default: %(default)s)")
    checking.add_argument("--camt-schemas", metavar="DIR", help="as for `fiu run`")
    drafting = profile_commands.add_parser(
        "init", help="draft a profile from a file's header and first rows")
    drafting.add_argument("file")
    drafting.add_argument("--partner-id", help="the partner's id (default: TODO)")
    drafting.add_argument("--kind", default="transactions", choices=["transactions", "accounts", "osint"])
    drafting.add_argument("--out", help="write the draft here (default: print it)")

    release = commands.add_parser("release", help="sign a reviewed case's packages and record it in the audit log")
    release.add_argument("case_id")
    release.add_argument("--out", required=True, help="the run's out folder")
    release.add_argument("--key", help="Ed25519 private key, PEM, mode 600 (default: $FIU_SIGNING_KEY)")
    release.add_argument("--by", help="who releases it (default: the login name)")

    verify = commands.add_parser("verify", help="check a package's checksums and signature")
    verify.add_argument("package_dir", help="a recipient folder, a case folder or packages/")
    verify.add_argument("--public-key", help="PEM public key the signature must be made with")

    changes = commands.add_parser("changes", help="what changed, run by run, in a state folder")
    changes.add_argument("state", help="a state folder (fiu run --state)")
    changes.add_argument("--run", type=int, help="one run's events (default: the last run's)")
    changes.add_argument("--id", help="where an entity or case id stands now, and its events")
    changes.add_argument("--json", action="store_true", help="the events as JSON lines")

    resolve = commands.add_parser("resolve", help="the state's frozen match model")
    resolve_commands = resolve.add_subparsers(dest="resolve_command", required=True)
    refit = resolve_commands.add_parser(
        "refit", help="fit the match model anew on the next run (ids survive by majority)")
    refit.add_argument("--state", required=True, help="a state folder (fiu run --state)")

    train = commands.add_parser("train", help="fit the case model on an input folder with labels")
    train.add_argument("input_dir")
    train.add_argument("--model-out", required=True)
    _add_rule_and_suite_folders(train)
    return top


def _own_flags(top: argparse.ArgumentParser, command: str) -> list[str]:
    """The option strings of one sub-command, for a did-you-mean."""
    commands = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    return [s for a in commands.choices[command]._actions for s in a.option_strings]


def main(argv: list[str] | None = None) -> int:
    top = parser()
    args, rest = top.parse_known_args(argv)
    if rest and args.command not in ("run", "demo"):
        top.error(f"unrecognized arguments: {' '.join(rest)}")
    from fiu.console import close_library_log, hold_library_notices

    hold_library_notices(args.verbose or args.debug)
    # The folder options live in the environment for the run; a caller's is left as it was.
    settings = ("FIU_RULES", "FIU_RULES_ONLY", "FIU_SUITES", "FIU_CAMT_SCHEMAS")
    before = {name: os.environ.get(name) for name in settings}
    try:
        _camt_schemas(args)
        _own_rules_and_suites(args)
        if rest:
            from fiu.pipelines.options import check_beam_args

            check_beam_args(rest, _own_flags(top, args.command), args.runner)
        if args.command == "run":
            return _run(args, rest)
        if args.command == "demo":
            return _demo(args, rest)
        handler = {"generate": _generate, "evaluate": _evaluate, "rules": _rules, "train": _train,
                   "profile": _profile, "release": _release, "verify": _verify,
                   "explain": _explain, "changes": _changes, "resolve": _resolve}
        return handler[args.command](args)
    except FiuError as err:
        if args.debug:
            traceback.print_exc()
        print(f"fiu: {err}", file=sys.stderr)
        return err.exit_code
    except Exception:  # noqa: BLE001 - the contract's exit 1 for any other failure
        if args.debug:
            traceback.print_exc()
        else:
            print(f"fiu: {traceback.format_exc().strip().splitlines()[-1]} (--debug for details)",
                  file=sys.stderr)
        return 1
    finally:
        close_library_log()
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


if __name__ == "__main__":
    sys.exit(main())
