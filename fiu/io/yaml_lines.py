"""Where a value stands in a YAML file, so that an error in a file users write (a rule,
a partner profile) names its line."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import yaml


def line_of(node: yaml.Node | None, path: Iterable[Any]) -> int:
    """1-based line of the YAML node at `path` (keys and list indices), best effort."""
    if node is None:
        return 1
    line = node.start_mark.line + 1
    for step in path:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == step:
                    line, node = key.start_mark.line + 1, value
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            return line
    return line
