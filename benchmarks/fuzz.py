"""A long fuzz session over the readers, the normalisers, the rule condition parser and
the package writer, outside CI:

    python benchmarks/fuzz.py --examples 20000            # every target
    python benchmarks/fuzz.py --examples 5000 --target readers --seed 3

The targets and their properties are the ones the CI tests run
(`tests/fuzz/targets.py`), with many more examples. Prints, per target, the examples
run and either `ok` or the smallest failing example hypothesis found with its error; exits 1 when anything failed.
"""
from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import seed as hypothesis_seed  # noqa: E402

from tests.fuzz.targets import TARGETS  # noqa: E402


def run_target(name: str, examples: int, seed: int | None) -> tuple[int, str | None]:
    strategy, prop = TARGETS[name]
    count = [0]

    def counted(example):
        count[0] += 1
        prop(example)

    test = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate, Phase.shrink],
        print_blob=True,
    )(given(strategy)(counted))
    if seed is not None:
        test = hypothesis_seed(seed)(test)
    try:
        test()
    except Exception as err:  # noqa: BLE001 - the finding itself is the report
        return count[0], "".join(traceback.format_exception_only(type(err), err)).strip()
    return count[0], None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=20000, help="examples per target")
    parser.add_argument("--target", action="append", choices=sorted(TARGETS),
                        help="only this target (repeatable; default: all)")
    parser.add_argument("--seed", type=int, help="hypothesis seed, to repeat a session")
    args = parser.parse_args(argv)
    found = 0
    for name in args.target or list(TARGETS):
        clock = time.perf_counter()
        ran, problem = run_target(name, args.examples, args.seed)
        took = time.perf_counter() - clock
        status = "ok" if problem is None else "FOUND"
        print(f"{name:<12} {ran:>7} examples {took:>7.1f} s  {status}", flush=True)
        if problem:
            found += 1
            print("    " + problem.replace("\n", "\n    "), flush=True)
    print(f"{found} target(s) with findings" if found else "nothing found")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
