"""Scenario YAML -> :class:`sim.config.scenario.Scenario`: ``extends:`` and typed conversion.

Each file is read by :mod:`sim.config.yaml_read` (PyYAML's *safe* loader, the file and line of every
key and list entry remembered, duplicate keys rejected). ``extends: base.yaml`` makes a
variant: mappings merge deeply, lists replace, and ``key: __delete__`` removes a key inherited
from the parent (so the schema default applies). Every problem is collected (not just the
first) and raised together as a :class:`sim.config.errors.UserError`, each naming
``FILE:LINE: path.to.key``. For example a variant ``x.yaml`` holding ``extends: pingyang.yaml``
and ``run: {reps: 0}`` gives::

    x.yaml:2: run.reps: 0 is out of range; expected a whole number >= 1 (replications)
"""

from __future__ import annotations

import dataclasses
import os
import re
import types
import typing
import unicodedata
from pathlib import Path
from typing import Any

from sim.config.errors import Problem, UserError, closest, not_a_file
from sim.config.scenario import Scenario
from sim.config.yaml_read import (  # noqa: F401  (read_yaml and LineDict are part of this API)
    DELETE,
    MAX_BYTES,
    MAX_NUMBER,
    LineDict,
    LineList,
    key_text,
    kind_of,
    new_line_dict,
    number_as_text_hint,
    read_yaml,
    read_yaml_collecting,
    show_value,
)

# ---------------------------------------------------------------- extends


def deep_merge(parent: Any, child: Any, problems: list[Problem] | None = None, path: str = "") -> Any:
    """Child over parent: mappings merge key by key, everything else (lists too) replaces;
    a child's ``key: __delete__`` removes the parent's key. Problems (deleting a key the parent
    does not set) are appended to ``problems``."""
    if not (isinstance(parent, dict) and isinstance(child, dict)):
        return child
    merged = new_line_dict(getattr(child, "file", ""), getattr(child, "line", None))
    merged.update(parent)
    merged.key_lines = dict(getattr(parent, "key_lines", {}))
    merged.key_files = dict(getattr(parent, "key_files", {}))
    for key, value in child.items():
        sub = f"{path}.{key_text(key)}" if path else key_text(key)
        if isinstance(value, str) and value == DELETE:
            if key not in parent and problems is not None:
                problems.append(
                    Problem(
                        child.file,
                        child.key_lines.get(key),
                        sub,
                        f"{DELETE} of a key the parent does not set; expected "
                        "a key inherited from the parent",
                    )
                )
            merged.pop(key, None)
            merged.key_lines.pop(key, None)
            merged.key_files.pop(key, None)
            continue
        if key in parent:
            merged[key] = deep_merge(parent[key], value, problems, sub)
        elif isinstance(value, dict):  # a new mapping: nothing below it to delete either
            merged[key] = deep_merge(new_line_dict(child.file, None), value, problems, sub)
        else:
            merged[key] = value
        merged.key_lines[key] = child.key_lines.get(key)
        merged.key_files[key] = child.key_files.get(key, child.file)
    return merged


def _stray_deletes(value: Any, path: str, problems: list[Problem]) -> None:
    """Report ``__delete__`` where there is nothing to delete (no parent, or inside a list)."""
    if isinstance(value, dict):
        for key, v in value.items():
            sub = f"{path}.{key_text(key)}" if path else key_text(key)
            if isinstance(v, str) and v == DELETE:
                problems.append(
                    Problem(
                        value.file,
                        value.key_lines.get(key),
                        sub,
                        f"{DELETE} but there is no parent scenario to delete it "
                        "from; expected it only in a file with extends",
                    )
                )
            else:
                _stray_deletes(v, sub, problems)
        for key in [k for k, v in value.items() if isinstance(v, str) and v == DELETE]:
            del value[key]
    elif isinstance(value, list):
        for i, v in enumerate(value):
            sub = f"{path}[{i}]"
            if isinstance(v, str) and v == DELETE:
                problems.append(
                    Problem(
                        value.file,
                        _item_line(value, i),
                        sub,
                        f"{DELETE} inside a list; expected it only as the value "
                        "of an inherited mapping key (lists replace whole)",
                    )
                )
            else:
                _stray_deletes(v, sub, problems)


def _child_deletes(value: Any, path: str, problems: list[Problem]) -> None:
    """In a variant, ``__delete__`` may stand for mapping values but not inside lists."""
    if isinstance(value, dict):
        for key, v in value.items():
            _child_deletes(v, f"{path}.{key_text(key)}" if path else key_text(key), problems)
    elif isinstance(value, list):
        _stray_deletes(value, path, problems)


def read_scenario(path: str | os.PathLike, _chain: tuple[str, ...] = ()) -> tuple[LineDict, list[Problem]]:
    """Read a scenario and, recursively, the parents it ``extends:``; return the merged mapping
    and the problems found while merging.

    Files that cannot be read (missing, not YAML, a cycle of extends) raise UserError at once.
    Relative data-file paths are made absolute against the folder of the file that names them,
    so a variant in another folder still finds its parent's data.
    """
    path = Path(path)
    data, problems = read_yaml_collecting(path)
    if "extends" not in data:
        _stray_deletes(data, "", problems)
        _absolutise_paths(data, path.parent)
        return data, problems
    parent_ref = data.pop("extends")
    line = data.key_lines.pop("extends", None)
    data.key_files.pop("extends", None)

    def fail(message: str) -> UserError:
        return UserError([Problem(str(path), line, "extends", message)])

    if not isinstance(parent_ref, str) or not parent_ref.strip():
        raise fail(f"expected a path to the parent scenario relative to this file, got {kind_of(parent_ref)}")
    parent_path = Path(os.path.normpath(path.parent / parent_ref))
    chain = (*_chain, str(path.resolve()))
    if not parent_path.is_file():
        why = not_a_file(parent_path)
        raise fail(f"parent {parent_ref!r} {why}; expected a scenario file's path relative to this one")
    if str(parent_path.resolve()) in chain:
        names = [Path(c).name for c in chain[chain.index(str(parent_path.resolve())) :]]
        raise fail(
            f"cycle ({' -> '.join([*names, parent_path.name])}); expected a chain that "
            "ends in a scenario without extends"
        )
    parent, inherited = read_scenario(parent_path, chain)
    for key in TITLE_KEYS:  # a title names, a description describes, one scenario: a variant
        # does not inherit its parent's (a variant cutting volunteers kept "about 24,000 active")
        parent.pop(key, None)
        for attr in ("key_lines", "key_files"):
            getattr(parent, attr, {}).pop(key, None)
    problems = inherited + problems
    _child_deletes(data, "", problems)
    _absolutise_paths(data, path.parent)
    return deep_merge(parent, data, problems), problems


TITLE_KEYS = ("title", "title_zh", "description", "description_zh")
PATH_KEYS = {
    ("geography", "towns_csv"),
    ("geography", "places_csv"),
    ("geography", "coordinates_csv"),
    ("geography", "travel", "matrix_csv"),
    ("pairing", "file"),
}


def _absolutise_paths(data: dict, folder: Path) -> None:
    """Make the file paths a scenario names absolute, relative to the file's own folder."""
    for keys in PATH_KEYS:
        node = data
        for k in keys[:-1]:
            node = node.get(k) if isinstance(node, dict) else None
        value = node.get(keys[-1]) if isinstance(node, dict) else None
        if isinstance(value, str) and value != DELETE and value.strip() and "\0" not in value:
            node[keys[-1]] = os.path.abspath(folder / value)


def locate(data: Any, path: str) -> tuple[str, int | None]:
    """(file, line) where the value at ``path`` ("catalog[3].service.mean") is written in the
    merged ``data``; for a key that is not written (a default), its nearest written ancestor."""
    file, line = getattr(data, "file", ""), getattr(data, "line", None)
    node = data
    for token in re.findall(r"\[(\d+)\]|([^.\[\]]+)", path):
        index, key = token
        if index and isinstance(node, list) and int(index) < len(node):
            i = int(index)
            line = _item_line(node, i) or line
            node = node[i]
        elif key and isinstance(node, dict) and key in node:
            file = node.key_files.get(key, file) if hasattr(node, "key_files") else file
            line = node.key_lines.get(key, line) if hasattr(node, "key_lines") else line
            node = node[key]
        else:
            break
        if getattr(node, "file", ""):
            file = node.file
    return file, line


def _item_line(value: Any, index: int) -> int | None:
    lines = getattr(value, "item_lines", None)
    return lines[index] if lines and index < len(lines) else getattr(value, "line", None)


# ---------------------------------------------------------------- typed conversion


class _Converter:
    """Converts plain YAML data into dataclasses, collecting every problem."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self.substituted: list[str] = []  # paths whose text, list or mapping was replaced

    def stand_in(self, path: str, value: Any) -> Any:
        """``value``, the stand-in for a wrongly typed text, list, mapping or choice at ``path``
        (reported already), remembered: a cross-reference to it would be a false problem."""
        self.substituted.append(path)
        return value

    def problem(self, node: Any, parent: Any, key: Any, path: str, message: str) -> None:
        line, file = None, ""
        if isinstance(parent, dict) and hasattr(parent, "key_lines"):
            line = parent.key_lines.get(key)
            file = parent.key_files.get(key, "")
        elif isinstance(parent, list) and isinstance(key, int):
            line = _item_line(parent, key)
        if line is None:
            line = getattr(node, "line", None) or getattr(parent, "line", None)
        file = file or getattr(parent, "file", "") or getattr(node, "file", "") or self.file
        self.problems.append(Problem(file, line, path, message))

    def convert(self, tp: Any, value: Any, path: str, parent: Any, key: Any, meta: dict | None = None) -> Any:
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
            if not isinstance(value, str) or value not in args:
                options = ", ".join(repr(a) for a in args)
                shown = show_value(value) if isinstance(value, str) else kind_of(value)
                self.problem(value, parent, key, path, f"{shown} is not allowed; expected one of {options}")
                return self.stand_in(path, args[0])
            return value
        if origin is list:
            if not isinstance(value, list):
                self.problem(value, parent, key, path, f"expected a list, got {kind_of(value)}")
                return self.stand_in(path, [])
            length = meta.get("length")
            if length is not None and len(value) != length and args[0] in (int, float, str):
                entries = "entry" if len(value) == 1 else "entries"
                self.problem(
                    value, parent, key, path, f"has {len(value)} {entries}; expected exactly {length}"
                )
            return [
                self.convert(args[0], item, f"{path}[{i}]", value, i, meta) for i, item in enumerate(value)
            ]
        if origin is dict:
            if not isinstance(value, dict):
                self.problem(value, parent, key, path, f"expected a mapping, got {kind_of(value)}")
                return self.stand_in(path, {})
            return {
                str(k): self.convert(args[1], v, f"{path}.{key_text(k)}", value, k, meta)
                for k, v in value.items()
            }
        return self.scalar(tp, value, path, parent, key, meta)

    def scalar(self, tp: Any, value: Any, path: str, parent: Any, key: Any, meta: dict) -> Any:
        if tp is bool:
            if not isinstance(value, bool):
                self.problem(value, parent, key, path, f"expected true or false, got {kind_of(value)}")
                return self.stand_in(path, False)
            return value
        if tp in (int, float):
            return self.number(tp, value, path, parent, key, meta)
        if tp is str:
            if not isinstance(value, str):
                quote = (
                    "; quote it: YAML reads an unquoted yes, no, on, off, true or false as true/false"
                    if isinstance(value, bool)
                    else "; quote it to make it text"
                    if isinstance(value, (int, float))
                    else ""
                )
                self.problem(value, parent, key, path, f"expected text, got {kind_of(value)}{quote}")
                return self.stand_in(path, "")
            if "\0" in value:
                self.problem(
                    value, parent, key, path, "text contains a NUL character; expected printable text"
                )
                return self.stand_in(path, "")
            return value
        raise TypeError(f"unsupported schema type {tp!r} at {path}")  # a bug in the schema

    def number(self, tp: type, value: Any, path: str, parent: Any, key: Any, meta: dict) -> Any:
        wanted = "a whole number" if tp is int else "a number"
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if ok and isinstance(value, float) and (value != value or abs(value) == float("inf")):
            ok = False
        if ok and tp is int and isinstance(value, float) and not value.is_integer():
            ok = False
        if not ok:
            what = f"expected {wanted}, got {kind_of(value)}"
            if isinstance(value, str):
                what += number_as_text_hint(value)
            if isinstance(value, float) and not isinstance(value, bool) and value - value != 0:
                what = f"{value} is not a finite number; expected {wanted}"
            self.problem(value, parent, key, path, what)
            return tp(0)
        if abs(value) > MAX_NUMBER:
            self.problem(
                value,
                parent,
                key,
                path,
                f"{show_value(value, 24)} is absurdly large; "
                f"expected {wanted} of at most {MAX_NUMBER:g} in size",
            )
            return tp(0)
        value = tp(value)
        unit = f" ({meta['unit']})" if meta.get("unit") else ""
        kind = "a whole number" if tp is int else "a number"
        for bound, test, words in (
            ("ge", lambda v, b: v >= b, ">="),
            ("gt", lambda v, b: v > b, ">"),
            ("le", lambda v, b: v <= b, "<="),
        ):
            b = meta.get(bound)
            if b is not None and not test(value, b):
                self.problem(
                    value,
                    parent,
                    key,
                    path,
                    f"{value:g} is out of range; expected {kind} {words} {b:g}{unit}",
                )
        return value

    def dataclass(self, cls: type, value: Any, path: str, parent: Any, key: Any) -> Any:
        if not isinstance(value, dict):
            self.problem(
                value, parent, key, path or "(top level)", f"expected a mapping, got {kind_of(value)}"
            )
            return self.stand_in(path, cls())
        fields = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
        hints = typing.get_type_hints(cls)
        kwargs = {}
        for name, raw in value.items():
            sub = f"{path}.{key_text(name)}" if path else key_text(name)
            if name not in fields:
                plain = unicodedata.normalize("NFKC", str(name))  # full-width letters: ｒｕｎ
                close = closest(plain, fields)
                hint = (
                    f"expected a known key, did you mean {close!r}?"
                    if close
                    else f"expected one of {', '.join(sorted(fields))}"
                )
                self.problem(raw, value, name, sub, f"unknown key; {hint}")
                continue
            kwargs[name] = self.convert(hints[name], raw, sub, value, name, dict(fields[name].metadata))
        return cls(**kwargs)


def convert(
    data: dict, file: str, cls: type = Scenario, substituted: list[str] | None = None
) -> tuple[Any, list[Problem]]:
    """Convert a merged mapping into ``cls``; return the object and every problem found.
    The paths of the wrongly typed texts, lists, mappings and choices, which the object holds
    stand-ins for (an empty text, list or mapping, the first choice), are appended to
    ``substituted``: checks that cross-reference them would report the stand-in, not the file."""
    converter = _Converter(file)
    obj = converter.dataclass(cls, data, "", None, None)
    if substituted is not None:
        substituted += converter.substituted
    return obj, converter.problems
