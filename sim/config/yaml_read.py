"""Reading one YAML file safely, with the file and line of every key and list entry.

PyYAML's *safe* loader builds only plain values (no objects), and values are what
``yaml.safe_load`` makes of them (YAML 1.1). This module adds what a planner's file needs:
duplicate keys are errors (PyYAML would keep the last silently), so are numbers YAML reads
as other numbers than they look (``17:00`` is 1020 in base 60, ``010`` is octal 8); keys are
names as written; sizes, nesting and alias expansion are bounded, and every mapping and list
remembers where it was written, so an error can say ``x.yaml:12: teams.town.members: ...``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

from sim.config.errors import Problem, UserError

DELETE = "__delete__"
MAX_BYTES = 5_000_000
MAX_DEPTH = 40
MAX_VALUES = 200_000
MAX_NUMBER = 1e12
SUFFIXES = (".yaml", ".yml")
FULL_WIDTH = {"\uff1a": ":", "\uff0c": ","}  # '：' and '，', typed with a Chinese input method


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


def new_line_dict(file: str, line: int | None) -> LineDict:
    out = LineDict()
    out.file, out.line, out.key_lines, out.key_files = file, line, {}, {}
    return out


INT_TAG, FLOAT_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
MERGE_TAG = "tag:yaml.org,2002:merge"
_OCTAL = re.compile(r"^[-+]?0[0-7_]+$")


def misread_number(text: str) -> str:
    """Why a value written as ``text``, which YAML reads as a number, is not the number it
    looks like (empty if it is): scenarios are read as :func:`yaml.safe_load` reads them
    (YAML 1.1), where ``17:00`` is the base-60 number 1020 and ``010`` the octal number 8;
    the message says what to write instead."""
    digits = text.replace("_", "")
    sign = -1 if digits.startswith("-") else 1
    digits = digits.lstrip("+-")
    if ":" in digits:
        value = 0.0
        for part in digits.split(":"):
            try:
                value = value * 60 + float(part)
            except ValueError:
                return ""  # no number at all (!!int 1:xx): reported as the document is built
        return (
            f"{text} reads as the base-60 number {sign * value:g} in YAML; write a time of day "
            f"in quotes ('{text}')"
        )
    if _OCTAL.match(text) and int(digits, 8) != int(digits):
        return (
            f"{text} reads as the octal number {sign * int(digits, 8)} in YAML; write it without "
            f"the leading zero, or in quotes if it is a code ('{text}')"
        )
    return ""


_EXPONENT = re.compile(r"^([-+]?[0-9][0-9_]*)(?:\.([0-9_]*))?[eE]([-+]?)([0-9]+)$")
_LEADING_ZERO = re.compile(r"^[-+]?0[0-9_]+$")


def number_as_text_hint(text: str) -> str:
    """For a number YAML reads as text (``1e10`` and ``1.5e3``: YAML 1.1 wants a dot and a
    signed exponent; ``08``: not octal, so not a number; ``[2，10]``: a full-width comma), how to
    write it as one; empty for other text."""
    exponent = _EXPONENT.match(text)
    if exponent:
        whole, fraction, sign, power = exponent.groups()
        written = f"{whole}.{fraction or '0'}e{sign or '+'}{power}"
        return f"; YAML reads {text} as text: write {written}"
    if _LEADING_ZERO.match(text):
        return f"; YAML reads {text} as text: write {int(text.replace('_', ''))}"
    for wide, ascii_ in FULL_WIDTH.items():
        if wide in text:
            return f"; {wide!r} is full-width (Chinese input): write {ascii_!r}"
    return ""


def syntax_problem(text: str, line: int | None, column: int | None, reason: str) -> tuple[int | None, str]:
    """(line, message) for a YAML syntax error that PyYAML explains as ``reason`` at ``line``
    (1-based) and ``column`` (0-based), saying in the planner's words what is wrong in the three
    common cases: a tab (YAML indents with spaces only), a full-width '：' or '，' typed with a
    Chinese input method (often reported a line later, so the two lines above count too), and a
    ``: `` inside an unquoted value."""
    if "'\\t'" in reason:
        where = f" (column {column + 1})" if column is not None else ""
        return line, f"invalid YAML: a tab character{where}; expected spaces (YAML indents with spaces only)"
    lines = text.splitlines()
    if line is not None:
        for number in range(max(1, line - 2), min(line, len(lines)) + 1):
            written = lines[number - 1].split("#", 1)[0]
            for wide, ascii_ in FULL_WIDTH.items():
                if wide in written:
                    return number, (
                        f"invalid YAML: a full-width {wide!r} (Chinese input); expected an ASCII "
                        f"{ascii_!r} between keys and values (or quote the text that holds it)"
                    )
    if reason == "mapping values are not allowed here":
        return line, (
            "invalid YAML (mapping values are not allowed here); expected text holding ': ' in "
            'quotes (description: "Pingyang: more volunteers"), and each key indented like the '
            "keys beside it"
        )
    return line, f"invalid YAML ({reason}); expected a YAML mapping"


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
            if "digits" in str(exc):  # Python's limit on the digits of a whole number
                why = f"invalid value: a whole number of {len(text):,} digits"
            else:
                why = f"invalid value {show_value(text, 30)} ({show_value(str(exc), 50)})"
            raise yaml.constructor.ConstructorError(None, None, why, node.start_mark) from None


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)  # `<<: *anchor` entries first, so explicit keys win
    result = new_line_dict(loader.file_name, node.start_mark.line + 1)
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag in (INT_TAG, FLOAT_TAG):
            key = key_node.value  # a name as written: 0801 stays 0801, 1e3 stays 1e3
        else:
            key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, (str, int, float, bool)) or key is None:
            loader.key_problems.append(
                Problem(
                    loader.file_name, line, "", f"unsupported key {show_value(key)}; expected a plain name"
                )
            )
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


def _nodes(root: yaml.Node):
    """Yield ``(node, path)`` for every node of a composed document once, in the order written
    (an anchored node at its anchor; the values merged in with ``<<: *anchor`` not again)."""
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node, path
        children: list[tuple[yaml.Node, str]] = []
        if isinstance(node, yaml.SequenceNode):
            children = [(child, f"{path}[{i}]") for i, child in enumerate(node.value)]
        elif isinstance(node, yaml.MappingNode):
            children = [(v, _key_path(path, k)) for k, v in node.value if k.tag != MERGE_TAG]
        stack.extend(reversed(children))  # in the order written


def _key_path(path: str, key_node: yaml.Node) -> str:
    """The path of a mapping entry: its mapping's path, then its key."""
    key = key_text(key_node.value if isinstance(key_node, yaml.ScalarNode) else None)
    return f"{path}.{key}" if path else key


def _duplicates(root: yaml.Node, file: str) -> list[Problem]:
    """Keys written twice in one mapping (PyYAML would silently keep the last), with paths.
    Keys merged in with ``<<: *anchor`` may be overridden; explicit keys may not repeat."""
    problems: list[Problem] = []
    for node, path in _nodes(root):
        if not isinstance(node, yaml.MappingNode):
            continue
        first: dict[str, int] = {}
        for key_node, _ in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key_node.tag == MERGE_TAG or not isinstance(key, str):
                continue
            line = key_node.start_mark.line + 1
            if key in first:
                message = f"duplicate key (first at line {first[key]}); expected each key once"
                problems.append(Problem(file, line, _key_path(path, key_node), message))
            else:
                first[key] = line
    return sorted(problems, key=lambda p: p.line or 0)


def _misread_numbers(root: yaml.Node, file: str) -> list[Problem]:
    """Values written as numbers that YAML reads as other numbers (:func:`misread_number`),
    with their paths: each is an error, never a silent misreading."""
    problems = []
    for node, path in _nodes(root):
        if isinstance(node, yaml.ScalarNode) and node.tag in (INT_TAG, FLOAT_TAG):
            why = misread_number(node.value)
            if why:
                problems.append(Problem(file, node.start_mark.line + 1, path, why))
    return sorted(problems, key=lambda p: p.line or 0)


def key_text(key: Any) -> str:
    """A key as shown in a path: itself when it is a plain name, else quoted."""
    text = str(key)
    return text if re.fullmatch(r"[\w\-]{1,60}", text) else show_value(text)


def show_value(value: Any, limit: int = 40) -> str:
    """A short one-line rendering of a user's value for messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def read_yaml(path: str | os.PathLike) -> LineDict:
    """Read one YAML mapping safely, with line numbers; raise UserError on any problem."""
    data, problems = read_yaml_collecting(path)
    if problems:
        raise UserError(problems)
    return data


def read_yaml_collecting(path: str | os.PathLike) -> tuple[LineDict, list[Problem]]:
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
        raise fail(
            None,
            f"is not a YAML file ({path.suffix or 'no extension'}); expected a "
            "scenario ending in .yaml or .yml",
        )
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise fail(None, f"cannot be read ({exc.strerror}); expected a readable file") from None
    if len(raw) > MAX_BYTES:
        raise fail(None, f"file is larger than {MAX_BYTES:,} bytes; expected a scenario of a reasonable size")
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
            raise fail(
                node.start_mark.line + 1, f"nested deeper than {MAX_DEPTH} levels; expected a scenario"
            )
        if count > MAX_VALUES:
            raise fail(
                node.start_mark.line + 1,
                f"more than {MAX_VALUES:,} values (counting "
                "each use of an alias); expected a scenario of a reasonable size",
            )
        misread = _misread_numbers(node, name)
        if misread:
            raise UserError(misread)
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
            what = (
                f"YAML tag {tag!r} is not allowed (tags that construct objects are refused);"
                " expected plain values"
            )
        elif what.startswith("invalid value"):
            what = (
                f"{what}; expected a plain number, text, true/false or null (quote text "
                "that looks like a date or number)"
            )
        else:
            line, what = syntax_problem(text, line, mark.column if mark else None, what)
        raise fail(line, what) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise fail(
            line, f"character #x{exc.character:04x} is not allowed in YAML; expected printable text"
        ) from None
    except yaml.YAMLError as exc:
        raise fail(None, f"invalid YAML ({' '.join(str(exc).split())})") from None
    finally:
        if loader is not None:
            loader.dispose()
    problems = sorted(duplicates + loader.key_problems, key=lambda p: p.line or 0)
    if not isinstance(data, dict):
        raise fail(1, f"top level is {kind_of(data)}; expected a mapping of scenario keys")
    return data, problems


def kind_of(value: Any) -> str:
    """What a user's value is, in words, for 'expected X, got Y' messages."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, (int, float)):
        return f"a number ({show_value(value, 24)})"
    if isinstance(value, str):
        return f"text ({value!r})" if len(value) < 40 else "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__} ({show_value(value, 30)})"
