"""Scenario YAML -> :class:`sim.scenario.Scenario`: safe parsing, ``extends:``, typed conversion.

Parsing uses PyYAML's *safe* loader (no object construction), remembers the line of every key,
and rejects duplicate keys, which PyYAML would otherwise accept silently. ``extends: base.yaml``
makes a variant: mappings merge deeply, lists replace, and ``key: __delete__`` removes a key
inherited from the parent. Every problem is collected (not just the first) and raised together
as a :class:`sim.errors.UserError`, each naming ``FILE:LINE: path.to.key``.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import types
import typing
from pathlib import Path
from typing import Any

import yaml

from sim.errors import Problem, UserError
from sim.scenario import Scenario

DELETE = "__delete__"
MAX_BYTES = 5_000_000
MAX_DEPTH = 40


class LineDict(dict):
    """A dict that remembers the source file and line of itself and of each key."""

    file: str = ""
    line: int | None = None
    key_lines: dict


class LineList(list):
    """A list that remembers its source file and line."""

    file: str = ""
    line: int | None = None


class _Loader(yaml.SafeLoader):
    """SafeLoader that records lines and refuses duplicate keys."""

    duplicate_problems: list[Problem]
    file_name: str


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.file, result.line, result.key_lines = loader.file_name, node.start_mark.line + 1, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            loader.duplicate_problems.append(Problem(loader.file_name, key_node.start_mark.line + 1,
                                                     "", f"unsupported key {key!r}; expected a "
                                                     "plain name"))
            continue
        key = str(key) if not isinstance(key, str) else key
        if key in result:
            loader.duplicate_problems.append(Problem(
                loader.file_name, key_node.start_mark.line + 1, key,
                f"duplicate key (first at line {result.key_lines[key]}); expected each key once"))
            continue
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.file, result.line = loader.file_name, node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _depth(node: yaml.Node, limit: int) -> int:
    """Nesting depth of a composed YAML node (iterative, stops at ``limit``)."""
    stack, deepest = [(node, 1)], 0
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        if isinstance(current, yaml.MappingNode):
            stack.extend((v, depth + 1) for _, v in current.value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((v, depth + 1) for v in current.value)
    return deepest


def read_yaml(path: str | os.PathLike) -> LineDict:
    """Read one YAML mapping safely, with line numbers; raise UserError on any problem."""
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise UserError([Problem(name, None, "", "file not found; expected a scenario YAML file")])
    if path.is_dir():
        raise UserError([Problem(name, None, "", "is a folder; expected a scenario YAML file")])
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        raise UserError([Problem(name, None, "", f"file is {len(raw):,} bytes; expected a "
                                 f"scenario under {MAX_BYTES:,} bytes")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError([Problem(name, line, "", "bytes that are not UTF-8; expected a UTF-8 "
                                 "text file")]) from None
    if not text.strip():
        raise UserError([Problem(name, None, "", "file is empty; expected a YAML mapping")])
    loader = _Loader(text)
    loader.file_name, loader.duplicate_problems = name, []
    try:
        node = loader.get_single_node()
        if node is not None and _depth(node, MAX_DEPTH) > MAX_DEPTH:
            raise UserError([Problem(name, None, "", f"nested deeper than {MAX_DEPTH} levels; "
                                     "expected a scenario")])
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = (exc.problem or str(exc)).strip()
        if "could not determine a constructor" in what:
            what = "YAML tags that construct objects are not allowed; expected plain values"
        else:
            what = f"invalid YAML ({what}); expected a YAML mapping"
        raise UserError([Problem(name, line, "", what)]) from None
    except yaml.YAMLError as exc:
        raise UserError([Problem(name, None, "", f"invalid YAML ({exc})")]) from None
    finally:
        loader.dispose()
    if loader.duplicate_problems:
        raise UserError(loader.duplicate_problems)
    if not isinstance(data, dict):
        raise UserError([Problem(name, 1, "", f"top level is a {type(data).__name__}; "
                                 "expected a mapping of scenario keys")])
    return data


def deep_merge(parent: Any, child: Any) -> Any:
    """Child over parent: mappings merge key by key, everything else replaces; DELETE removes."""
    if isinstance(parent, dict) and isinstance(child, dict):
        merged = LineDict(parent)
        merged.file = getattr(child, "file", "")
        merged.line = getattr(child, "line", None)
        merged.key_lines = dict(getattr(parent, "key_lines", {}))
        for key, value in child.items():
            if value == DELETE:
                merged.pop(key, None)
                continue
            merged[key] = deep_merge(parent.get(key), value) if key in parent else value
            merged.key_lines[key] = getattr(child, "key_lines", {}).get(key)
        return merged
    return child


def _strip_deletes(value: Any) -> Any:
    if isinstance(value, dict):
        for key in [k for k, v in value.items() if v == DELETE]:
            del value[key]
        for v in value.values():
            _strip_deletes(v)
    return value


def resolve_extends(path: str | os.PathLike, _chain: tuple[str, ...] = ()) -> LineDict:
    """Read a scenario and, recursively, the parents it ``extends:``; return the merged mapping.

    Relative paths in a parent (data files) are made relative to the parent's folder, so a
    variant in another folder still finds its parent's data.
    """
    path = Path(path)
    key = str(path.resolve())
    if key in _chain:
        cycle = " -> ".join([*(_chain[_chain.index(key):]), key])
        raise UserError([Problem(str(path), None, "extends", f"cycle ({cycle}); expected a chain "
                                 "that ends in a scenario without extends")])
    data = read_yaml(path)
    parent_ref = data.pop("extends", None)
    if parent_ref is None:
        _absolutise_paths(data, path.parent)
        return _strip_deletes(data)
    if not isinstance(parent_ref, str) or not parent_ref.strip():
        raise UserError([Problem(str(path), data.key_lines.get("extends"), "extends",
                                 "expected a relative path to the parent scenario")])
    parent_path = path.parent / parent_ref
    if not parent_path.exists():
        raise UserError([Problem(str(path), data.key_lines.get("extends"), "extends",
                                 f"parent {parent_ref!r} not found; expected a path relative to "
                                 "this file")])
    parent = resolve_extends(parent_path, (*_chain, key))
    _absolutise_paths(data, path.parent)
    return _strip_deletes(deep_merge(parent, data))


PATH_KEYS = {("geography", "towns_csv"), ("geography", "places_csv"),
             ("geography", "coordinates_csv"), ("geography", "travel", "matrix_csv"),
             ("pairing", "file")}


def _absolutise_paths(data: dict, folder: Path) -> None:
    """Make the file paths a scenario names absolute, relative to the file's own folder."""
    for keys in PATH_KEYS:
        node = data
        for k in keys[:-1]:
            node = node.get(k) if isinstance(node, dict) else None
        if isinstance(node, dict) and isinstance(node.get(keys[-1]), str) \
                and node[keys[-1]] != DELETE:
            node[keys[-1]] = str((folder / node[keys[-1]]).resolve())


# ---------------------------------------------------------------- typed conversion


class _Converter:
    """Converts plain YAML data into dataclasses, collecting every problem."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, node: Any, parent: Any, key: Any, path: str, message: str) -> None:
        line = None
        if isinstance(parent, LineDict):
            line = parent.key_lines.get(key)
        if line is None:
            line = getattr(node, "line", None) or getattr(parent, "line", None)
        file = getattr(parent, "file", "") or getattr(node, "file", "") or self.file
        self.problems.append(Problem(file, line, path, message))

    def convert(self, tp: Any, value: Any, path: str, parent: Any, key: Any,
                meta: dict | None = None) -> Any:
        meta = meta or {}
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin in (typing.Union, types.UnionType):
            if value is None and type(None) in args:
                return None
            inner = [a for a in args if a is not type(None)]
            return self.convert(inner[0], value, path, parent, key, meta)
        if dataclasses.is_dataclass(tp):
            return self.dataclass(tp, value, path, parent, key)
        if origin is typing.Literal:
            if value not in args:
                options = ", ".join(repr(a) for a in args)
                self.problem(value, parent, key, path, f"{value!r} is not allowed; expected one "
                             f"of {options}")
                return args[0]
            return value
        if origin is list:
            if not isinstance(value, list):
                self.problem(value, parent, key, path, f"expected a list, got "
                             f"{_kind(value)}")
                return []
            length = meta.get("length")
            if length is not None and len(value) != length and args[0] in (int, float):
                self.problem(value, parent, key, path, f"has {len(value)} entries; expected "
                             f"exactly {length}")
            out = []
            for i, item in enumerate(value):
                out.append(self.convert(args[0], item, f"{path}[{i}]", value, i, meta))
            return out
        if origin is dict:
            if not isinstance(value, dict):
                self.problem(value, parent, key, path, f"expected a mapping, got "
                             f"{_kind(value)}")
                return {}
            return {str(k): self.convert(args[1], v, f"{path}.{k}", value, k, meta)
                    for k, v in value.items()}
        return self.scalar(tp, value, path, parent, key, meta)

    def scalar(self, tp: Any, value: Any, path: str, parent: Any, key: Any, meta: dict) -> Any:
        if tp is bool:
            if not isinstance(value, bool):
                self.problem(value, parent, key, path, f"expected true or false, got "
                             f"{_kind(value)}")
                return False
            return value
        if tp in (int, float):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            if tp is int and ok and float(value) != int(value):
                ok = False
            if not ok or value != value or value in (float("inf"), float("-inf")):
                wanted = "a whole number" if tp is int else "a number"
                self.problem(value, parent, key, path, f"expected {wanted}, got {_kind(value)}")
                return tp(0)
            value = tp(value)
            for bound, test, words in (("ge", lambda v, b: v >= b, ">="),
                                       ("gt", lambda v, b: v > b, ">"),
                                       ("le", lambda v, b: v <= b, "<=")):
                b = meta.get(bound)
                if b is not None and not test(value, b):
                    unit = f" ({meta['unit']})" if meta.get("unit") else ""
                    self.problem(value, parent, key, path, f"{value} is out of range; expected a "
                                 f"number {words} {b:g}{unit}")
            return value
        if tp is str:
            if not isinstance(value, str):
                self.problem(value, parent, key, path, f"expected text, got {_kind(value)}")
                return ""
            return value
        raise TypeError(f"unsupported schema type {tp!r} at {path}")  # a bug in the schema

    def dataclass(self, cls: type, value: Any, path: str, parent: Any, key: Any) -> Any:
        if not isinstance(value, dict):
            self.problem(value, parent, key, path or "(top level)",
                         f"expected a mapping, got {_kind(value)}")
            return cls()
        fields = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
        hints = typing.get_type_hints(cls)
        kwargs = {}
        for name, raw in value.items():
            sub = f"{path}.{name}" if path else str(name)
            if name not in fields:
                close = difflib.get_close_matches(str(name), list(fields), n=1)
                hint = f"did you mean {close[0]!r}?" if close else \
                    f"expected one of {', '.join(sorted(fields))}"
                self.problem(raw, value, name, sub, f"unknown key; {hint}")
                continue
            kwargs[name] = self.convert(hints[name], raw, sub, value, name,
                                        dict(fields[name].metadata))
        return cls(**kwargs)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({value!r})" if len(value) < 40 else "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def convert(data: dict, file: str, cls: type = Scenario) -> tuple[Any, list[Problem]]:
    """Convert a merged mapping into ``cls``; return the object and every problem found."""
    converter = _Converter(file)
    obj = converter.dataclass(cls, data, "", None, None)
    return obj, converter.problems
