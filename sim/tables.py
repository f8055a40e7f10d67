"""Reading users' CSV data files with one clear line per problem (file, line, column, expected)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sim.errors import Problem, UserError


def read_csv(path: str, required: list[str], what: str) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV with the ``required`` columns; raise UserError naming the problem.

    ``what`` names the file's role for messages (e.g. "places CSV"). Each returned row has an
    extra key ``_line`` (its line number in the file).
    """
    file = Path(path)
    if not file.is_file():
        raise UserError([Problem(str(path), None, "", f"{what} not found; expected a CSV file")])
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError([Problem(str(path), None, "", f"{what} is not UTF-8 text; expected a CSV "
                                 "file")]) from None
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in required if c not in header]
    if missing:
        raise UserError([Problem(str(path), 1, "", f"{what} lacks column(s) {', '.join(missing)}; "
                                 f"expected a header with {', '.join(required)}")])
    rows = []
    for row in reader:
        row["_line"] = str(reader.line_num)
        rows.append(row)
    if not rows:
        raise UserError([Problem(str(path), None, "", f"{what} has no rows; expected at least one")])
    return rows


def number(row: dict[str, str], column: str, path: str, problems: list[Problem],
           minimum: float | None = 0.0) -> float:
    """A numeric cell of ``row``; a problem is recorded (and 0 returned) when it is not valid."""
    cell = (row.get(column) or "").strip()
    try:
        value = float(cell)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError
    except ValueError:
        problems.append(Problem(path, int(row["_line"]), column, f"{cell!r} is not a number; "
                                "expected a finite number"))
        return 0.0
    if minimum is not None and value < minimum:
        problems.append(Problem(path, int(row["_line"]), column, f"{value:g} is negative; "
                                f"expected a number >= {minimum:g}"))
    return value
