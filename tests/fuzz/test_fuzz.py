"""Short fuzz runs for CI (the whole folder in well under 30 s); the long session is
`python benchmarks/fuzz.py --examples 20000`. The properties are in `targets.py`."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from tests.fuzz.targets import (
    TARGETS,
    condition_property,
    normaliser_property,
    package_property,
    package_texts,
)

CI = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


@CI
@given(TARGETS["readers"][0])
def test_any_input_file_is_read_or_refused_with_an_input_error(example):
    TARGETS["readers"][1](example)


@CI
@given(TARGETS["normalisers"][0])
def test_normalisers_never_raise_and_keep_one_value_a_row(example):
    TARGETS["normalisers"][1](example)


@settings(CI, max_examples=150)
@given(TARGETS["conditions"][0])
def test_any_condition_text_compiles_or_raises_condition_error_and_runs_nothing(text):
    TARGETS["conditions"][1](text)


@settings(CI, max_examples=40)
@given(package_texts)
def test_any_text_in_a_package_leaves_no_live_tag_and_no_formula_cell(texts):
    TARGETS["packages"][1](texts)


def test_a_carriage_return_inside_a_cell_cannot_start_a_formula_row():
    package_property(["Golden Lotus Spa\r=1+2"])


def test_the_audit_hook_sees_what_the_condition_check_forbids():
    """The parser property would pass vacuously if the hook saw nothing: show it sees
    an import (its file opened, its code run) made while armed."""
    import importlib

    from tests.fuzz import targets

    targets._install_audit_hook()
    targets._AUDIT.seen, targets._AUDIT.armed = [], True
    try:
        importlib.import_module("tests.fuzz.audit_probe")
    finally:
        targets._AUDIT.armed = False
    assert {"open", "exec"} <= set(targets._AUDIT.seen)


def test_known_hostile_conditions_are_refused_without_running():
    for text in ("__import__('os').system('touch /tmp/pwned')", "open('/etc/passwd')",
                 "x.__class__.__subclasses__()", "(lambda: 1)() >= 1", "x >= 1 if x else 2"):
        condition_property(text)


def test_normalisers_on_the_known_hostile_fragments():
    from tests.fuzz.targets import HOSTILE, _normalisers

    for name in _normalisers():
        normaliser_property((name, [*HOSTILE, None]))
