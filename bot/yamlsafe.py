"""YAML from files we do not fully trust (review front matter, config): no aliases, bounded nesting.

A safe loader already refuses to build Python objects, but it still expands aliases (a 1 KB
"billion laughs" document becomes gigabytes) and recurses once per level of nesting. `check`
reads the document's events, which costs time linear in its size, and refuses both before any
node is built; `load` is `check` and then the safe loader.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_DEPTH = 20  # lists and mappings inside one another; config and front matter need three or four
LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser: ten times faster


class UnsafeYAML(yaml.MarkedYAMLError):
    """Valid YAML that reviewbot refuses to load: an alias, or nesting deeper than `MAX_DEPTH`."""


def check(text: str, max_depth: int = MAX_DEPTH) -> None:
    """Raise `UnsafeYAML` (with the line) if `text` uses an alias or nests deeper than `max_depth`.

    Syntax errors raise `yaml.YAMLError` as the loader would.
    """
    depth = 0
    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, yaml.AliasEvent):
            raise UnsafeYAML(problem="aliases (*name) are not allowed here", problem_mark=_mark(event))
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > max_depth:
                raise UnsafeYAML(problem=f"nested more than {max_depth} levels deep", problem_mark=_mark(event))
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _mark(event: yaml.Event) -> yaml.Mark | None:
    """The event's position as a pure-Python mark (libyaml's marks are another type with the same fields)."""
    m = event.start_mark
    return None if m is None else yaml.Mark("<yaml>", m.index, m.line, m.column, None, 0)


def load(text: str, max_depth: int = MAX_DEPTH) -> Any:
    """The document's plain values (str, int, float, bool, None, list, dict), after `check`."""
    check(text, max_depth)
    return yaml.load(text, Loader=LOADER)  # a safe loader: no Python objects are built
