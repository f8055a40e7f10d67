"""Dotted-path overrides of a scenario mapping, applied before conversion (sweeps, optimise).

A path names keys and list positions, e.g. ``teams.village_members_per_1000`` or
``dispatch.timeouts_min.rural[0]`` (the tier-1 rural timeout); setting it on the merged YAML
mapping of a scenario gives the variant that the loader and the validator then check exactly as
if the value had been written in the file. Missing mappings on the way are created; a path
through a value that is not a mapping (or a list, for ``[i]``), or an index into a key that does
not exist, is an error.
"""

from __future__ import annotations

import re
from typing import Any

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_path(path: str) -> list[str | int]:
    """Keys (str) and list indices (int) of a dotted path; ValueError when malformed."""
    tokens: list[str | int] = []
    pos = 0
    while pos < len(path):
        if path[pos] == "." and tokens and pos + 1 < len(path):
            pos += 1
        match = _TOKEN.match(path, pos)
        if not match:
            raise ValueError(
                f"malformed path {path!r}; expected keys joined by '.' with "
                "optional [index], e.g. dispatch.timeouts_min.rural[0]"
            )
        tokens.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        pos = match.end()
    if not tokens:
        raise ValueError("empty path; expected e.g. teams.village_members_per_1000")
    return tokens


def set_path(data: dict, path: str, value: Any) -> None:
    """Set ``path`` in a nested mapping to ``value`` (ValueError: cannot be set)."""
    tokens = parse_path(path)
    node: Any = data
    for k, token in enumerate(tokens):
        last = k == len(tokens) - 1
        where = (
            path
            if last
            else "".join(
                f"[{t}]" if isinstance(t, int) else (("." if i else "") + t)
                for i, t in enumerate(tokens[: k + 1])
            )
        )
        if isinstance(token, int):
            if not isinstance(node, list) or token >= len(node):
                raise ValueError(
                    f"{where}: no list entry {token} to set; expected an index into an existing list"
                )
        elif not isinstance(node, dict):
            raise ValueError(f"{where}: the value above it is not a mapping; expected a path of keys")
        if last:
            node[token] = value
        elif isinstance(token, str) and not isinstance(node.get(token), (dict, list)):
            if isinstance(tokens[k + 1], int):  # (a misspelt key: nothing to index, nothing made)
                raise ValueError(f"{where}: no list to index; expected the path of an existing list")
            node[token] = {}
        node = node[token]


def path_meaning(path: str, root: type | None = None) -> tuple[str, str]:
    """(doc, unit) of the scenario field a dotted path sets, from the schema (``("", "")`` when
    the path is not in it): what a sweep's axis should say beside the raw key."""
    import dataclasses
    import types
    import typing

    from sim.config.scenario import Scenario

    tp: Any = root or Scenario
    meta: dict = {}
    try:
        tokens = parse_path(path)
    except ValueError:
        return "", ""
    for token in tokens:
        if typing.get_origin(tp) in (typing.Union, types.UnionType):
            tp = [a for a in typing.get_args(tp) if a is not type(None)][0]
        if dataclasses.is_dataclass(tp) and isinstance(token, str):
            fields = {f.name: f for f in dataclasses.fields(tp)}
            if token not in fields:
                return "", ""
            meta = dict(fields[token].metadata)
            tp = typing.get_type_hints(tp)[token]
        elif typing.get_origin(tp) in (list, dict):
            tp = typing.get_args(tp)[-1]
        else:
            break
    return meta.get("doc", ""), meta.get("unit", "")
