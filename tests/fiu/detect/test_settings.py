"""Detection settings are checked where they are made, with the knob named."""
from __future__ import annotations

import pytest

from fiu.detect.settings import DEFAULT_SETTINGS, DetectSettings, LinkSettings


@pytest.mark.parametrize(
    ("make", "knob"),
    [
        (lambda: DetectSettings(seed_weight=0), "seed_weight"),
        (lambda: DetectSettings(typology_share=1.5), "typology_share"),
        (lambda: DetectSettings(min_fit_per_class=0), "min_fit_per_class"),
        (lambda: LinkSettings(depth=0), "depth"),
        (lambda: LinkSettings(min_flow_amount=-1), "min_flow_amount"),
    ],
)
def test_out_of_range_knob_is_refused_by_name(make, knob):
    with pytest.raises(ValueError, match=f"`{knob}`"):
        make()


def test_defaults_are_one_frozen_object():
    with pytest.raises(AttributeError):
        DEFAULT_SETTINGS.seed_weight = 0.5  # type: ignore[misc]
    assert DEFAULT_SETTINGS.links == LinkSettings()


def test_model_module_does_not_import_cases():
    import subprocess
    import sys

    code = "import sys, fiu.detect.model; print('fiu.detect.cases' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
