"""Scenario YAML -> :class:`sim.scenario.Scenario`: safe parsing, ``extends:``, typed conversion.

Parsing uses PyYAML's *safe* loader (no object construction), remembers the file and line of
every key and list entry, and rejects duplicate keys, which PyYAML would otherwise accept
silently. ``extends: base.yaml`` makes a variant: mappings merge deeply, lists replace, and
``key: __delete__`` removes a key inherited from the parent (so the schema default applies).
Every problem is collected (not just the first) and raised together as a
:class:`sim.errors.UserError`, each naming ``FILE:LINE: path.to.key``. For example a variant
``x.yaml`` holding ``extends: pingyang.yaml`` and ``run: {reps: 0}`` gives::

    x.yaml:2: run.reps: 0 is out of range; expected a number >= 1 (replications)
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
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
MAX_VALUES = 200_000
MAX_NUMBER = 1e12
SUFFIXES = (".yaml", ".yml")


class LineDict(dict):
    """A dict that remembers its source file and line, and the file and line of each key."""

    file: str = ""
    line: int | None = None
    key_lines: dict
    key_files: dict


class LineList(list):
    """A list that remembers its source file and line, and the line of each entry."""

    file: str = ""
    line: int | None = None
    item_lines: list


def _new_dict(file: str, line: int | None) -> LineDict:
    out = LineDict()
    out.file, out.line, out.key_lines, out.key_files = file, line, {}, {}
    return out


class _Loader(yaml.SafeLoader):
    """SafeLoader that records lines and refuses duplicate keys."""

    key_problems: list[Problem]
    file_name: str

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """Construct as SafeLoader does, but name the line of a value Python cannot convert
        (a date like 2022-13-45, an integer of 5,000 digits)."""
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:
            text = str(getattr(node, "value", ""))
            if node.tag.endswith(":int") or "digits" in str(exc):
                why = f"invalid value: a whole number of {len(text):,} digits"
            else:
                why = f"invalid value {_show(text, 30)} ({_show(str(exc), 50)})"
            raise yaml.constructor.ConstructorError(None, None, why, node.start_mark) from None


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)  # `<<: *anchor` entries first, so explicit keys win
    result = _new_dict(loader.file_name, node.start_mark.line + 1)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, (str, int, float, bool)) or key is None:
            loader.key_problems.append(Problem(loader.file_name, line, "",
                                                     f"unsupported key {_show(key)}; expected a "
                                                     "plain name"))
            continue
        key = str(key) if not isinstance(key, str) else key
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
        result.key_files[key] = loader.file_name
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.file, result.line = loader.file_name, node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _size(node: yaml.Node) -> tuple[int, int]:
    """(nesting depth, number of values) of a composed YAML node, counting aliases as often as
    they are used; iterative, and stops early past MAX_DEPTH or MAX_VALUES."""
    stack, deepest, count = [(node, 1)], 0, 0
    while stack:
        current, depth = stack.pop()
        deepest, count = max(deepest, depth), count + 1
        if deepest > MAX_DEPTH or count > MAX_VALUES:
            break
        if isinstance(current, yaml.MappingNode):
            stack.extend((v, depth + 1) for _, v in current.value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((v, depth + 1) for v in current.value)
    return deepest, count


def _duplicates(root: yaml.Node, file: str) -> list[Problem]:
    """Keys written twice in one mapping (PyYAML would silently keep the last), with paths.
    Keys merged in with ``<<: *anchor`` may be overridden; explicit keys may not repeat."""
    problems: list[Problem] = []
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, f"{path}[{i}]") for i, child in enumerate(node.value))
        elif isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                sub = f"{path}.{key_text(key)}" if path else key_text(key)
                line = key_node.start_mark.line + 1
                if isinstance(key, str) and key in first:
                    problems.append(Problem(file, line, sub, f"duplicate key (first at line "
                                            f"{first[key]}); expected each key once"))
                elif isinstance(key, str):
                    first[key] = line
                stack.append((value_node, sub))
    return sorted(problems, key=lambda p: p.line or 0)


def key_text(key: Any) -> str:
    """A key as shown in a path: itself when it is a plain name, else quoted."""
    text = str(key)
    return text if re.fullmatch(r"[\w\-]{1,60}", text) else _show(text)


def _show(value: Any, limit: int = 40) -> str:
    """A short one-line rendering of a user's value for messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def read_yaml(path: str | os.PathLike) -> LineDict:
    """Read one YAML mapping safely, with line numbers; raise UserError on any problem."""
    data, problems = _read_yaml(path)
    if problems:
        raise UserError(problems)
    return data


def _read_yaml(path: str | os.PathLike) -> tuple[LineDict, list[Problem]]:
    """One YAML mapping and the problems that do not stop reading it (duplicate keys: the
    last one is kept so that the rest of the file can still be checked); raise UserError when
    the file cannot be read at all."""
    path = Path(path)
    name = str(path)

    def fail(line: int | None, message: str) -> UserError:
        return UserError([Problem(name, line, "", message)])

    if not path.exists():
        raise fail(None, "file not found; expected a scenario YAML file")
    if path.is_dir():
        raise fail(None, "is a folder; expected a scenario YAML file")
    if path.suffix.lower() not in SUFFIXES:
        raise fail(None, f"is not a YAML file ({path.suffix or 'no extension'}); expected a "
                   "scenario ending in .yaml or .yml")
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise fail(None, f"cannot be read ({exc.strerror}); expected a readable file") from None
    if len(raw) > MAX_BYTES:
        raise fail(None, f"file is larger than {MAX_BYTES:,} bytes; expected a scenario of a "
                   "reasonable size")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise fail(line, "bytes that are not UTF-8; expected a UTF-8 text file") from None
    if not text.strip():
        raise fail(1, "file is empty; expected a YAML mapping of scenario keys")
    loader = None
    try:
        loader = _Loader(text)
        loader.file_name, loader.key_problems = name, []
        node = loader.get_single_node()
        if node is None:
            raise fail(1, "file holds only comments; expected a YAML mapping of scenario keys")
        depth, count = _size(node)
        if depth > MAX_DEPTH:
            raise fail(node.start_mark.line + 1, f"nested deeper than {MAX_DEPTH} levels; "
                       "expected a scenario")
        if count > MAX_VALUES:
            raise fail(node.start_mark.line + 1, f"more than {MAX_VALUES:,} values (counting "
                       "each use of an alias); expected a scenario of a reasonable size")
        duplicates = _duplicates(node, name)
        data = loader.construct_document(node)
    except RecursionError:
        raise fail(None, f"nested deeper than {MAX_DEPTH} levels; expected a scenario") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = " ".join((exc.problem or str(exc)).split())
        if "could not determine a constructor" in what:
            tag = what.split("tag", 1)[-1].strip(" '").replace("tag:yaml.org,2002:", "!!")
            what = (f"YAML tag {tag!r} is not allowed (tags that construct objects are refused);"
                    " expected plain values")
        elif what.startswith("invalid value"):
            what = f"{what}; expected a plain number, text, true/false or null (quote text " \
                "that looks like a date or number)"
        else:
            what = f"invalid YAML ({what}); expected a YAML mapping"
        raise fail(line, what) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise fail(line, f"character #x{exc.character:04x} is not allowed in YAML; expected "
                   "printable text") from None
    except yaml.YAMLError as exc:
        raise fail(None, f"invalid YAML ({' '.join(str(exc).split())})") from None
    finally:
        if loader is not None:
            loader.dispose()
    problems = sorted(duplicates + loader.key_problems, key=lambda p: p.line or 0)
    if not isinstance(data, dict):
        raise fail(1, f"top level is {_kind(data)}; expected a mapping of scenario keys")
    return data, problems


# ---------------------------------------------------------------- extends


def deep_merge(parent: Any, child: Any, problems: list[Problem] | None = None,
               path: str = "") -> Any:
    """Child over parent: mappings merge key by key, everything else (lists too) replaces;
    a child's ``key: __delete__`` removes the parent's key. Problems (deleting a key the parent
    does not set) are appended to ``problems``."""
    if not (isinstance(parent, dict) and isinstance(child, dict)):
        return child
    merged = _new_dict(getattr(child, "file", ""), getattr(child, "line", None))
    merged.update(parent)
    merged.key_lines = dict(getattr(parent, "key_lines", {}))
    merged.key_files = dict(getattr(parent, "key_files", {}))
    for key, value in child.items():
        sub = f"{path}.{key_text(key)}" if path else key_text(key)
        if isinstance(value, str) and value == DELETE:
            if key not in parent and problems is not None:
                problems.append(Problem(child.file, child.key_lines.get(key), sub,
                                        f"{DELETE} of a key the parent does not set; expected "
                                        "a key inherited from the parent"))
            merged.pop(key, None)
            merged.key_lines.pop(key, None)
            merged.key_files.pop(key, None)
            continue
        if key in parent:
            merged[key] = deep_merge(parent[key], value, problems, sub)
        elif isinstance(value, dict):  # a new mapping: nothing below it to delete either
            merged[key] = deep_merge(_new_dict(child.file, None), value, problems, sub)
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
                problems.append(Problem(value.file, value.key_lines.get(key), sub,
                                        f"{DELETE} but there is no parent scenario to delete it "
                                        "from; expected it only in a file with extends"))
            else:
                _stray_deletes(v, sub, problems)
        for key in [k for k, v in value.items() if isinstance(v, str) and v == DELETE]:
            del value[key]
    elif isinstance(value, list):
        for i, v in enumerate(value):
            sub = f"{path}[{i}]"
            if isinstance(v, str) and v == DELETE:
                problems.append(Problem(value.file, _item_line(value, i), sub,
                                        f"{DELETE} inside a list; expected it only as the value "
                                        "of an inherited mapping key (lists replace whole)"))
            else:
                _stray_deletes(v, sub, problems)


def _child_deletes(value: Any, path: str, problems: list[Problem]) -> None:
    """In a variant, ``__delete__`` may stand for mapping values but not inside lists."""
    if isinstance(value, dict):
        for key, v in value.items():
            _child_deletes(v, f"{path}.{key_text(key)}" if path else key_text(key), problems)
    elif isinstance(value, list):
        _stray_deletes(value, path, problems)


def read_scenario(path: str | os.PathLike, _chain: tuple[str, ...] = ()
                  ) -> tuple[LineDict, list[Problem]]:
    """Read a scenario and, recursively, the parents it ``extends:``; return the merged mapping
    and the problems found while merging.

    Files that cannot be read (missing, not YAML, a cycle of extends) raise UserError at once.
    Relative data-file paths are made absolute against the folder of the file that names them,
    so a variant in another folder still finds its parent's data.
    """
    path = Path(path)
    data, problems = _read_yaml(path)
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
        raise fail(f"expected a path to the parent scenario relative to this file, got "
                   f"{_kind(parent_ref)}")
    parent_path = Path(os.path.normpath(path.parent / parent_ref))
    chain = (*_chain, str(path.resolve()))
    if not parent_path.is_file():
        raise fail(f"parent {parent_ref!r} not found; expected a path relative to this file")
    if str(parent_path.resolve()) in chain:
        names = [Path(c).name for c in chain[chain.index(str(parent_path.resolve())):]]
        raise fail(f"cycle ({' -> '.join([*names, parent_path.name])}); expected a chain that "
                   "ends in a scenario without extends")
    parent, inherited = read_scenario(parent_path, chain)
    problems = inherited + problems
    _child_deletes(data, "", problems)
    _absolutise_paths(data, path.parent)
    return deep_merge(parent, data, problems), problems


def resolve_extends(path: str | os.PathLike) -> LineDict:
    """The merged mapping of a scenario and its parents; raise UserError on any problem."""
    data, problems = read_scenario(path)
    if problems:
        raise UserError(problems)
    return data


PATH_KEYS = {("geography", "towns_csv"), ("geography", "places_csv"),
             ("geography", "coordinates_csv"), ("geography", "travel", "matrix_csv"),
             ("pairing", "file")}


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
            if not isinstance(value, str) or value not in args:
                options = ", ".join(repr(a) for a in args)
                shown = _show(value) if isinstance(value, str) else _kind(value)
                self.problem(value, parent, key, path, f"{shown} is not allowed; expected one "
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
                entries = "entry" if len(value) == 1 else "entries"
                self.problem(value, parent, key, path, f"has {len(value)} {entries}; expected "
                             f"exactly {length}")
            return [self.convert(args[0], item, f"{path}[{i}]", value, i, meta)
                    for i, item in enumerate(value)]
        if origin is dict:
            if not isinstance(value, dict):
                self.problem(value, parent, key, path, f"expected a mapping, got "
                             f"{_kind(value)}")
                return {}
            return {str(k): self.convert(args[1], v, f"{path}.{key_text(k)}", value, k, meta)
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
            return self.number(tp, value, path, parent, key, meta)
        if tp is str:
            if not isinstance(value, str):
                self.problem(value, parent, key, path, f"expected text, got {_kind(value)}")
                return ""
            if "\0" in value:
                self.problem(value, parent, key, path, "text contains a NUL character; "
                             "expected printable text")
                return ""
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
            what = f"expected {wanted}, got {_kind(value)}"
            if isinstance(value, float) and not isinstance(value, bool) and value - value != 0:
                what = f"{value} is not a finite number; expected {wanted}"
            self.problem(value, parent, key, path, what)
            return tp(0)
        if abs(value) > MAX_NUMBER:
            self.problem(value, parent, key, path, f"{_show(value, 24)} is absurdly large; "
                         f"expected {wanted} of at most {MAX_NUMBER:g} in size")
            return tp(0)
        value = tp(value)
        unit = f" ({meta['unit']})" if meta.get("unit") else ""
        for bound, test, words in (("ge", lambda v, b: v >= b, ">="),
                                   ("gt", lambda v, b: v > b, ">"),
                                   ("le", lambda v, b: v <= b, "<=")):
            b = meta.get(bound)
            if b is not None and not test(value, b):
                self.problem(value, parent, key, path, f"{value:g} is out of range; expected a "
                             f"number {words} {b:g}{unit}")
        return value

    def dataclass(self, cls: type, value: Any, path: str, parent: Any, key: Any) -> Any:
        if not isinstance(value, dict):
            self.problem(value, parent, key, path or "(top level)",
                         f"expected a mapping, got {_kind(value)}")
            return cls()
        fields = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
        hints = typing.get_type_hints(cls)
        kwargs = {}
        for name, raw in value.items():
            sub = f"{path}.{key_text(name)}" if path else key_text(name)
            if name not in fields:
                close = difflib.get_close_matches(str(name), list(fields), n=1)
                hint = f"expected a known key, did you mean {close[0]!r}?" if close else \
                    f"expected one of {', '.join(sorted(fields))}"
                self.problem(raw, value, name, sub, f"unknown key; {hint}")
                continue
            kwargs[name] = self.convert(hints[name], raw, sub, value, name,
                                        dict(fields[name].metadata))
        return cls(**kwargs)


def _kind(value: Any) -> str:
    """What a user's value is, in words, for 'expected X, got Y' messages."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, (int, float)):
        return f"a number ({_show(value, 24)})"
    if isinstance(value, str):
        return f"text ({value!r})" if len(value) < 40 else "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__} ({_show(value, 30)})"


def convert(data: dict, file: str, cls: type = Scenario) -> tuple[Any, list[Problem]]:
    """Convert a merged mapping into ``cls``; return the object and every problem found."""
    converter = _Converter(file)
    obj = converter.dataclass(cls, data, "", None, None)
    return obj, converter.problems
