"""Reading users' CSV data files with one clear line per problem (file, line, column, expected).

Every data file a scenario names (towns, places, coordinates, travel matrix, pairing) is read
through here, so each gets the same checks: it exists and is a file of a sane size, it is UTF-8
text, it parses as CSV, it has the required header, every row has as many cells as the header,
and required cells are not empty. For example a places CSV whose row 7 lacks a cell gives::

    data/places.csv:7: row has 3 cells; expected 4 (one per header column)
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sim.config.errors import Problem, UserError, not_a_file

MAX_BYTES = 50_000_000
MAX_REPORTED = 20


def raise_problems(problems: list[Problem]) -> None:
    """Raise UserError with at most MAX_REPORTED problems (and a line saying how many more)."""
    if not problems:
        return
    shown = problems[:MAX_REPORTED]
    if len(problems) > MAX_REPORTED:
        last = problems[MAX_REPORTED]
        shown.append(
            Problem(
                last.file,
                last.line,
                "",
                f"... and {len(problems) - MAX_REPORTED} more problem(s) in this file; expected none",
            )
        )
    raise UserError(shown)


def read_text(path: str, what: str) -> str:
    """The UTF-8 text of a user's data file; raise UserError when it cannot be used."""
    file = Path(path)
    if not file.is_file():
        raise UserError([Problem(str(path), None, "", f"{what} {not_a_file(file)}; expected a CSV file")])
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise UserError(
            [
                Problem(
                    str(path), None, "", f"{what} cannot be read ({exc.strerror}); expected a readable file"
                )
            ]
        ) from None
    if len(raw) > MAX_BYTES:
        raise UserError(
            [
                Problem(
                    str(path),
                    None,
                    "",
                    f"{what} is larger than {MAX_BYTES:,} bytes; expected a CSV file of a reasonable size",
                )
            ]
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError(
            [Problem(str(path), line, "", f"{what} has bytes that are not UTF-8; expected a UTF-8 CSV file")]
        ) from None
    if "\0" in text:
        line = text[: text.index("\0")].count("\n") + 1
        raise UserError(
            [Problem(str(path), line, "", f"{what} contains a NUL byte; expected a text CSV file")]
        )
    if not text.strip():
        raise UserError([Problem(str(path), 1, "", f"{what} is empty; expected a header row and data rows")])
    return text


def read_rows(path: str, what: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every non-blank row of a CSV data file."""
    text = read_text(path, what)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    try:
        start = 1
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise UserError(
            [
                Problem(
                    str(path),
                    reader.line_num or 1,
                    "",
                    f"{what} is not valid CSV ({exc}); expected comma-separated values",
                )
            ]
        ) from None
    return rows


def read_csv(path: str, required: list[str], what: str) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV with the ``required`` columns; raise UserError naming the problems.

    ``what`` names the file's role for messages (e.g. "places CSV"). Each returned row has an
    extra key ``_line`` (its line number in the file). Cells are stripped of blanks.
    """
    rows = read_rows(path, what)
    header_line, header = rows[0]
    header = [h.strip() for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        raise UserError(
            [
                Problem(
                    str(path),
                    header_line,
                    "",
                    f"{what} lacks column(s) "
                    f"{', '.join(missing)}; expected a header with "
                    f"{', '.join(required)}",
                )
            ]
        )
    repeated = sorted({h for h in header if header.count(h) > 1 and h})
    if repeated:
        raise UserError(
            [
                Problem(
                    str(path),
                    header_line,
                    "",
                    f"{what} repeats column(s) {', '.join(repeated)}; expected each column once",
                )
            ]
        )
    if len(rows) == 1:
        raise UserError([Problem(str(path), header_line, "", f"{what} has no rows; expected at least one")])
    problems: list[Problem] = []
    out = []
    for line, cells in rows[1:]:
        if len(cells) != len(header):
            problems.append(
                Problem(
                    str(path),
                    line,
                    "",
                    f"row has {len(cells)} cells; expected {len(header)} (one per header column)",
                )
            )
            continue
        row = {h: c.strip() for h, c in zip(header, cells)}
        empty = [c for c in required if not row[c]]
        if empty:
            problems.append(Problem(str(path), line, empty[0], "is empty; expected a value"))
            continue
        row["_line"] = str(line)
        out.append(row)
    raise_problems(problems)
    return out


def number(
    row: dict[str, str],
    column: str,
    path: str,
    problems: list[Problem],
    minimum: float | None = 0.0,
    maximum: float | None = None,
    unit: str = "",
) -> float:
    """A numeric cell of ``row``; a problem is recorded (and 0 returned) when it is not valid
    (not a finite number, or outside ``minimum`` .. ``maximum``)."""
    cell = (row.get(column) or "").strip()
    try:
        value = float(cell)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError
    except ValueError:
        problems.append(
            Problem(
                path, int(row["_line"]), column, f"{cell[:30]!r} is not a number; expected a finite number"
            )
        )
        return 0.0
    if minimum is not None and value < minimum:
        what = "negative" if minimum == 0 else "too small"
        problems.append(
            Problem(path, int(row["_line"]), column, f"{value:g} is {what}; expected a number >= {minimum:g}")
        )
        return 0.0
    if maximum is not None and value > maximum:
        problems.append(
            Problem(
                path,
                int(row["_line"]),
                column,
                f"{value:g} is out of range; expected a number <= {maximum:g}{f' ({unit})' if unit else ''}",
            )
        )
        return 0.0
    return value
