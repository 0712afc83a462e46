"""Beam options fiu passes through, checked: an option that neither fiu nor Beam defines
is refused (exit 2) with a did-you-mean, instead of being ignored by Beam as it would
be (`--threshhold 0.99` would run at the default threshold without a word)."""
from __future__ import annotations

import difflib

from fiu.errors import UsageError


def _option_classes(base: type) -> list[type]:
    found = []
    for sub in base.__subclasses__():
        found += [sub, *_option_classes(sub)]
    return found


def beam_parser(runner: str | None = None):
    """An argparse parser holding every option Beam's `PipelineOptions` subclasses define
    (177 in Beam 2.77), plus the Dask runner's when that runner is chosen."""
    from apache_beam.options import pipeline_options as po

    if runner == "dask":
        from . import dask  # noqa: F401 - registers DaskOptions

    parser = po._BeamArgumentParser(allow_abbrev=False, conflict_handler="resolve")
    for options in sorted(set(_option_classes(po.PipelineOptions)), key=lambda c: c.__name__):
        try:
            options._add_argparse_args(parser)
        except Exception:  # noqa: BLE001, S112 - a third-party options class that cannot register
            continue
    return parser


def check_beam_args(args: list[str], own_flags: list[str], runner: str | None = None) -> None:
    """Raise `UsageError` for any argument Beam would not recognise, naming the closest
    option of fiu's or Beam's."""
    if not args:
        return
    parser = beam_parser(runner)
    _, unknown = parser.parse_known_args(args)
    if not unknown:
        return
    beam = {s for action in parser._actions for s in action.option_strings if s.startswith("--")}
    candidates = sorted(set(own_flags) | beam)
    problems, after_flag = [], False
    for arg in unknown:
        name = arg.split("=", 1)[0]
        if not name.startswith("-"):
            if not after_flag:  # else the value of the unknown option just named
                problems.append(f"unexpected argument {arg!r}")
            after_flag = False
            continue
        after_flag = "=" not in arg
        close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else ""
        problems.append(f"unknown option {name}{hint}")
    raise UsageError(
        "; ".join(problems) + ": neither fiu nor Beam defines it (see `fiu run --help`)"
    )
